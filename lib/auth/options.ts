import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getEnv } from "@/lib/env";
import { safeRedirect } from "@/lib/auth/redirect";
import { authenticate } from "@/lib/auth/sign-in";
import { clientIp } from "@/lib/request-meta";
import type { GlobalRole } from "@/lib/generated/prisma/enums";

// Idle limit: next-auth re-issues the token while it is in use.
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
/** Absolute limit from sign-in, however active the session (checked in lib/auth/session.ts). */
export const SESSION_ABSOLUTE_MAX_SECONDS = 12 * 60 * 60;

function header(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

// JWT sessions keep the web tier stateless. The token only says who signed in; every guard
// re-reads role, organisation and disabled state from the database (lib/auth/session.ts).
export function getAuthOptions(): NextAuthOptions {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: start the app with `npm start`, or set it (see README).");
  return {
    secret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
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
    ],
    callbacks: {
      // Only ever back to this site; a malformed callbackUrl is ignored, not a 500.
      redirect: ({ url, baseUrl }) => safeRedirect(url, baseUrl),
      jwt({ token, user }) {
        if (user) {
          const u = user as unknown as { id: string; orgId: string; role: GlobalRole; stamp: string };
          token.sub = u.id;
          token.orgId = u.orgId;
          token.role = u.role;
          // Server-side only (the session callback does not copy them to the browser):
          // lib/auth/session.ts checks them on every request.
          token.stamp = u.stamp;
          token.authTime = Math.floor(Date.now() / 1000);
        }
        return token;
      },
      session({ session, token }) {
        session.user = {
          ...session.user,
          id: token.sub ?? "",
          orgId: String(token.orgId ?? ""),
          role: token.role as GlobalRole,
        };
        return session;
      },
    },
  };
}

declare module "next-auth" {
  interface Session {
    user: { id: string; orgId: string; role: GlobalRole; name?: string | null; email?: string | null };
  }
}
