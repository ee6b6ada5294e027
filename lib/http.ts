import "server-only";
import { Readable } from "node:stream";
import { getEnv } from "@/lib/env";
import { AppError, ForbiddenError, TooLargeError, UnsupportedMediaTypeError, ValidationError } from "@/lib/errors";
import { inReadScope } from "@/lib/read-scope";
import { crossSiteRefusal, ownOrigins } from "@/lib/request-policy";

// The one translation of errors for route handlers: RFC 9457 problem+json. Typed errors keep
// their status and message; anything else is a generic 500 with the detail in the server log.
export function problem(status: number, title: string, extra: Record<string, unknown> = {}): Response {
  return Response.json(
    { type: "about:blank", status, title, ...extra },
    {
      status,
      headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store" },
    },
  );
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return problem(error.status, error.message, {
      code: error.code,
      ...(error.fieldErrors ? { errors: error.fieldErrors } : {}),
      ...(error.link ? { link: error.link } : {}),
    });
  }
  console.error("[route] unexpected error:", error);
  return problem(500, "Something went wrong on our side. Try again later.", { code: "internal" });
}

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * Wraps a route handler so that every error leaves as problem+json. A read (GET, HEAD) runs in a
 * read scope (lib/read-scope.ts): what it loads twice, such as a case's facts, is read once.
 */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      const read = request.method === "GET" || request.method === "HEAD";
      return await (read ? inReadScope(() => handler(request, context)) : handler(request, context));
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * CSRF protection for state-changing route handlers (they get none from Next): the browser's
 * Origin must be this app's own, and Sec-Fetch-Site (when sent) same-origin. A cross-site form or
 * fetch carries the attacker's origin, "null" or none, and is refused with 403 before the body is
 * read. "Own" is NEXTAUTH_URL when set, else the Host header; X-Forwarded-Host only counts behind
 * a configured trusted proxy (anyone can send that header).
 */
export function requireSameOrigin(request: Request): void {
  const env = getEnv();
  const host =
    (env.CASEBRIDGE_TRUSTED_PROXIES > 0 ? request.headers.get("x-forwarded-host") : null) ??
    request.headers.get("host");
  const own = ownOrigins(env.NEXTAUTH_URL, host, new URL(request.url).protocol);
  if (crossSiteRefusal(request.method, request.headers, own))
    throw new ForbiddenError(
      "Cross-site request refused: send it from Casebridge itself (the Origin header must be this site).",
    );
}

/**
 * Refuses a request body of another type than `expected` (415), before it is read. `what` names
 * the body in the message: "Send <what> with Content-Type: <expected>."
 */
export function requireContentType(request: Request, expected: string, what = "the request body"): void {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type === expected) return;
  throw new UnsupportedMediaTypeError(`Send ${what} with Content-Type: ${expected}.`);
}

/**
 * How long, and how many more bytes, a refused body is read and dropped while its 413 goes out.
 * Cancelling it at once makes the server close the connection with unread bytes, which resets
 * it, and the reset can reach the client before the answer does ("fetch failed", never the
 * 413). A lingering close, as web servers do: bounded in time and bytes, never kept.
 */
export const REFUSED_BODY_LINGER = { ms: 2_000, bytes: 16 * 2 ** 20 };

/** Reads and drops the rest of a refused body, within REFUSED_BODY_LINGER, then cancels it. */
async function lingerOnRefusedBody(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  const stop = () => reader.cancel().catch(() => {});
  const timer = setTimeout(stop, REFUSED_BODY_LINGER.ms);
  try {
    for (let dropped = 0; dropped <= REFUSED_BODY_LINGER.bytes;) {
      const { done, value } = await reader.read();
      if (done) return;
      dropped += value.byteLength;
    }
    await stop();
  } catch {
    // The client went away, or the time ran out: nothing is owed to it.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A small request body as text, refused with 413 past `maxBytes`: by its Content-Length before
 * anything is read, or as it streams in when it has none: no body of any size is ever buffered
 * whole, whoever sends it.
 */
async function readSmallBody(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new TooLargeError(`The request body is over ${maxBytes} bytes.`);
  const reader = request.body?.getReader();
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) {
    if (reader) void lingerOnRefusedBody(reader);
    throw tooLarge();
  }
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        void lingerOnRefusedBody(reader);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof TooLargeError) throw error;
    // The client went away, or sent a broken body: its fault, not the server's (no 500, no log).
    throw new ValidationError("The request body ended before it was complete. Send it again.");
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** What a JSON request body may weigh: far above any form's fields, far below a server's memory. */
export const JSON_BODY_MAX_BYTES = 1024 * 1024;

/**
 * A JSON request body, parsed: 415 unless it is declared application/json, 413 past `maxBytes`
 * (never buffered whole first, whoever sends it), 400 when it is not JSON. `hint` says what to
 * send instead.
 */
export async function readJsonBody(
  request: Request,
  maxBytes = JSON_BODY_MAX_BYTES,
  hint = "send a JSON object",
): Promise<unknown> {
  requireContentType(request, "application/json");
  const text = await readSmallBody(request, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError(`The body is not valid JSON: ${hint}.`);
  }
}

/** RFC 6266 attachment with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(kind: "attachment" | "inline", fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Streams untrusted bytes (uploaded evidence) to the browser. `nosniff` and `sandbox` keep a
 * file from ever running as a page of this origin, even if opened directly; downloads are
 * attachments; nothing is cached by shared caches. Without a stream: the same headers and no
 * body, the answer to a HEAD request.
 */
export function untrustedFileResponse(
  file: { stream?: Readable; fileName: string; mimeType: string; size: number; sha256: string },
  kind: "attachment" | "inline",
): Response {
  const body = file.stream ? (Readable.toWeb(file.stream) as ReadableStream<Uint8Array>) : null;
  return new Response(body, {
    headers: {
      "Content-Type": kind === "attachment" ? "application/octet-stream" : file.mimeType,
      "Content-Length": String(file.size),
      "Content-Disposition": contentDisposition(kind, file.fileName),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'none'", // as next.config.js
      "Cache-Control": "private, no-store",
      "X-Evidence-SHA256": file.sha256,
    },
  });
}

/**
 * A download streamed from text chunks (exports, rejected rows). The first chunk is awaited
 * before answering, so an authorization or validation error still becomes problem+json.
 */
export async function textDownload(
  chunks: AsyncGenerator<string>,
  file: { fileName: string; contentType: string },
): Promise<Response> {
  const first = await chunks.next();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(encoder.encode(first.value));
    },
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": contentDisposition("attachment", file.fileName),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
