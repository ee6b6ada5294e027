import "server-only";
import { cache } from "react";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "@/lib/errors";
import { getCurrentUser, type TActor } from "@/lib/auth/session";
import { can, canOnCase, type TCaseAction, type TCaseFacts, type TGlobalAction } from "@/lib/auth/permissions";

/** For route handlers and server actions: the acting user, or UnauthorizedError (401). */
export async function requireUser(): Promise<TActor> {
  const user = await getCurrentUser();
  if (!user) throw new UnauthorizedError();
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
 * Loads what the policy needs to decide about one case, as seen by `actor` (no check). Memoised
 * per server render (React `cache`; the actor is the render's cached `getCurrentUser`), so a
 * case page's layout, page and panels share one load; server actions and scripts, which run
 * outside a render, always read afresh.
 */
export const loadCaseFacts = cache(async function loadCaseFacts(
  actor: TActor,
  caseId: string,
): Promise<TCaseAccess | null> {
  const row = await getDb().case.findUnique({
    where: { id: caseId },
    select: {
      id: true,
      number: true,
      title: true,
      summary: true,
      status: true,
      severity: true,
      tlp: true,
      legalHold: true,
      releaseMode: true,
      ownerOrgId: true,
      version: true,
      createdAt: true,
      updatedAt: true,
      members: { where: { userId: actor.id }, select: { role: true } },
      sharedWith: { select: { orgId: true } },
    },
  });
  if (!row) return null;
  const { members, sharedWith, ...record } = row;
  return {
    case: record,
    facts: {
      memberRole: members[0]?.role ?? null,
      ownerOrgId: row.ownerOrgId,
      sharedOrgIds: sharedWith.map((s) => s.orgId),
      tlp: row.tlp,
    },
  };
});

/**
 * The case, if `actor` may do `action` on it. Re-reads membership from the database (a session
 * can be stale). Someone who may not read the case gets NotFound, exactly as for a case that
 * does not exist; a member lacking this one permission gets Forbidden.
 */
export async function requireCaseAccess(actor: TActor, caseId: unknown, action: TCaseAction): Promise<TCaseAccess> {
  const access = await loadCaseFacts(actor, parseId(caseId));
  if (!access) throw new NotFoundError();
  if (canOnCase(actor, action, access.facts)) return access;
  if (canOnCase(actor, "case.read", access.facts)) throw new ForbiddenError();
  throw new NotFoundError();
}
