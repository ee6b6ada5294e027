// Where a user may be sent after signing in: only to this site. Pure (no server imports), so
// the sign-in page and next-auth's redirect callback share it and unit tests need nothing else.

const PLACEHOLDER = "http://casebridge.invalid";

/**
 * A same-site path (with query and hash) for a return address, or / (the landing page by role). Resolved against a
 * placeholder origin the way a browser would, so "/\\evil.example", "/\t/evil" or an absolute
 * URL of another site cannot escape, and a malformed URL ("http://localhost:3000x") is no error.
 */
export function safeCallbackPath(value: string | null | undefined): string {
  if (!value) return "/";
  try {
    const url = new URL(value, PLACEHOLDER);
    return url.origin === PLACEHOLDER ? url.pathname + url.search + url.hash : "/";
  } catch {
    return "/";
  }
}

/**
 * next-auth's redirect callback: `url` when it is on `baseUrl`'s origin (relative or absolute),
 * else `baseUrl`. next-auth's default calls `new URL(url)` unguarded, so a malformed callbackUrl
 * answered 500; here it is simply not followed.
 */
export function safeRedirect(url: string, baseUrl: string): string {
  try {
    const base = new URL(baseUrl);
    const target = new URL(url, base);
    return target.origin === base.origin ? target.href : baseUrl;
  } catch {
    return baseUrl;
  }
}

/**
 * Whether next-auth can read `value` as a return address (a path, or an http(s) URL). next-auth
 * answers 500 for any other callbackUrl in the query or its callback-url cookie, so its route
 * refuses those first with a 400 (app/api/auth/[...nextauth]/route.ts).
 */
export function isReadableCallbackUrl(value: string, baseUrl: string): boolean {
  if (value === "") return true;
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? baseUrl : undefined).protocol);
  } catch {
    return false;
  }
}
