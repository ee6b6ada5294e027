import "server-only";
import { Prisma } from "@/lib/db";
import type { TPolicyActor, TPrivilegeReader } from "@/lib/auth/permissions";

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

/**
 * The query form of canReadPrivileged (lib/auth/permissions.ts): the visible items whose content
 * the reader may read. A visible item outside it exists for the reader as a withheld stub
 * (lib/privilege/withhold.ts). Lists add it to every condition on content (a search, a tag, a
 * source), so a hidden word never selects a stub; reads of content (titles of linked evidence,
 * facets, usage sources) add it outright.
 */
export function readableItemWhere(reader: TPrivilegeReader) {
  const readable: ({ privileged: false } | { orgId: string } | { privilegeBasis: "COMMON_INTEREST" })[] = [
    { privileged: false },
  ];
  if (reader.ownOrg) readable.push({ orgId: reader.orgId });
  if (reader.commonInterest) readable.push({ privilegeBasis: "COMMON_INTEREST" });
  return { OR: readable };
}

/** The same rule as SQL, on an item table aliased `alias`. */
export function readableItemSql(reader: TPrivilegeReader, alias: string): Prisma.Sql {
  if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new Error(`Not a table alias: ${alias}`);
  const a = Prisma.raw(`"${alias}"`);
  const readable = [Prisma.sql`NOT ${a}.privileged`];
  if (reader.ownOrg) readable.push(Prisma.sql`${a}."orgId" = ${reader.orgId}::uuid`);
  if (reader.commonInterest) readable.push(Prisma.sql`${a}."privilegeBasis" IS NOT DISTINCT FROM 'COMMON_INTEREST'`);
  return Prisma.sql`(${Prisma.join(readable, " OR ")})`;
}

/**
 * The complement of readableItemWhere among visible items: those the reader gets as a stub.
 * Written out rather than NOT(readable), so that a flagged row without a basis (flagged before
 * bases existed) is withheld, not lost to SQL's NULL logic.
 */
export function withheldItemWhere(reader: TPrivilegeReader) {
  type TNotCommonInterest = { OR: [{ privilegeBasis: null }, { privilegeBasis: { not: "COMMON_INTEREST" } }] };
  const and: ({ NOT: { orgId: string } } | TNotCommonInterest)[] = [];
  if (reader.ownOrg) and.push({ NOT: { orgId: reader.orgId } });
  if (reader.commonInterest)
    and.push({ OR: [{ privilegeBasis: null }, { privilegeBasis: { not: "COMMON_INTEREST" } }] });
  return { privileged: true as const, AND: and };
}

/**
 * Column `column` of item `alias` where the reader may read it, else `fallback` (for a title in
 * a join: a withheld item's stands in as WITHHELD_TITLE). A missing row (a LEFT JOIN) gives NULL.
 */
export function withheldOr(reader: TPrivilegeReader, alias: string, column: string, fallback: string): Prisma.Sql {
  if (!/^[a-z_][a-z0-9_]*$/i.test(column)) throw new Error(`Not a column: ${column}`);
  const a = Prisma.raw(`"${alias}"`);
  return Prisma.sql`CASE WHEN ${a}.privileged IS NOT TRUE OR ${readableItemSql(reader, alias)}
    THEN ${a}.${Prisma.raw(`"${column}"`)} ELSE ${fallback} END`;
}
