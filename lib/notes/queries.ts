import "server-only";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { canOnCase, canOnItem } from "@/lib/auth/permissions";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";

export type TNoteRelease = {
  id: string;
  status: string;
  reason: string;
  requestedByName: string;
  requestedById: string;
  createdAt: Date;
};

export type TNoteView = {
  id: string;
  body: string;
  visibility: string;
  version: number;
  authorName: string;
  orgName: string;
  createdAt: Date;
  updatedAt: Date;
  /** The latest release of the note, if any (pending, in force, rejected or withdrawn). */
  release: TNoteRelease | null;
  can: { edit: boolean; delete: boolean; release: boolean; approve: boolean; withdraw: boolean };
};

/**
 * The notes of a case the actor may see: owner-organisation-only notes of another
 * organisation are left out entirely, as if they did not exist. The read is audited.
 */
export async function listNotes(actor: TActor, caseId: unknown): Promise<TNoteView[]> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const db = getDb();
  const notes = await db.note.findMany({
    where: { caseId: c.id, deletedAt: null, OR: [{ visibility: "ALL_CASE_ORGS" }, { orgId: actor.orgId }] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 500,
    select: {
      id: true,
      body: true,
      visibility: true,
      version: true,
      orgId: true,
      authorId: true,
      createdAt: true,
      updatedAt: true,
      author: { select: { name: true, org: { select: { name: true } } } },
    },
  });
  const releases = await db.itemRelease.findMany({
    where: { itemType: "note", itemId: { in: notes.map((n) => n.id) } },
    orderBy: { createdAt: "asc" },
    select: { id: true, itemId: true, status: true, reason: true, requestedById: true, createdAt: true },
  });
  const requesters = new Map(
    (
      await db.user.findMany({
        where: { id: { in: releases.map((r) => r.requestedById) } },
        select: { id: true, name: true },
      })
    ).map((u) => [u.id, u.name]),
  );
  const latest = new Map(releases.map((r) => [r.itemId, r]));
  // No count in the details: the partner sees this event, and the count would reveal how many
  // owner-org-only notes the reader's organisation has.
  await recordAudit({
    actorId: actor.id,
    action: "case.notes_viewed",
    targetType: "case",
    targetId: c.id,
    caseId: c.id,
    scope: "case",
  });
  return notes.map((n) => {
    const release = latest.get(n.id);
    const facts_ = { orgId: n.orgId, visibility: n.visibility, authorId: n.authorId };
    const pending = release?.status === "PENDING" ? release : undefined;
    return {
      id: n.id,
      body: n.body,
      visibility: n.visibility,
      version: n.version,
      authorName: n.author.name,
      orgName: n.author.org.name,
      createdAt: n.createdAt,
      updatedAt: n.updatedAt,
      release: release ? { ...release, requestedByName: requesters.get(release.requestedById) ?? "Unknown" } : null,
      can: {
        edit: canOnItem(actor, "item.edit", facts, facts_),
        delete:
          canOnItem(actor, "item.edit", facts, facts_) ||
          (canOnItem(actor, "item.read", facts, facts_) && canOnCase(actor, "note.moderate", facts)),
        release: n.visibility === "OWNER_ORG_ONLY" && !pending && canOnItem(actor, "item.release", facts, facts_),
        approve: pending !== undefined && canOnItem(actor, "item.approve_release", facts, facts_, pending),
        withdraw:
          release?.status === "RELEASED" &&
          n.visibility === "ALL_CASE_ORGS" &&
          canOnItem(actor, "item.withdraw_release", facts, facts_),
      },
    };
  });
}
