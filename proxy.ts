import { NextResponse, type NextRequest } from "next/server";
import { actionBodyRefusal, crossSiteRefusal, hasMalformedEscapes, ownOrigins, pageCsp } from "@/lib/request-policy";

// Runs before every page and server action (not API routes: they answer 401 JSON themselves,
// check their own origin in lib/http.ts, and their bodies (uploads) must not pass through here,
// where Next buffers and truncates them). It does four things:
// 1. X-Forwarded-Host is dropped unless a trusted proxy is configured: Next compares a server
//    action's Origin with it, so a forged one would let a cross-site POST pass as same-origin.
// 2. State-changing requests (server actions) without our Origin, or with a Sec-Fetch-Site other
//    than same-origin, are refused with 403 before any action runs; a server action's body that
//    Next's decoder would fail on with a 500 (over its size limit, malformed multipart) is
//    refused with 413 or 400. So is an address whose percent-escapes are not UTF-8.
// 3. Every page gets a Content-Security-Policy with a fresh nonce (Next puts it on its scripts),
//    and a signed-in page Cache-Control: no-store.
// 4. Anonymous visitors of app pages go to sign-in instead of seeing an error. That checks only
//    that a session cookie is present; the real check is in lib/auth (every page and action).
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const PUBLIC_PAGES = ["/sign-in", "/sign-out"];

/* eslint-disable no-restricted-properties -- lib/env is server-only, which the proxy cannot import */
const config_ = () => ({
  publicUrl: process.env.NEXTAUTH_URL,
  trustedProxies: Number(process.env.CASEBRIDGE_TRUSTED_PROXIES ?? 0) || 0,
  dev: process.env.NODE_ENV === "development",
});
/* eslint-enable no-restricted-properties */

const problem = (status: number, title: string, code: string) =>
  NextResponse.json(
    { type: "about:blank", status, title, code },
    { status, headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store" } },
  );

export async function proxy(request: NextRequest) {
  if (hasMalformedEscapes(request.nextUrl.pathname)) return problem(400, "The address is malformed.", "validation");
  // API routes reach the proxy only for such an address (see the matcher): nothing else to do.
  if (request.nextUrl.pathname.startsWith("/api/")) return NextResponse.next();
  const { publicUrl, trustedProxies, dev } = config_();
  const headers = new Headers(request.headers);
  if (trustedProxies < 1) headers.delete("x-forwarded-host");

  const own = ownOrigins(publicUrl, headers.get("x-forwarded-host") ?? headers.get("host"), request.nextUrl.protocol);
  const refusal = crossSiteRefusal(request.method, headers, own);
  if (refusal) return problem(403, "Cross-site request refused: send it from Casebridge itself.", "forbidden");
  const badBody = await actionBodyRefusal(request.method, headers, () => request.clone());
  if (badBody) return problem(badBody.status, badBody.reason, badBody.status === 413 ? "too_large" : "validation");

  const signedIn = SESSION_COOKIES.some((name) => request.cookies.has(name));
  const path = request.nextUrl.pathname;
  if (!signedIn && !PUBLIC_PAGES.some((p) => path === p || path.startsWith(`${p}/`))) {
    const signIn = new URL("/sign-in", request.url);
    const target = path + request.nextUrl.search;
    if (target !== "/") signIn.searchParams.set("callbackUrl", target);
    return NextResponse.redirect(signIn);
  }

  const nonce = btoa(crypto.randomUUID());
  const csp = pageCsp(nonce, { dev });
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  if (signedIn) response.headers.set("Cache-Control", "private, no-store");
  return response;
}

export const config = {
  matcher: [
    "/((?!api/|_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|txt|webmanifest)$).*)",
    // API addresses with a percent-escape only (their bodies, uploads, must not be buffered
    // here): one that is not UTF-8 would be Next's 500.
    "/api/(.*%.*)",
  ],
};
