import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { parseId } from "@/lib/auth/guards";
import { NotFoundError } from "@/lib/errors";
import type { TEntityKind } from "@/lib/linkage/graph-types";
import { usageValueSql } from "@/lib/linkage/normalise";
import { visibleItemSql } from "@/lib/auth/visibility";
import { usageImportIdsFor } from "@/lib/usage/signal-store";

// Who sees which entities and links: one rule, in SQL, used by every linkage read.
// - An entity exists for an organisation when one of its mentions does: a mention from a usage
//   import where that import is seen (usageImportIdsFor: where its evidence item is seen), a
//   mention typed by a person where that item is seen (visibleItemSql). An address from usage
//   is stored when accounts share it in any import; it exists for an organisation only where
//   they share it in the imports it sees (sharedAddressesSql), else it would tell of the others.
// - A merge exists for an organisation when it sees both entities, and saw them when the merge
//   was made or made it itself (mergedIntoVisibleSql, seenWhenActedSql); so does an event's tie
//   to an entity (eventTieVisibleSql), and an enforcement action's target
//   (enforcementTargetSql). An enforcement action exists for it when its organisation recorded
//   it, it names no target, or one of its targets counts for it (enforcementVisibleSql).
// - A link is seen when it is an item the organisation may see, both its ends exist for it (and
//   did when the link was made, unless it made the link), and nothing it rests on is hidden from
//   it: a link whose support includes another organisation's owner-only import or evidence is
//   invisible to it, provenance and all.

/** Whose view: the organisation and the usage imports it may see, loaded once per request. */
export type TLinkageViewer = { orgId: string; caseId: string; importIds: string[] };

/** `db`: the transaction a caller holds open (the embedded database serves one connection at a time). */
export async function linkageViewer(
  orgId: string,
  caseId: string,
  db?: Parameters<typeof usageImportIdsFor>[2],
): Promise<TLinkageViewer> {
  return { orgId, caseId, importIds: await usageImportIdsFor(orgId, caseId, db) };
}

const alias = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`Not a table alias: ${name}`);
  return Prisma.raw(`"${name}"`);
};

/**
 * The addresses that tie accounts in the given usage imports (`importIds`, a uuid[] expression):
 * those more than one account used. An address of one account ties nothing, and a case has
 * many. With `value`, only that address (an index lookup). Stored values are PostgreSQL's
 * host(inet), already the entity's normalised value.
 */
export function sharedAddressesSql(caseId: string, importIds: Prisma.Sql, value?: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT va.value FROM "UsageAttribute" va
    WHERE va."caseId" = ${caseId}::uuid AND va.kind = 'IP' AND va."importId" = ANY(${importIds})
      ${value ? Prisma.sql`AND va.value = ${value}` : Prisma.empty}
    GROUP BY 1 HAVING count(DISTINCT ${Prisma.raw(usageValueSql("ACCOUNT", 'va."accountId"'))}) > 1`;
}

/**
 * Entity `e` (an "Entity" row alias) exists for the viewer. With `asOf` (a timestamp expression),
 * it existed for the viewer then already: only mentions made by that time count.
 */
export function entityVisibleSql(viewer: TLinkageViewer, e: string, asOf?: Prisma.Sql): Prisma.Sql {
  const entity = alias(e);
  // An address's usage mention counts only where the viewer's own imports share the address:
  // that another organisation's import shares it too must not show.
  return Prisma.sql`EXISTS (
    SELECT 1 FROM "EntityMention" vm WHERE vm."entityId" = ${entity}.id
      ${asOf ? Prisma.sql`AND vm."createdAt" <= ${asOf}` : Prisma.empty} AND (
      CASE WHEN vm."importId" IS NULL THEN ${visibleItemSql(viewer, "vm")}
           ELSE vm."importId" = ANY(${viewer.importIds}::uuid[])
             AND (${entity}.kind <> 'IP' OR EXISTS (
               ${sharedAddressesSql(viewer.caseId, Prisma.sql`${viewer.importIds}::uuid[]`, Prisma.sql`${entity}.value`)})) END))`;
}

/**
 * Entity `e` existed for the viewer when an organisation acted on it (`by`, the acting user's id;
 * `at`, when): always, for the viewer's own organisation's acts. Typing a value makes its entity
 * exist for the viewer from then on, but must not tell it what another organisation did with
 * the entity before (a merge, an enforcement's target).
 */
export function seenWhenActedSql(
  viewer: TLinkageViewer,
  e: string,
  act: { by: Prisma.Sql; at: Prisma.Sql },
): Prisma.Sql {
  return Prisma.sql`(${actedByViewerSql(viewer, act.by)} OR ${entityVisibleSql(viewer, e, act.at)})`;
}

/** The acting user (`by`, a user id expression) is of the viewer's organisation. */
function actedByViewerSql(viewer: TLinkageViewer, by: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM "User" vu WHERE vu.id = ${by} AND vu."orgId" = ${viewer.orgId}::uuid)`;
}

/**
 * Entity `e` counts as a target of enforcement action `a` (an "EnforcementAction" row alias) for
 * the viewer: an entity of the case that exists for it, and did when the action was recorded
 * (seenWhenActedSql). Whether `e` is among the action's targets is the caller's to ask.
 */
export function enforcementTargetSql(viewer: TLinkageViewer, a: string, e: string): Prisma.Sql {
  const action = alias(a);
  return Prisma.sql`${alias(e)}."caseId" = ${viewer.caseId}::uuid AND ${entityVisibleSql(viewer, e)}
    AND ${seenWhenActedSql(viewer, e, { by: Prisma.sql`${action}."recordedById"`, at: Prisma.sql`${action}."createdAt"` })}`;
}

/**
 * Enforcement action `a` exists for the viewer: its own organisation recorded it, it names no
 * target, or one of its targets counts for the viewer (enforcementTargetSql). An action on
 * subjects that only another organisation's owner-only data names would tell the viewer that
 * the other acted, how and when: it is not listed, and not counted.
 */
export function enforcementVisibleSql(viewer: TLinkageViewer, a: string): Prisma.Sql {
  const action = alias(a);
  return Prisma.sql`(cardinality(${action}."entityIds") = 0 OR ${actedByViewerSql(viewer, Prisma.sql`${action}."recordedById"`)}
    OR EXISTS (SELECT 1 FROM unnest(${action}."entityIds") vt JOIN "Entity" ve ON ve.id = vt
      WHERE ${enforcementTargetSql(viewer, a, "ve")}))`;
}

/**
 * Entity `e`'s merge target where the viewer sees the merge, else NULL: both entities exist for
 * it, and existed when the merge was made (seenWhenActedSql). A merge it does not see does not
 * exist for it: neither its target's id nor that there is one, nor a way to undo it.
 */
export function mergedIntoVisibleSql(viewer: TLinkageViewer, e: string): Prisma.Sql {
  const entity = alias(e);
  const merge = { by: Prisma.sql`${entity}."mergedById"`, at: Prisma.sql`${entity}."mergedAt"` };
  return Prisma.sql`(SELECT vi.id FROM "Entity" vi WHERE vi.id = ${entity}."mergedIntoId" AND ${entityVisibleSql(viewer, "vi")}
    AND ${seenWhenActedSql(viewer, "vi", merge)} AND ${seenWhenActedSql(viewer, e, merge)})`;
}

/**
 * The tie `te` (a "TimelineEventEntity" row alias) of an event to entity `e` is seen by the
 * viewer: it saw the entity when the tie was made, or made the tie (seenWhenActedSql). Whether
 * it sees the event and the entity now is the caller's to ask.
 */
export function eventTieVisibleSql(viewer: TLinkageViewer, te: string, e: string): Prisma.Sql {
  const tie = alias(te);
  return seenWhenActedSql(viewer, e, { by: Prisma.sql`${tie}."createdById"`, at: Prisma.sql`${tie}."createdAt"` });
}

/**
 * Entity `id` and every entity merged into it, at any depth, through merges the viewer sees
 * (mergedIntoVisibleSql): what "this entity" takes in, as a filter. Empty when the entity does
 * not exist for the viewer.
 */
export async function visibleMergeGroup(
  viewer: TLinkageViewer,
  id: string,
  db: Pick<ReturnType<typeof getDb>, "$queryRaw"> = getDb(),
): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE grp(id) AS (
      SELECT e.id FROM "Entity" e
      WHERE e.id = ${id}::uuid AND e."caseId" = ${viewer.caseId}::uuid AND ${entityVisibleSql(viewer, "e")}
      UNION
      SELECT e.id FROM "Entity" e JOIN grp ON e."mergedIntoId" = grp.id
      WHERE ${entityVisibleSql(viewer, "e")} AND ${mergedIntoVisibleSql(viewer, "e")} IS NOT NULL)
    SELECT id FROM grp`;
  return rows.map((r) => r.id);
}

/** Link `l` (an "EntityLink" row alias) is seen by the viewer. */
export function linkVisibleSql(viewer: TLinkageViewer, l: string): Prisma.Sql {
  const link = alias(l);
  const made = { by: Prisma.sql`${link}."createdById"`, at: Prisma.sql`${link}."createdAt"` };
  return Prisma.sql`(${visibleItemSql(viewer, l)}
    AND EXISTS (SELECT 1 FROM "Entity" vf WHERE vf.id = ${link}."fromId" AND ${entityVisibleSql(viewer, "vf")}
      AND ${seenWhenActedSql(viewer, "vf", made)})
    AND EXISTS (SELECT 1 FROM "Entity" vt WHERE vt.id = ${link}."toId" AND ${entityVisibleSql(viewer, "vt")}
      AND ${seenWhenActedSql(viewer, "vt", made)})
    AND NOT EXISTS (
      SELECT 1 FROM "LinkSupport" vs LEFT JOIN "Evidence" ve ON ve.id = vs."evidenceId"
      WHERE vs."linkId" = ${link}.id AND (
        (vs."importId" IS NOT NULL AND NOT vs."importId" = ANY(${viewer.importIds}::uuid[]))
        OR (vs."evidenceId" IS NOT NULL AND (ve.id IS NULL OR ve."deletedAt" IS NOT NULL OR NOT ${visibleItemSql(viewer, "ve")})))))`;
}

/** The answer to an entity the viewer cannot see, word for word the one to an entity that is not there. */
export const NO_SUCH_ENTITY = "No such entity in this case.";

/**
 * One entity of the case by id, if it exists for the viewer; else NotFound (missing or hidden
 * alike). Its merge only where the viewer sees the target (mergedIntoVisibleSql).
 */
export async function findVisibleEntity(
  viewer: TLinkageViewer,
  id: unknown,
  db: Pick<ReturnType<typeof getDb>, "$queryRaw"> = getDb(),
): Promise<{ id: string; kind: TEntityKind; value: string; mergedIntoId: string | null }> {
  const entityId = parseId(id);
  const [row] = await db.$queryRaw<{ id: string; kind: TEntityKind; value: string; mergedIntoId: string | null }[]>`
    SELECT e.id, e.kind::text AS kind, e.value, ${mergedIntoVisibleSql(viewer, "e")} AS "mergedIntoId" FROM "Entity" e
    WHERE e.id = ${entityId}::uuid AND e."caseId" = ${viewer.caseId}::uuid AND ${entityVisibleSql(viewer, "e")}`;
  if (!row) throw new NotFoundError(NO_SUCH_ENTITY);
  return row;
}
