import { sessionCookie, sessionSecret } from "@/lib/auth/session";
import { authenticate, SIGN_IN_ERROR, ZCredentials, type TSignInError } from "@/lib/auth/sign-in";
import { getEnv } from "@/lib/env";
import { validationFromZod } from "@/lib/errors";
import { problem, readJsonBody, requireSameOrigin, route } from "@/lib/http";
import { getRequestMeta } from "@/lib/request-meta";

export const dynamic = "force-dynamic";

/** Email, password and a code fit in far less; anything larger is not a sign-in. */
const MAX_BODY_BYTES = 8 * 1024;

/** Each refusal's status and a short title; `error` carries the code the sign-in form explains. */
const REFUSALS: Record<TSignInError, { status: number; title: string }> = {
  [SIGN_IN_ERROR.invalid]: { status: 401, title: "Incorrect email or password." },
  [SIGN_IN_ERROR.mfaRequired]: { status: 401, title: "Enter the authentication code of this account." },
  [SIGN_IN_ERROR.mfaInvalid]: { status: 401, title: "That authentication code is not right, or was used already." },
  [SIGN_IN_ERROR.locked]: { status: 429, title: "Too many failed sign-in attempts: this account is locked for now." },
  [SIGN_IN_ERROR.throttled]: { status: 429, title: "Too many sign-in attempts from this network." },
  [SIGN_IN_ERROR.disabled]: { status: 403, title: "This account is disabled." },
  [SIGN_IN_ERROR.unavailable]: { status: 503, title: "Sign-in is unavailable right now. Try again in a minute." },
};

/**
 * POST /api/auth/sign-in — JSON `{ email, password, code? }`: the password sign-in, in one
 * request. On success, 200 and the session cookie (lib/auth/session.ts); else problem+json with
 * `error`, one of SIGN_IN_ERROR. Same-origin only, as every change is, which also keeps another
 * site from signing a visitor in to an account of its choosing. Single sign-on, sign-out and the
 * session endpoint stay next-auth's (app/api/auth/[...nextauth]).
 */
export const POST = route(async (request) => {
  requireSameOrigin(request);
  const body = await readJsonBody(request, MAX_BODY_BYTES, "send { email, password }");
  const parsed = ZCredentials.safeParse(body);
  if (!parsed.success) throw validationFromZod(parsed.error);
  sessionSecret(); // a server without its key fails here, before a session row is written

  const result = await authenticate(parsed.data, await getRequestMeta());
  if (!result.ok) {
    const { status, title } = REFUSALS[result.error];
    return problem(status, title, { code: "sign_in_refused", error: result.error });
  }
  // The cookie's name must be the one next-auth reads for sign-out: it decides by NEXTAUTH_URL
  // alone, and without it uses the plain (not __Secure-) name, whatever the request came over.
  const cookie = await sessionCookie(result.user.sessionId, getEnv().NEXTAUTH_URL ?? "http://localhost");
  return Response.json({ ok: true }, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
});
