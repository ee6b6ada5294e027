import "server-only";
import { LRUCache } from "lru-cache";
import { decode, encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { cache } from "react";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { isSessionLive, sessionLimits, touchSession } from "@/lib/auth/sessions";
import type { GlobalRole } from "@/lib/generated/prisma/enums";

export type TActor = {
  id: string;
  email: string;
  name: string;
  role: GlobalRole;
  orgId: string;
  orgName: string;
  /** The server-side session this request came with (absent for actors built by scripts). */
  sessionId?: string;
  /** Signed in with the password only, and must set up MFA before anything else. */
  mfaPending?: true;
};

type TSessionRow = {
  endedAt: Date | null;
  mfaPending: boolean;
  expiresAt: Date;
  lastSeenAt: Date;
  id: string;
  email: string;
  name: string;
  role: GlobalRole;
  orgId: string;
  disabledAt: Date | null;
  orgName: string;
};

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The key session tokens are encrypted with. Unset, nothing can sign in: said before any work. */
export function sessionSecret(): string {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: start the app with `npm start`, or set it (see README).");
  return secret;
}

/**
 * The Set-Cookie header of a new session, as next-auth's own sign-in writes it (the same name,
 * flags, lifetime and encrypted token holding only the session id), so next-auth reads it back
 * for sign-out and its session endpoint. `siteUrl` is the app's public address: over https the
 * cookie is Secure and takes the __Secure- prefix.
 */
export async function sessionCookie(sessionId: string, siteUrl: string): Promise<string> {
  const secret = sessionSecret();
  const maxAge = Math.floor(sessionLimits().maxMs / 1000);
  const token = await encode({ token: { sid: sessionId }, secret, maxAge });
  const secure = new URL(siteUrl).protocol === "https:";
  const expires = new Date(Date.now() + maxAge * 1000).toUTCString();
  return [
    `${SESSION_COOKIES[secure ? 0 : 1]}=${token}`,
    `Path=/`,
    `Expires=${expires}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/** next-auth's leeway on a token's expiry (`decode` in next-auth/jwt), kept for remembered tokens. */
const CLOCK_TOLERANCE_S = 15;

/**
 * Tokens already decoded, by their text, for the secret they were decoded with. Decoding costs a
 * key derivation and a decryption, on every request (a fiftieth of a timeline page's time under
 * load); the same text always holds the same claims, so a remembered one only has its expiry
 * checked again. A token that does not decode is never remembered, and whether its session is
 * still live is read from the database on every request, as before.
 */
const decodedTokens = new LRUCache<string, { sid: string; exp: number }>({ max: 2_000 });
let decodedWith: string | undefined;

/** The session id in a session token, or null (absent, forged, expired, or an older token shape). */
export async function sessionIdFromToken(raw: string | undefined): Promise<string | null> {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (!raw || !secret) return null;
  if (decodedWith !== secret) {
    decodedTokens.clear();
    decodedWith = secret;
  }
  const known = decodedTokens.get(raw);
  if (known) return Date.now() / 1000 <= known.exp + CLOCK_TOLERANCE_S ? known.sid : null;
  const token = await decode({ token: raw, secret }).catch(() => null);
  if (typeof token?.sid !== "string") return null;
  if (typeof token.exp === "number") decodedTokens.set(raw, { sid: token.sid, exp: token.exp });
  return token.sid;
}

/**
 * Who a session token belongs to, or null. One indexed lookup (the session row by primary key,
 * joined to its user): the row must be live (not ended, within its absolute lifetime and idle
 * limit) and the user not disabled. Role and organisation come from the database, never from
 * the token, so a change takes effect on the next request.
 */
export async function resolveSession(raw: string | undefined): Promise<TActor | null> {
  const sid = await sessionIdFromToken(raw);
  if (!sid || !z.string().uuid().safeParse(sid).success) return null;
  // One statement: the session row by primary key, joined to its user and organisation.
  const rows = await getDb().$queryRaw<TSessionRow[]>`
    SELECT s."endedAt", s."mfaPending", s."expiresAt", s."lastSeenAt",
           u.id, u.email, u.name, u.role::text AS role, u."orgId", u."disabledAt", o.name AS "orgName"
    FROM "UserSession" s
    JOIN "User" u ON u.id = s."userId"
    JOIN "Organization" o ON o.id = u."orgId"
    WHERE s.id = ${sid}::uuid`;
  const row = rows[0];
  if (!row || !isSessionLive(row) || row.disabledAt) return null;
  await touchSession(sid, row.lastSeenAt);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    orgId: row.orgId,
    orgName: row.orgName,
    sessionId: sid,
    ...(row.mfaPending ? { mfaPending: true as const } : {}),
  };
}

/**
 * The only reader of the session cookie: the request's session, or null. Once per request.
 * Includes enrolment-only sessions (mfaPending); guards refuse those except where enrolling.
 */
export const getSessionActor = cache(async (): Promise<TActor | null> => {
  const jar = await cookies();
  return resolveSession(SESSION_COOKIES.map((name) => jar.get(name)?.value).find(Boolean));
});

/** The request's user, or null (signed out, or signed in but not past MFA enrolment yet). */
export async function getCurrentUser(): Promise<TActor | null> {
  const actor = await getSessionActor();
  return actor && !actor.mfaPending ? actor : null;
}
