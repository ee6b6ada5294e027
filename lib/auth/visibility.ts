import "server-only";
import { Prisma } from "@/lib/db";
import type { TPolicyActor } from "@/lib/auth/permissions";

/**
 * The query form of canOnItem's visibility rule (lib/auth/permissions.ts): an item marked
 * owner-organisation-only exists only for its own organisation; every other item is visible to
 * whoever reads the case. Every read of an item table (Note, Evidence, TimelineEvent) goes
 * through one of these two, so that a list, a count, a histogram or an export can never show
 * what the item page refuses; tests/integration/item-visibility-queries.test.ts fails on a
 * query that skips them. The case itself is checked first, by the guard.
 */
export function visibleItemWhere(actor: Pick<TPolicyActor, "orgId">) {
  return { OR: [{ visibility: "ALL_CASE_ORGS" as const }, { orgId: actor.orgId }] };
}

/** The same rule as SQL, for raw queries on an item table aliased `alias` (e.g. `e`). */
export function visibleItemSql(actor: Pick<TPolicyActor, "orgId">, alias: string): Prisma.Sql {
  if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new Error(`Not a table alias: ${alias}`);
  const a = Prisma.raw(`"${alias}"`);
  return Prisma.sql`(${a}.visibility = 'ALL_CASE_ORGS' OR ${a}."orgId" = ${actor.orgId}::uuid)`;
}
