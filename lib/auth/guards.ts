import "server-only";
import { after } from "next/server";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { recordAuditRateLimited } from "@/lib/audit/record";
import { getRequestMeta } from "@/lib/request-meta";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "@/lib/errors";
import { getSessionActor, type TActor } from "@/lib/auth/session";
import type { CaseRole, Tlp } from "@/lib/generated/prisma/enums";
import { oncePerRequest } from "@/lib/read-scope";
import { can, canOnCase, type TCaseAction, type TCaseFacts, type TGlobalAction } from "@/lib/auth/permissions";

/**
 * For route handlers and server actions: the acting user, or UnauthorizedError (401). A session
 * that signed in with the password but must still set up MFA is refused, except by the MFA
 * enrolment actions (`mfaEnrolment: true`).
 */
export async function requireUser({ mfaEnrolment = false } = {}): Promise<TActor> {
  const user = await getSessionActor();
  if (!user || (user.mfaPending && !mfaEnrolment)) throw new UnauthorizedError();
  return user;
}

/**
 * A platform action (user management, audit, …). Refused as NotFound: to someone without the
 * role, admin pages and endpoints do not exist.
 */
export function requireGlobal(actor: TActor, action: TGlobalAction): void {
  if (!can(actor, action)) throw new NotFoundError();
}

const ZId = z.string().uuid();

/** Parses an id from a URL or form; anything malformed is simply "not found". */
export function parseId(value: unknown): string {
  const parsed = ZId.safeParse(value);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

export type TCaseRecord = {
  id: string;
  number: string;
  title: string;
  summary: string;
  status: string;
  severity: string;
  tlp: string;
  legalHold: boolean;
  releaseMode: string;
  ownerOrgId: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

export type TCaseAccess = { case: TCaseRecord; facts: TCaseFacts };

/**
 * Loads what the policy needs to decide about one case, as seen by `actor` (no check), in one
 * statement. Memoised per server render (React `cache`; the actor is the render's cached
 * `getCurrentUser`), so a case page's layout, page and panels share one load, and per read
 * request in a route handler (lib/read-scope.ts). Server actions, writes and scripts always
 * read afresh.
 */
export const loadCaseFacts = oncePerRequest(
  (actor: TActor, caseId: string) => `case-facts:${actor.id}:${caseId}`,
  readCaseFacts,
);

async function readCaseFacts(actor: TActor, caseId: string): Promise<TCaseAccess | null> {
  const [row] = await getDb().$queryRaw<(TCaseRecord & { memberRole: CaseRole | null; sharedOrgIds: string[] })[]>`
    SELECT c.id, c.number, c.title, c.summary, c.status::text AS status, c.severity::text AS severity,
           c.tlp::text AS tlp, c."legalHold", c."releaseMode"::text AS "releaseMode", c."ownerOrgId",
           c.version, c."createdAt", c."updatedAt",
           (SELECT m.role::text FROM "CaseMember" m WHERE m."caseId" = c.id AND m."userId" = ${actor.id}::uuid) AS "memberRole",
           ARRAY(SELECT s."orgId"::text FROM "CaseOrganization" s WHERE s."caseId" = c.id) AS "sharedOrgIds"
    FROM "Case" c
    WHERE c.id = ${caseId}::uuid`;
  if (!row) return null;
  const { memberRole, sharedOrgIds, ...record } = row;
  return {
    case: record,
    facts: { memberRole, ownerOrgId: row.ownerOrgId, sharedOrgIds, tlp: row.tlp as Tlp },
  };
}

/**
 * The case, if `actor` may do `action` on it. Re-reads membership from the database (a session
 * can be stale). Someone who may not read the case gets NotFound, exactly as for a case that
 * does not exist; a member lacking this one permission gets Forbidden. Both are recorded
 * (recordRefusal).
 */
export async function requireCaseAccess(actor: TActor, caseId: unknown, action: TCaseAction): Promise<TCaseAccess> {
  const id = parseId(caseId);
  const access = await loadCaseFacts(actor, id);
  if (access && canOnCase(actor, action, access.facts)) return access;
  const visible = access !== null && canOnCase(actor, "case.read", access.facts);
  await recordRefusal(actor, action, { type: "case", id, caseId: visible ? id : null });
  throw visible ? new ForbiddenError() : new NotFoundError();
}

/**
 * For loaders: the NotFound for a case or item `actor` may not see, or that does not exist (the
 * two alike), recorded as a refused attempt. Use as `throw await notFoundRefusal(…)`.
 */
export async function notFoundRefusal(
  actor: TActor,
  attempted: string,
  type: string,
  id: string,
): Promise<NotFoundError> {
  await recordRefusal(actor, attempted, { type, id, caseId: null });
  return new NotFoundError();
}

/** For loaders: the Forbidden for a visible item `actor` may not do this to, recorded. */
export async function forbiddenRefusal(
  actor: TActor,
  attempted: string,
  target: TRefusedTarget & { caseId: string },
  message: string,
): Promise<ForbiddenError> {
  await recordRefusal(actor, attempted, target);
  return new ForbiddenError(message);
}

/** Refused-attempt rows: one per user and target per window, and a few per user in all. */
const REFUSAL_WINDOW_MS = 10 * 60_000;
const REFUSALS_PER_USER = 20;

export type TRefusedTarget = {
  /** "case", "evidence", "note", "timeline_event", … and the id asked for (well-formed). */
  type: string;
  id: string;
  /** The case, only when the actor may read it (a Forbidden); null for a NotFound. */
  caseId: string | null;
};

/**
 * Records a refused attempt as "case.access_refused", in the actor's organisation's view only.
 * - A NotFound is recorded alike whether the thing exists or not, with no case: no view, the
 *   Activity tab or the audit log, may tell the requester (or their organisation) that it exists.
 *   A Forbidden names its case, which the actor may read, and shows in that case's Activity to
 *   the actor's organisation.
 * - Rate limited in the database (so across app instances): one row per user and target (a
 *   Forbidden: per user and case) per 10 minutes, and 20 per user in all, so a scan cannot flood
 *   the log.
 * - Written after the response when there is one, so a refusal answers as fast as before, and a
 *   failure to record is logged, never changes the answer.
 */
export async function recordRefusal(actor: TActor, attempted: string, target: TRefusedTarget): Promise<void> {
  // Read now: request headers cannot be read after the response of a page.
  const { ip = null, userAgent = null } = await getRequestMeta();
  const row = {
    actorId: actor.id,
    action: "case.access_refused",
    targetType: target.type,
    targetId: target.id,
    ip,
    userAgent,
  };
  const record = () =>
    recordAuditRateLimited(
      target.caseId
        ? { ...row, caseId: target.caseId, scope: { org: actor.orgId }, details: { attempted } }
        : { ...row, details: { attempted } },
      {
        windowMs: REFUSAL_WINDOW_MS,
        maxPerActor: REFUSALS_PER_USER,
        sameAs: (earlier) => (target.caseId ? earlier.caseId === target.caseId : earlier.targetId === target.id),
      },
    ).catch((error: unknown) => console.error("[audit] could not record a refused attempt:", error));
  try {
    after(record);
  } catch {
    await record(); // outside a request (scripts, tests): nothing to answer first
  }
}
