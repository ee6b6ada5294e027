import "server-only";
import { getDb } from "@/lib/db";
import type { TItemFacts } from "@/lib/auth/permissions";
import type { TAuditEventRow } from "@/lib/audit/queries";

/**
 * Audit rows about an item hold what it held when the row was written: an upload's file name
 * and hash, a deletion's reason. Once the item is privileged, a reader who may not read it
 * (`mayRead` false) gets such rows with their details withheld; the action, actor, time and
 * target stay, as the item itself stays as a stub. The flag's own rows (privilege.*) keep
 * theirs: basis and description are what the stub and privilege log show.
 */
export async function withholdAuditDetails(
  rows: TAuditEventRow[],
  mayRead: (item: Pick<TItemFacts, "orgId" | "privileged" | "privilegeBasis">) => boolean,
): Promise<TAuditEventRow[]> {
  const ids = (type: string) =>
    rows
      .filter((r) => r.targetType === type && r.targetId && !r.action.startsWith("privilege."))
      .map((r) => r.targetId!);
  const select = { id: true, orgId: true, privileged: true, privilegeBasis: true } as const;
  const db = getDb();
  // visibility: the rows' targets, to decide what of rows the reader already sees to keep.
  const [evidence, notes, events] = await Promise.all([
    db.evidence.findMany({ where: { id: { in: ids("evidence") }, privileged: true }, select }),
    // visibility: as above.
    db.note.findMany({ where: { id: { in: ids("note") }, privileged: true }, select }),
    // visibility: as above.
    db.timelineEvent.findMany({ where: { id: { in: ids("timeline_event") }, privileged: true }, select }),
  ]);
  const withheld = new Set([...evidence, ...notes, ...events].filter((i) => !mayRead(i)).map((i) => i.id));
  if (withheld.size === 0) return rows;
  return rows.map((r) =>
    r.targetId && withheld.has(r.targetId) && !r.action.startsWith("privilege.")
      ? { ...r, details: { withheld: true } }
      : r,
  );
}
