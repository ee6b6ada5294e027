import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getEnv, getOidcProviders } from "@/lib/env";
import { safeRedirect } from "@/lib/auth/redirect";
import { authenticate } from "@/lib/auth/sign-in";
import { clientIp, getRequestMeta } from "@/lib/request-meta";
import { oidcProvider, type TOidcClaims } from "@/lib/auth/oidc";
import { signInWithSso } from "@/lib/auth/sso";
import { endSessionById, sessionLimits } from "@/lib/auth/sessions";

function header(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

// The session cookie is a next-auth JWT that carries only the id of a server-side session row
// (lib/auth/sessions.ts); every request reads that row and the user (lib/auth/session.ts), so
// nothing in the token is trusted beyond "which session". Any instance can serve any request.
export function getAuthOptions(): NextAuthOptions {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: start the app with `npm start`, or set it (see README).");
  return {
    secret,
    // The cookie lives as long as the longest session may; the row decides before that.
    session: { strategy: "jwt", maxAge: sessionLimits().maxMs / 1000 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
          code: { label: "Authentication code", type: "text" },
        },
        async authorize(credentials, req) {
          const result = await authenticate(credentials, {
            ip: clientIp(header(req?.headers, "x-forwarded-for"), getEnv().CASEBRIDGE_TRUSTED_PROXIES),
            userAgent: header(req?.headers, "user-agent"),
          });
          // next-auth passes a thrown message to the client as `error`; codes, not prose.
          if (!result.ok) throw new Error(result.error);
          return result.user;
        },
      }),
      ...getOidcProviders().map(oidcProvider),
    ],
    callbacks: {
      // Password sign-ins were decided in authorize. An IdP's sign-in arrives here after
      // next-auth verified the ID token, state, nonce and PKCE; lib/auth/sso.ts decides who it
      // is and opens the session, whose id the jwt callback below puts in the cookie.
      async signIn({ user, account, profile }) {
        if (account?.type !== "oauth") return true;
        const provider = getOidcProviders().find((p) => p.id === account.provider);
        const result = provider
          ? await signInWithSso(provider, (profile ?? {}) as TOidcClaims, await getRequestMeta())
          : ({ ok: false, error: "SsoInvalid" } as const);
        if (!result.ok) return `${getEnv().NEXTAUTH_URL ?? ""}/sign-in?error=${result.error}`;
        (user as unknown as { sessionId: string }).sessionId = result.sessionId;
        return true;
      },
      // Only ever back to this site; a malformed callbackUrl is ignored, not a 500.
      redirect: ({ url, baseUrl }) => safeRedirect(url, baseUrl),
      // At sign-in `user` is what authorize returned; the token keeps its session id and
      // nothing else (no name, email, role or organisation to go stale or leak).
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
