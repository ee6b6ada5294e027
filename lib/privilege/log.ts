import "server-only";
import { getDb } from "@/lib/db";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { visibleItemWhere } from "@/lib/auth/visibility";
import type { PrivilegeBasis } from "@/lib/generated/prisma/enums";
import type { TItemType } from "@/lib/releases/items";

/** One row of a privilege log: what is withheld and why, never what it says. */
export type TPrivilegeLogRow = {
  id: string;
  itemType: TItemType;
  date: Date;
  /** The evidence kind, "note" or "timeline_event". */
  kind: string;
  /** The custodian of evidence (collected by, else the uploader), the author of a note or event. */
  author: string;
  organisation: string;
  basis: PrivilegeBasis;
  description: string;
};

const WHO = { select: { name: true, org: { select: { name: true } } } } as const;

/**
 * The privileged items of a case that `actor` sees exist (not deleted), oldest first: the
 * privilege log of a production. Every field is one the withheld stub or the flag's audit row
 * already shows to whoever sees the item; no title, body or file. Not audited here: the caller
 * (an export) audits what it produces.
 */
export async function listPrivilegeLog(actor: TActor, caseId: unknown): Promise<TPrivilegeLogRow[]> {
  const { case: c } = await requireCaseAccess(actor, caseId, "case.read");
  const where = { caseId: c.id, deletedAt: null, privileged: true, ...visibleItemWhere(actor) };
  const flag = { id: true, privilegeBasis: true, privilegeDescription: true } as const;
  const db = getDb();
  const [evidence, notes, events] = await Promise.all([
    db.evidence.findMany({
      where,
      select: { ...flag, kind: true, collectedAt: true, createdAt: true, collectedBy: true, addedBy: WHO },
    }),
    db.note.findMany({ where, select: { ...flag, createdAt: true, author: WHO } }),
    db.timelineEvent.findMany({ where, select: { ...flag, occurredAt: true, author: WHO } }),
  ]);
  const row = (
    r: { id: string; privilegeBasis: PrivilegeBasis | null; privilegeDescription: string | null },
    rest: Omit<TPrivilegeLogRow, "id" | "basis" | "description">,
  ): TPrivilegeLogRow => ({
    id: r.id,
    ...rest,
    basis: r.privilegeBasis ?? "ATTORNEY_CLIENT",
    description: r.privilegeDescription ?? "",
  });
  return [
    ...evidence.map((e) =>
      row(e, {
        itemType: "evidence",
        date: e.collectedAt ?? e.createdAt,
        kind: e.kind,
        author: e.collectedBy || e.addedBy.name,
        organisation: e.addedBy.org.name,
      }),
    ),
    ...notes.map((n) =>
      row(n, {
        itemType: "note",
        date: n.createdAt,
        kind: "note",
        author: n.author.name,
        organisation: n.author.org.name,
      }),
    ),
    ...events.map((e) =>
      row(e, {
        itemType: "timeline_event",
        date: e.occurredAt,
        kind: "timeline_event",
        author: e.author.name,
        organisation: e.author.org.name,
      }),
    ),
  ].sort((a, b) => a.date.getTime() - b.date.getTime() || a.id.localeCompare(b.id));
}
