import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { ORG_SCOPE_KEY } from "@/lib/audit/record";
import { visibleItemSql, visibleItemWhere } from "@/lib/auth/visibility";
import { linkageViewer, entityVisibleSql, linkVisibleSql, mergedIntoVisibleSql } from "@/lib/linkage/visibility";
import type { TProductionScope } from "@/lib/productions/schemas";

// What a production holds, read as its producer sees the case (visibleItemWhere/visibleItemSql:
// another organisation's owner-only items never enter it). Every list has a fixed order (so two
// exports of the same scope give the same bytes) and large lists are read in keyset pages.

/** Whose view the production is made in: its producer and their organisation. */
export type TProducer = { id: string; orgId: string };

export type TScopedEvidence = {
  id: string;
  title: string;
  kind: string;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  collectedAt: Date | null;
  collectedBy: string;
  orgName: string;
  custodian: string;
  createdAt: Date;
  privileged: boolean;
  privilegeBasis: string | null;
  privilegeDescription: string | null;
};

/** The events of a scope, as a SQL condition on TimelineEvent `t`. */
function eventScopeSql(scope: TProductionScope): Prisma.Sql {
  if (scope.kind === "timeline")
    return Prisma.sql`t."occurredAt" >= ${scope.from} AND t."occurredAt" < ${new Date(scope.to.getTime() + 86_400_000)}`;
  if (scope.kind === "evidence")
    return Prisma.sql`EXISTS (SELECT 1 FROM "TimelineEventEvidence" te WHERE te."eventId" = t.id AND te."evidenceId" = ANY(${scope.ids}::uuid[]))`;
  return Prisma.sql`TRUE`;
}

/** The evidence of a scope: chosen items; items tied to the range's events or collected in it; or all. */
export async function scopedEvidence(
  producer: TProducer,
  caseId: string,
  scope: TProductionScope,
): Promise<TScopedEvidence[]> {
  let ids: string[] | undefined;
  if (scope.kind === "evidence") ids = scope.ids;
  if (scope.kind === "timeline") {
    const to = new Date(scope.to.getTime() + 86_400_000);
    // visibility: ids only; the evidence read below applies visibleItemWhere to them.
    const rows = await getDb().$queryRaw<{ id: string }[]>`
      SELECT DISTINCT te."evidenceId" AS id FROM "TimelineEventEvidence" te JOIN "TimelineEvent" t ON t.id = te."eventId"
      WHERE t."caseId" = ${caseId}::uuid AND t."deletedAt" IS NULL AND ${visibleItemSql(producer, "t")} AND ${eventScopeSql(scope)}
      UNION
      SELECT e.id FROM "Evidence" e WHERE e."caseId" = ${caseId}::uuid AND e."collectedAt" >= ${scope.from} AND e."collectedAt" < ${to}`;
    ids = rows.map((r) => r.id);
  }
  const rows = await getDb().evidence.findMany({
    where: {
      caseId,
      deletedAt: null,
      purgedAt: null,
      ...(ids ? { id: { in: ids } } : {}),
      ...visibleItemWhere(producer),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      title: true,
      kind: true,
      fileName: true,
      mimeType: true,
      size: true,
      sha256: true,
      collectedAt: true,
      collectedBy: true,
      createdAt: true,
      privileged: true,
      privilegeBasis: true,
      privilegeDescription: true,
      addedBy: { select: { name: true, org: { select: { name: true } } } },
    },
  });
  return rows.map(({ addedBy, ...e }) => ({
    ...e,
    size: Number(e.size),
    orgName: addedBy.org.name,
    custodian: addedBy.name,
  }));
}

export type TScopedEvent = {
  id: string;
  occurredAt: Date;
  endsAt: Date | null;
  title: string;
  description: string;
  category: string;
  source: string;
  confidence: string;
  orgName: string;
  evidenceIds: string[];
};

/** The scope's events that are not privileged, in time order, a page at a time. */
export async function* scopedEvents(
  producer: TProducer,
  caseId: string,
  scope: TProductionScope,
  pageSize = 5_000,
): AsyncGenerator<TScopedEvent[]> {
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const keyset: Prisma.Sql = after
      ? Prisma.sql`AND (t."occurredAt", t.id) > (${after.at}, ${after.id}::uuid)`
      : Prisma.empty;
    const rows: TScopedEvent[] = await getDb().$queryRaw<TScopedEvent[]>`
      SELECT t.id, t."occurredAt", t."endsAt", t.title, t.description, coalesce(t."customCategory", t.category::text) AS category,
             t.source, t.confidence::text AS confidence, o.name AS "orgName",
             coalesce((SELECT array_agg(te."evidenceId"::text ORDER BY te."evidenceId")
                       FROM "TimelineEventEvidence" te JOIN "Evidence" ev ON ev.id = te."evidenceId"
                       WHERE te."eventId" = t.id AND ev."deletedAt" IS NULL AND ev."purgedAt" IS NULL
                         AND ${visibleItemSql(producer, "ev")}), '{}') AS "evidenceIds"
      FROM "TimelineEvent" t JOIN "Organization" o ON o.id = t."orgId"
      WHERE t."caseId" = ${caseId}::uuid AND t."deletedAt" IS NULL AND NOT t.privileged
        AND ${visibleItemSql(producer, "t")} AND ${eventScopeSql(scope)} ${keyset}
      ORDER BY t."occurredAt", t.id LIMIT ${pageSize}`;
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    after = { at: last.occurredAt, id: last.id };
  }
}

/** Events per day over the scope (the report's chart), computed in SQL. */
export async function eventsPerDay(
  producer: TProducer,
  caseId: string,
  scope: TProductionScope,
): Promise<{ day: string; count: number }[]> {
  return getDb().$queryRaw<{ day: string; count: number }[]>`
    SELECT to_char(date_trunc('day', t."occurredAt"), 'YYYY-MM-DD') AS day, count(*)::int AS count
    FROM "TimelineEvent" t
    WHERE t."caseId" = ${caseId}::uuid AND t."deletedAt" IS NULL AND NOT t.privileged
      AND ${visibleItemSql(producer, "t")} AND ${eventScopeSql(scope)}
    GROUP BY 1 ORDER BY 1`;
}

export type TWithheld = {
  id: string;
  date: Date;
  kind: "EVIDENCE" | "EVENT" | "NOTE";
  author: string;
  basis: string;
  description: string;
};

/**
 * The privilege log of a scope as `producer` sees the case: every privileged item it would hold
 * (evidence, events, and for the whole case notes), with its date, author, basis and description,
 * never its content. `evidence` is the scope's evidence when the caller has read it already.
 */
export async function privilegeLog(
  producer: TProducer,
  caseId: string,
  scope: TProductionScope,
  evidence?: TScopedEvidence[],
): Promise<TWithheld[]> {
  const items = evidence ?? (await scopedEvidence(producer, caseId, scope));
  return [
    ...items
      .filter((e) => e.privileged)
      .map((e) => ({
        id: e.id,
        date: e.collectedAt ?? e.createdAt,
        kind: "EVIDENCE" as const,
        author: e.custodian,
        basis: e.privilegeBasis ?? "",
        description: e.privilegeDescription ?? "",
      })),
    ...(await withheldEventsAndNotes(producer, caseId, scope)),
  ];
}

/** Privileged events and notes of the scope (privileged evidence comes with scopedEvidence). */
async function withheldEventsAndNotes(
  producer: TProducer,
  caseId: string,
  scope: TProductionScope,
): Promise<TWithheld[]> {
  const events = await getDb().$queryRaw<TWithheld[]>`
    SELECT t.id, t."occurredAt" AS date, 'EVENT' AS kind, u.name AS author, coalesce(t."privilegeBasis"::text, '') AS basis,
           coalesce(t."privilegeDescription", '') AS description
    FROM "TimelineEvent" t JOIN "User" u ON u.id = t."authorId"
    WHERE t."caseId" = ${caseId}::uuid AND t."deletedAt" IS NULL AND t.privileged
      AND ${visibleItemSql(producer, "t")} AND ${eventScopeSql(scope)}
    ORDER BY t."occurredAt", t.id`;
  const notes =
    scope.kind === "case"
      ? await getDb().$queryRaw<TWithheld[]>`
    SELECT n.id, n."createdAt" AS date, 'NOTE' AS kind, u.name AS author, coalesce(n."privilegeBasis"::text, '') AS basis,
           coalesce(n."privilegeDescription", '') AS description
    FROM "Note" n JOIN "User" u ON u.id = n."authorId"
    WHERE n."caseId" = ${caseId}::uuid AND n."deletedAt" IS NULL AND n.privileged AND ${visibleItemSql(producer, "n")}
    ORDER BY n."createdAt", n.id`
      : [];
  return [...events, ...notes];
}

export type TCustodyLine = {
  evidenceId: string;
  at: Date;
  action: string;
  actor: string;
  sha256: string;
  note: string;
};

/** The custody of the given items, in item order then time, a page of items at a time. */
export async function* custodyOf(evidenceIds: string[], pageSize = 500): AsyncGenerator<TCustodyLine[]> {
  for (let i = 0; i < evidenceIds.length; i += pageSize) {
    const ids = evidenceIds.slice(i, i + pageSize);
    const rows = await getDb().$queryRaw<TCustodyLine[]>`
      SELECT c."evidenceId", c."occurredAt" AS at, c.action::text AS action, u.name AS actor, coalesce(c.sha256, '') AS sha256, c.note
      FROM "CustodyEvent" c JOIN "User" u ON u.id = c."actorId"
      WHERE c."evidenceId" = ANY(${ids}::uuid[]) AND c.action <> 'PRODUCED'
      ORDER BY array_position(${ids}::uuid[], c."evidenceId"), c.id`;
    yield rows;
  }
}

export type TEntityLine = { id: string; kind: string; value: string; mergedIntoId: string | null };
export type TLinkLine = {
  id: string;
  kind: string;
  fromValue: string;
  toValue: string;
  confidence: number;
  provenance: string;
  rationale: string;
};

/** The entities and current links the producer's organisation sees on the case. */
export async function linkageOf(producer: TProducer, caseId: string) {
  const viewer = await linkageViewer(producer.orgId, caseId);
  const entities = await getDb().$queryRaw<TEntityLine[]>`
    SELECT e.id, e.kind::text AS kind, e.value, ${mergedIntoVisibleSql(viewer, "e")} AS "mergedIntoId" FROM "Entity" e
    WHERE e."caseId" = ${caseId}::uuid AND ${entityVisibleSql(viewer, "e")} ORDER BY e.kind, e.value, e.id`;
  const links = await getDb().$queryRaw<TLinkLine[]>`
    SELECT l.id, l.kind::text AS kind, f.value AS "fromValue", t.value AS "toValue", l.confidence, l.provenance, l.rationale
    FROM "EntityLink" l JOIN "Entity" f ON f.id = l."fromId" JOIN "Entity" t ON t.id = l."toId"
    WHERE l."caseId" = ${caseId}::uuid AND l."supersededAt" IS NULL AND NOT l.retracted AND ${linkVisibleSql(viewer, "l")}
    ORDER BY l.kind, f.value, t.value, l.id`;
  return { viewer, entities, links };
}

export type TAuditLine = {
  id: bigint;
  occurredAt: Date;
  action: string;
  targetType: string;
  targetId: string | null;
  actor: string | null;
  hash: string;
};

/**
 * The case's audit rows the producer's organisation may see (the Activity tab's rule), without
 * the productions' own rows and refused attempts, so a later export of the same scope is equal.
 */
export async function* auditOf(producer: TProducer, caseId: string, pageSize = 5_000): AsyncGenerator<TAuditLine[]> {
  let after = BigInt(0);
  for (;;) {
    const rows = await getDb().$queryRaw<TAuditLine[]>`
      SELECT a.id, a."occurredAt", a.action, a."targetType", a."targetId", u.name AS actor, a.hash
      FROM "AuditEvent" a LEFT JOIN "User" u ON u.id = a."actorId"
      WHERE a."caseId" = ${caseId}::uuid AND a.id > ${after}
        AND (a.details->>${ORG_SCOPE_KEY} IS NULL OR a.details->>${ORG_SCOPE_KEY} = ${producer.orgId})
        AND a.action NOT LIKE 'production.%' AND a.action <> 'case.access_refused'
      ORDER BY a.id LIMIT ${pageSize}`;
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}
