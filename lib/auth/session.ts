import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { cache } from "react";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { isSessionLive, touchSession } from "@/lib/auth/sessions";
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

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The session id in a session token, or null (absent, forged, expired, or an older token shape). */
export async function sessionIdFromToken(raw: string | undefined): Promise<string | null> {
  const secret = getEnv().NEXTAUTH_SECRET;
  if (!raw || !secret) return null;
  const token = await decode({ token: raw, secret }).catch(() => null);
  return typeof token?.sid === "string" ? token.sid : null;
}

/**
 * Who a session token belongs to, or null. One indexed lookup (the session row by primary key,
 * joined to its user): the row must be live (not ended, within its absolute lifetime and idle
 * limit) and the user not disabled. Role and organisation come from the database, never from
 * the token, so a change takes effect on the next request.
 */
export async function resolveSession(raw: string | undefined): Promise<TActor | null> {
  const sid = await sessionIdFromToken(raw);
  if (!sid || !/^[0-9a-f-]{36}$/i.test(sid)) return null;
  const row = await getDb().userSession.findUnique({
    where: { id: sid },
    select: {
      endedAt: true,
      mfaPending: true,
      expiresAt: true,
      lastSeenAt: true,
      user: {
        select: {
          id: true,
          email: true,
          name: true,
          role: true,
          orgId: true,
          disabledAt: true,
          org: { select: { name: true } },
        },
      },
    },
  });
  if (!row || !isSessionLive(row) || row.user.disabledAt) return null;
  await touchSession(sid, row.lastSeenAt);
  const { user } = row;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    orgId: user.orgId,
    orgName: user.org.name,
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
