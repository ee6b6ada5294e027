import "server-only";
import type { NextAuthOptions } from "next-auth";
import { getEnv, getOidcProviders } from "@/lib/env";
import { safeRedirect } from "@/lib/auth/redirect";
import { getRequestMeta } from "@/lib/request-meta";
import { oidcProvider, type TOidcClaims } from "@/lib/auth/oidc";
import { signInWithSso } from "@/lib/auth/sso";
import { endSessionById, sessionLimits } from "@/lib/auth/sessions";
import { sessionSecret } from "@/lib/auth/session";

// The session cookie is a next-auth JWT that carries only the id of a server-side session row
// (lib/auth/sessions.ts); every request reads that row and the user (lib/auth/session.ts), so
// nothing in the token is trusted beyond "which session". Any instance can serve any request.
export function getAuthOptions(): NextAuthOptions {
  return {
    secret: sessionSecret(),
    // The cookie lives as long as the longest session may; the row decides before that.
    session: { strategy: "jwt", maxAge: sessionLimits().maxMs / 1000 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    // Password sign-in is app/api/auth/sign-in (one request, no next-auth CSRF round trip); it
    // writes the same cookie (lib/auth/session.ts). next-auth keeps single sign-on.
    providers: getOidcProviders().map(oidcProvider),
    callbacks: {
      // An IdP's sign-in arrives here after next-auth verified the ID token, state, nonce and
      // PKCE; lib/auth/sso.ts decides who it is and opens the session, whose id the jwt callback
      // below puts in the cookie. next-auth has no other kind of provider here.
      async signIn({ user, account, profile }) {
        const provider = account?.type === "oauth" && getOidcProviders().find((p) => p.id === account.provider);
        const result = provider
          ? await signInWithSso(provider, (profile ?? {}) as TOidcClaims, await getRequestMeta())
          : ({ ok: false, error: "SsoInvalid" } as const);
        if (!result.ok) return `${getEnv().NEXTAUTH_URL ?? ""}/sign-in?error=${result.error}`;
        (user as unknown as { sessionId: string }).sessionId = result.sessionId;
        return true;
      },
      // Only ever back to this site; a malformed callbackUrl is ignored, not a 500.
      redirect: ({ url, baseUrl }) => safeRedirect(url, baseUrl),
      // At sign-in `user` carries the session id the signIn callback gave it; the token keeps
      // that and nothing else (no name, email, role or organisation to go stale or leak).
      jwt({ token, user }) {
        if (user) return { sid: (user as unknown as { sessionId: string }).sessionId };
        return { sid: token.sid };
      },
      // The browser's view of the session says only when the cookie expires.
      session: ({ session }) => ({ expires: session.expires }),
    },
    events: {
      // Sign-out ends the row, so a copy of the cookie taken before is refused from now on.
      async signOut({ token }) {
        await endSessionById(token?.sid, "signed_out");
      },
    },
  };
}
