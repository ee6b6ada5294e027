import "server-only";
import { Prisma } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import type { TPrivilegeReader } from "@/lib/auth/permissions";
import { readableItemSql, visibleItemSql } from "@/lib/auth/visibility";
import { ValidationError } from "@/lib/errors";
import { eventTieVisibleSql, linkageViewer, visibleMergeGroup, type TLinkageViewer } from "@/lib/linkage/visibility";
import { oncePerRequest } from "@/lib/read-scope";
import { likeLiteral, ZQueryDate } from "@/lib/validation";
import { ZTimelineFilters, type TTimelineFilters } from "@/lib/timeline/schemas";

// The SQL form of the timeline's read rules, shared by the list, the histogram and the export
// so they cannot disagree: the case, not deleted, and canOnItem's visibility rule (another
// organisation's owner-org-only events do not exist), then the user's filters. A filter on
// anything but the date selects only events whose content the reader may read
// (readableItemSql): a privileged event they see as a stub is never found by its hidden words.
// Timestamps are `timestamp(3)` holding UTC; parameters are cast from ISO strings with
// ::timestamp (the zone suffix is ignored) so the session's TimeZone setting never shifts them.

export const ts = (d: Date) => Prisma.sql`${d.toISOString()}::timestamp`;

/**
 * The filters as a query takes them: an entity filter with the entities it stands for, and the
 * reader's linkage view (whose ties of events to them it sees).
 */
export type TResolvedFilters = TTimelineFilters & { entityGroup?: string[]; entityViewer?: TLinkageViewer };

/**
 * The entity's merge group as the organisation sees it, once per server render or read request
 * (a timeline page's list and histogram both filter by it).
 */
const mergeGroupForRequest = oncePerRequest(
  (orgId: string, caseId: string, entity: string) => `merge-group:${orgId}:${caseId}:${entity}`,
  async (orgId: string, caseId: string, entity: string) => {
    const viewer = await linkageViewer(orgId, caseId);
    return { viewer, group: await visibleMergeGroup(viewer, entity) };
  },
);

/** Resolves what the filters name for this reader (the entity filter's merge group). */
export async function resolveTimelineFilters(
  actor: TActor,
  caseId: string,
  f: TTimelineFilters,
): Promise<TResolvedFilters> {
  if (!f.entity) return f;
  const { viewer, group } = await mergeGroupForRequest(actor.orgId, caseId, f.entity);
  return { ...f, entityGroup: group, entityViewer: viewer };
}

export function timelineWhere(
  actor: TActor,
  reader: TPrivilegeReader,
  caseId: string,
  f: TResolvedFilters,
): Prisma.Sql {
  const parts: Prisma.Sql[] = [
    Prisma.sql`e."caseId" = ${caseId}::uuid`,
    Prisma.sql`e."deletedAt" IS NULL`,
    visibleItemSql(actor, "e"),
  ];
  const onContent = f.category.length || f.customCategory || f.confidence || f.source || f.orgId || f.entity || f.q;
  if (onContent) parts.push(readableItemSql(reader, "e"));
  if (f.category.length) parts.push(Prisma.sql`e.category::text IN (${Prisma.join(f.category)})`);
  if (f.customCategory) parts.push(Prisma.sql`e."customCategory" = ${f.customCategory}`);
  if (f.confidence) parts.push(Prisma.sql`e.confidence::text = ${f.confidence}`);
  if (f.source) parts.push(Prisma.sql`e.source = ${f.source}`);
  if (f.orgId) parts.push(Prisma.sql`e."orgId" = ${f.orgId}::uuid`);
  if (f.entity) {
    // The entity as the reader sees it: itself and what was merged into it where the reader
    // sees both (a merge from an entity hidden from the reader does not exist for it), through
    // the ties to it the reader sees.
    if (!f.entityGroup || !f.entityViewer)
      throw new Error("An entity filter is resolved first (resolveTimelineFilters).");
    parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "TimelineEventEntity" te JOIN "Entity" ten ON ten.id = te."entityId"
      WHERE te."eventId" = e.id AND te."entityId" = ANY(${f.entityGroup}::uuid[])
        AND ${eventTieVisibleSql(f.entityViewer, "te", "ten")})`);
  }
  if (f.from) parts.push(Prisma.sql`e."occurredAt" >= ${ts(f.from)}`);
  if (f.to) parts.push(Prisma.sql`e."occurredAt" < ${ts(f.to)}`);
  if (f.q) {
    const like = `%${likeLiteral(f.q)}%`;
    // Attributes (an imported file's extra columns) are searched by their values, as stored.
    parts.push(
      Prisma.sql`(e.title ILIKE ${like} OR e.description ILIKE ${like} OR e.source ILIKE ${like} OR e."customCategory" ILIKE ${like}
        OR (e.attributes IS NOT NULL AND EXISTS (SELECT 1 FROM jsonb_each_text(e.attributes) a WHERE a.value ILIKE ${like})))`,
    );
  }
  return Prisma.join(parts, " AND ");
}

/**
 * One keyset page of visible, filtered events after `after`, oldest first, with the names of
 * author and organisation. The LIMIT is taken first, over the (caseId, occurredAt, id) index
 * that matches the ORDER BY; only the page's rows are then joined to their names. Run it after
 * ORDERED_PLAN_ONLY in one transaction.
 */
export function timelinePageSql(
  actor: TActor,
  reader: TPrivilegeReader,
  caseId: string,
  filters: TResolvedFilters,
  after: { occurredAt: Date; id: string } | null,
  limit: number,
): Prisma.Sql {
  const keyset = after
    ? Prisma.sql`AND (e."occurredAt", e.id) > (${ts(after.occurredAt)}, ${after.id}::uuid)`
    : Prisma.empty;
  return Prisma.sql`
    SELECT e.id, e."occurredAt", e."endsAt", e.title, e.description, e.category::text AS category, e."customCategory",
           e.source, e.confidence::text AS confidence, e.attributes, e.visibility::text AS visibility, e.version,
           e."orgId", e."authorId", o.name AS "orgName", u.name AS "authorName",
           e.privileged, e."privilegeBasis"::text AS "privilegeBasis", e."privilegeDescription"
    FROM (SELECT * FROM "TimelineEvent" e
          WHERE ${timelineWhere(actor, reader, caseId, filters)} ${keyset}
          ORDER BY e."occurredAt", e.id
          LIMIT ${limit}) e
    JOIN "User" u ON u.id = e."authorId" JOIN "Organization" o ON o.id = e."orgId"
    ORDER BY e."occurredAt", e.id`;
}

/**
 * Up to `limit` distinct sources of the visible events, in order: a walk of the (caseId, source)
 * index, one step per source (a recursive CTE, as PostgreSQL has no skip scan before 18), where
 * DISTINCT read every event of the case (45 ms at 100,000 events, on every timeline page). Run
 * after ORDERED_PLAN_ONLY in one transaction, so each step stays an index step.
 */
export function timelineSourcesSql(actor: TActor, reader: TPrivilegeReader, caseId: string, limit: number): Prisma.Sql {
  const where = Prisma.sql`${timelineWhere(actor, reader, caseId, ZTimelineFilters.parse({}))} AND ${readableItemSql(reader, "e")}`;
  return Prisma.sql`
    WITH RECURSIVE s(source) AS (
      (SELECT e.source FROM "TimelineEvent" e WHERE ${where} AND e.source > '' ORDER BY e.source LIMIT 1)
      UNION ALL
      SELECT (SELECT e.source FROM "TimelineEvent" e WHERE ${where} AND e.source > s.source ORDER BY e.source LIMIT 1)
      FROM s WHERE s.source IS NOT NULL
    )
    SELECT source FROM s WHERE source IS NOT NULL LIMIT ${limit}`;
}

/**
 * A page must keep its plan whatever the statistics say. After a bulk load that nobody has
 * analyzed yet, the planner expected ~200 rows in a case of 50,000 and chose to read them all
 * and sort them (54 ms for 101 rows, growing with the case; issue 16) over walking the index in
 * order (0.2 ms). With sorting priced out for the transaction, the only plan left for
 * ORDER BY … LIMIT is the ordered index scan, which stops after the page.
 */
export const ORDERED_PLAN_ONLY = Prisma.sql`SELECT set_config('enable_sort', 'off', true)`;

/** Keyset cursors: the (occurredAt, id) of the last row of a page, opaque to clients. */
export function encodeCursor(occurredAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([occurredAt.toISOString(), id])).toString("base64url");
}

export function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const occurredAt = ZQueryDate.parse(at);
    if (!occurredAt || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error("bad cursor");
    return { occurredAt, id };
  } catch {
    throw new ValidationError("The page cursor is not valid: start again from the first page.");
  }
}
