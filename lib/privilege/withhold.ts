import "server-only";
import { canReadPrivileged, type TCaseFacts, type TItemFacts, type TPolicyActor } from "@/lib/auth/permissions";
import type { PrivilegeBasis } from "@/lib/generated/prisma/enums";

/**
 * What a privileged item is for someone who may see it exists but not read it
 * (canReadPrivileged): its id, date, kind and basis, nothing more. Every read path that returns
 * an item (lists, item pages, exports, API routes) passes its rows through `withhold`, so the
 * one rule decides what each reader gets; queries add readableItemWhere/Sql to their content
 * filters so that hidden content never selects a row.
 */
export type TWithheld = {
  withheld: true;
  id: string;
  /** The item's date: an evidence item's collection (else upload), a note's, an event's. */
  date: Date;
  /** "note", "timeline_event" or the evidence kind. */
  kind: string;
  basis: PrivilegeBasis;
};

type TPrivilegedRow = Pick<TItemFacts, "orgId"> & {
  id: string;
  privileged: boolean;
  privilegeBasis: PrivilegeBasis | null;
};

/** Is this row withheld from the actor? */
export function isWithheld(actor: TPolicyActor, facts: TCaseFacts, row: TPrivilegedRow): boolean {
  return !canReadPrivileged(actor, facts, { ...row, visibility: "ALL_CASE_ORGS", authorId: "" });
}

/**
 * The row as the actor may have it: itself, or its stub. `stubOf` names the date and kind.
 * A flagged row always has a basis (the mutation sets both); ATTORNEY_CLIENT stands in should
 * a hand-edited row lack one, never the content.
 */
export function withhold<T extends TPrivilegedRow>(
  actor: TPolicyActor,
  facts: TCaseFacts,
  row: T,
  stubOf: (row: T) => { date: Date; kind: string },
): T | TWithheld {
  if (!isWithheld(actor, facts, row)) return row;
  const { date, kind } = stubOf(row);
  return { withheld: true, id: row.id, date, kind, basis: row.privilegeBasis ?? "ATTORNEY_CLIENT" };
}

/** The title a withheld item shows where only a title fits (a linked item, an export row). */
export const WITHHELD_TITLE = "Withheld — privileged";
