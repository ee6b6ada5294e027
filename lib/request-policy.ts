// Request rules shared by the proxy (pages and server actions) and lib/http.ts (route handlers).
// Pure functions of headers and configuration: the proxy cannot import lib/env (server-only).

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origins this app answers as: the configured public URL, else the Host the request came to. */
export function ownOrigins(configuredUrl: string | undefined, host: string | null, protocol: string): Set<string> {
  if (configuredUrl) return new Set([new URL(configuredUrl).origin]);
  return new Set(host ? [`${protocol}//${host}`] : []);
}

/**
 * Why a state-changing request must be refused as cross-site, or null to let it through. The
 * browser's Origin must be one of ours (absent, "null" or foreign: refused, so a form or fetch
 * from another site or a sandboxed frame cannot act as the user), and Sec-Fetch-Site, when the
 * browser sends it, must say same-origin. Safe methods change nothing and pass.
 */
export function crossSiteRefusal(method: string, headers: Headers, own: Set<string>): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin") return `Sec-Fetch-Site is ${site}`;
  const origin = headers.get("origin");
  if (!origin) return "no Origin header";
  if (!own.has(origin)) return `foreign Origin ${origin.slice(0, 100)}`;
  return null;
}

/**
 * Whether a URL path holds a percent-escape that is not UTF-8 ("%ED%A0%80", a lone surrogate):
 * Next's router fails to decode it and answers a bare 500, so the proxy answers 400 first.
 */
export function hasMalformedEscapes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Next's limit on a server action's body (serverActions.bodySizeLimit: next.config.js keeps the default). */
export const ACTION_BODY_LIMIT = 1024 * 1024;

/**
 * Why a server action's body must be refused before Next decodes it, or null. Next answers 500
 * when the body is over its limit, when its multipart parser rejects a part (a control
 * character in a field or file name, broken framing), or when the arguments' JSON refers to a
 * part the body does not hold. Our own forms send none of these, so they are refused here
 * instead: 413 and 400. `copy` gives a fresh copy of the request to read.
 */
export async function actionBodyRefusal(
  method: string,
  headers: Headers,
  copy: () => Pick<Request, "arrayBuffer" | "formData" | "text">,
): Promise<{ status: 400 | 413; reason: string } | null> {
  if (method.toUpperCase() !== "POST" || !headers.has("next-action")) return null;
  const declared = headers.get("content-length");
  const size = declared !== null ? Number(declared) : (await copy().arrayBuffer()).byteLength;
  if (!(size <= ACTION_BODY_LIMIT)) return { status: 413, reason: "The form is too large." };
  const malformed = (reason: string) => ({ status: 400 as const, reason: `The form data is malformed: ${reason}.` });
  let root: unknown = undefined;
  try {
    if (/^multipart\/form-data\b/i.test(headers.get("content-type") ?? "")) {
      const form = await copy().formData();
      for (const [name, value] of form) {
        if (CONTROL.test(name)) return malformed("a control character in a field name");
        if (typeof value !== "string" && CONTROL.test(value.name))
          return malformed("a control character in a file name");
      }
      root = form.get("0") ?? undefined;
    } else {
      root = await copy().text();
    }
  } catch {
    return malformed("it cannot be read");
  }
  if (typeof root !== "string") return root === undefined ? null : malformed("its arguments are not text");
  let args: unknown;
  try {
    args = JSON.parse(root);
  } catch {
    return malformed("its arguments are not JSON");
  }
  return hasForeignReference(args) ? malformed("its arguments refer to parts it does not hold") : null;
}

// What React's client writes for the arguments our actions take: escaped strings ("$$…"), a
// form ("$K1"), undefined, dates, numbers it cannot write as JSON. Any other "$" value is a
// reference to another part of the body, which Next's decoder fails on (500) when it is missing.
const OUR_REFERENCES = /^\$(\$|K[0-9a-f]+$|undefined$|D|n-?\d+$|NaN$|-?Infinity$|-0$)/;

function hasForeignReference(value: unknown, depth = 0): boolean {
  if (depth > 64) return true;
  if (typeof value === "string") return value.startsWith("$") && !OUR_REFERENCES.test(value);
  if (Array.isArray(value)) return value.some((v) => hasForeignReference(v, depth + 1));
  if (value && typeof value === "object") return Object.values(value).some((v) => hasForeignReference(v, depth + 1));
  return false;
}

/**
 * The Content-Security-Policy of a page: scripts only with this response's nonce (Next adds it
 * to its own scripts) and what those load ('strict-dynamic'), never inline or eval ('unsafe-eval'
 * only for the development server's React tooling). WebAssembly may be compiled
 * ('wasm-unsafe-eval', which allows no eval of script): the upload form hashes files with
 * hash-wasm in the browser. Inline styles stay allowed: charts and the graph set style
 * attributes, which cannot carry a nonce.
 */
export function pageCsp(nonce: string, { dev = false } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

// Bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) can
// make "invoice‮fdp.exe" read as "invoiceexe.pdf". Refused in file names (lib/evidence/schemas.ts);
// elsewhere shown inert and visibly (components/ui/inert-text.tsx).
export const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export const hasBidiControls = (text: string) => BIDI_CONTROL.test(text);

/** The text with each bidi control replaced by a visible marker such as ⟦U+202E⟧. */
export function markBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `⟦U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟧`);
}
