import { NextResponse, type NextRequest } from "next/server";

// A convenience only: anonymous visitors of app pages go to sign-in instead of seeing an error.
// It checks that a session cookie is present, not that it is valid; the real check is in
// lib/auth (every page, action and route handler). API routes are excluded from the matcher:
// they answer 401 JSON themselves, and request bodies (uploads) must not pass through here,
// where Next buffers and truncates them.
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const signIn = new URL("/sign-in", request.url);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") signIn.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: [
    "/((?!api/|_next/static|_next/image|favicon.ico|sign-in|sign-out|.*\\.(?:png|svg|ico|txt|webmanifest)$).*)",
  ],
};
