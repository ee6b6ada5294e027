import "server-only";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { canFlagPrivilege, canOnItem } from "@/lib/auth/permissions";
import type { PrivilegeBasis } from "@/lib/generated/prisma/enums";
import { isWithheld, withhold, type TWithheld } from "@/lib/privilege/withhold";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { getItemReleases, type TItemRelease, type TReleaseState } from "@/lib/releases/queries";
import { visibleItemWhere } from "@/lib/auth/visibility";

export type TNoteView = {
  id: string;
  body: string;
  visibility: string;
  privileged: boolean;
  privilegeBasis: PrivilegeBasis | null;
  privilegeDescription: string | null;
  version: number;
  authorName: string;
  orgName: string;
  createdAt: Date;
  updatedAt: Date;
  releaseState: TReleaseState;
  release: TItemRelease["release"];
  can: { edit: boolean; delete: boolean; flagPrivilege: boolean } & TItemRelease["can"];
};

/**
 * The notes of a case the actor may see: owner-organisation-only notes of another
 * organisation are left out entirely, as if they did not exist. Release state and controls
 * come from getItemReleases, as for evidence and timeline events. A privileged note the actor
 * may not read is its stub (lib/privilege/withhold.ts), in its place. The read is audited.
 */
export async function listNotes(actor: TActor, caseId: unknown): Promise<(TNoteView | TWithheld)[]> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const notes = await getDb().note.findMany({
    where: { caseId: c.id, deletedAt: null, ...visibleItemWhere(actor) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 500,
    select: {
      id: true,
      body: true,
      visibility: true,
      privileged: true,
      privilegeBasis: true,
      privilegeDescription: true,
      version: true,
      orgId: true,
      authorId: true,
      createdAt: true,
      updatedAt: true,
      author: { select: { name: true, org: { select: { name: true } } } },
    },
  });
  const releases = await getItemReleases(
    actor,
    c.id,
    "note",
    notes.filter((n) => !isWithheld(actor, facts, n)),
  );
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
  return notes.map((note) => {
    if (isWithheld(actor, facts, note)) return withhold(actor, facts, note, noteStub) as TWithheld;
    const { orgId, authorId, author, ...n } = note;
    const item = {
      orgId,
      authorId,
      visibility: n.visibility,
      privileged: n.privileged,
      privilegeBasis: n.privilegeBasis,
    };
    const release = releases.get(n.id)!;
    return {
      ...n,
      authorName: author.name,
      orgName: author.org.name,
      releaseState: release.state,
      release: release.release,
      can: {
        edit: canOnItem(actor, "item.edit", facts, item),
        delete: canOnItem(actor, "item.delete", facts, item),
        flagPrivilege: canFlagPrivilege(actor, facts, item),
        ...release.can,
      },
    };
  });
}

/** The stub of a withheld note. */
export const noteStub = (n: { createdAt: Date }) => ({ date: n.createdAt, kind: "note" });
