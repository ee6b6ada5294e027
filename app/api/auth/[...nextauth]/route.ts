import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/auth/options";
import { isReadableCallbackUrl } from "@/lib/auth/redirect";
import { problem } from "@/lib/http";

// next-auth's own endpoints: single sign-on, sign-out, the session and CSRF. Public by nature.
// The password sign-in is not here but at app/api/auth/sign-in (lib/auth/sign-in.ts).
type RouteContext = { params: Promise<{ nextauth: string[] }> };

const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

async function handler(request: NextRequest, context: RouteContext) {
  // A callbackUrl next-auth cannot parse (e.g. "http://localhost:3000x") would be its 500: a
  // 400 here instead, clearing such a cookie so the browser is not stuck with it.
  const base = request.nextUrl.origin;
  const param = request.nextUrl.searchParams.get("callbackUrl");
  const badCookies = CALLBACK_COOKIES.filter((name) => {
    const value = request.cookies.get(name)?.value;
    return value !== undefined && !isReadableCallbackUrl(value, base);
  });
  if ((param !== null && !isReadableCallbackUrl(param, base)) || badCookies.length > 0) {
    const response = problem(
      400,
      "The return address (callbackUrl) is not a valid URL. Sign in from the sign-in page.",
      {
        code: "validation",
      },
    );
    for (const name of badCookies)
      response.headers.append(
        "Set-Cookie",
        `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`,
      );
    return response;
  }
  return NextAuth(getAuthOptions())(request, context);
}

export { handler as GET, handler as POST };
