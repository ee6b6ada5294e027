import "server-only";
import { z } from "zod";
import { getDb, Prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { recordAudit } from "@/lib/audit/record";
import { NotFoundError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";

// Server-side session records. Each sign-in creates one row; the session cookie carries only
// its id. lib/auth/session.ts reads the row on every request, so ending it (sign-out, an admin,
// the user on their Sessions page, a disable, a role change, a password reset) ends the session
// on the very next request, and an ended row never comes back: re-enabling a user does not
// revive a token issued before the disable.

export type TSessionEndReason =
  | "signed_out"
  | "ended_by_user"
  | "ended_by_admin"
  | "disabled"
  | "role_changed"
  | "password_reset"
  | "password_changed"
  | "mfa_reset";

type TRequestMeta = { ip?: string | null; userAgent?: string | null };
type Tx = Prisma.TransactionClient;

// lastSeenAt is written at most once a minute per session, not on every request; the idle
// limit is therefore kept to the minute (it may end a session up to a minute early).
export const TOUCH_EVERY_MS = 60_000;

export function sessionLimits(): { idleMs: number; maxMs: number } {
  const env = getEnv();
  return { idleMs: env.SESSION_IDLE_MINUTES * 60_000, maxMs: env.SESSION_MAX_HOURS * 3_600_000 };
}

/** `mfaPending`: the session may only enrol in MFA (required, not yet set up). */
export async function createSession(
  userId: string,
  meta: TRequestMeta = {},
  { mfaPending = false } = {},
): Promise<string> {
  const row = await getDb().userSession.create({
    data: {
      userId,
      mfaPending,
      expiresAt: new Date(Date.now() + sessionLimits().maxMs),
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 500) ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

/**
 * A completed sign-in, whatever its method: the session row and its "auth.sign_in" audit row,
 * whose details name the session and add the method's own (`details`).
 */
export async function startSignedInSession(
  userId: string,
  meta: TRequestMeta,
  details: Record<string, unknown>,
  options: { mfaPending?: boolean } = {},
): Promise<string> {
  const sessionId = await createSession(userId, meta, options);
  await recordAudit({
    actorId: userId,
    action: "auth.sign_in",
    targetType: "user",
    targetId: userId,
    ...meta,
    details: { session: sessionId, ...details },
  });
  return sessionId;
}

/** True while the row may still authenticate a request (not ended, not expired, not idle). */
export function isSessionLive(row: { endedAt: Date | null; expiresAt: Date; lastSeenAt: Date }, now = Date.now()) {
  return !row.endedAt && row.expiresAt.getTime() > now && now - row.lastSeenAt.getTime() < sessionLimits().idleMs;
}

/** Marks the session as used now, when the last mark is older than TOUCH_EVERY_MS. */
export async function touchSession(id: string, lastSeenAt: Date): Promise<void> {
  if (Date.now() - lastSeenAt.getTime() < TOUCH_EVERY_MS) return;
  await getDb().userSession.updateMany({ where: { id, endedAt: null }, data: { lastSeenAt: new Date() } });
}

/** Sign-out: ends the session the cookie named (a forged or unknown id ends nothing). */
export async function endSessionById(id: unknown, reason: TSessionEndReason): Promise<void> {
  if (!z.string().uuid().safeParse(id).success) return;
  if (typeof id !== "string") return;
  await getDb().userSession.updateMany({
    where: { id, endedAt: null },
    data: { endedAt: new Date(), endedReason: reason },
  });
}

/**
 * Ends every live session of a user, inside the caller's transaction (so the change that
 * requires it and the end commit together). Returns how many were ended.
 */
export async function endUserSessions(
  tx: Tx,
  userId: string,
  reason: TSessionEndReason,
  exceptId?: string,
): Promise<number> {
  const ended = await tx.userSession.updateMany({
    where: { userId, endedAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) },
    data: { endedAt: new Date(), endedReason: reason },
  });
  return ended.count;
}

export type TSessionListItem = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  isCurrent: boolean;
};

/** The actor's own live sessions, newest first. Nobody lists another user's sessions. */
export async function listOwnSessions(actor: TActor): Promise<TSessionListItem[]> {
  const now = new Date();
  const rows = await getDb().userSession.findMany({
    where: {
      userId: actor.id,
      endedAt: null,
      expiresAt: { gt: now },
      lastSeenAt: { gt: new Date(now.getTime() - sessionLimits().idleMs) },
    },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  return rows.map((row) => ({ ...row, isCurrent: row.id === actor.sessionId }));
}

/**
 * Ends one of the actor's own sessions. Another user's session id, an ended one or a malformed
 * id is the same NotFound, so the call reveals nothing about other people's sessions.
 */
export async function endOwnSession(actor: TActor, sessionId: unknown): Promise<void> {
  const parsed = z.string().uuid().safeParse(sessionId);
  if (!parsed.success) throw new NotFoundError();
  const id = parsed.data;
  await getDb().$transaction(async (tx) => {
    const ended = await tx.userSession.updateMany({
      where: { id, userId: actor.id, endedAt: null },
      data: { endedAt: new Date(), endedReason: "ended_by_user" },
    });
    if (ended.count === 0) throw new NotFoundError();
    await recordAudit({ actorId: actor.id, action: "auth.session_ended", targetType: "session", targetId: id }, tx);
  });
}

/** Ends all the actor's sessions but the one making the request. */
export async function endOtherOwnSessions(actor: TActor): Promise<number> {
  return getDb().$transaction(async (tx) => {
    const count = await endUserSessions(tx, actor.id, "ended_by_user", actor.sessionId);
    await recordAudit(
      {
        actorId: actor.id,
        action: "auth.other_sessions_ended",
        targetType: "user",
        targetId: actor.id,
        details: { count },
      },
      tx,
    );
    return count;
  });
}
