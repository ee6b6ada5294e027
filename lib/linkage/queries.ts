import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import { canOnCase, canOnItem, privilegeReader, type TPrivilegeReader } from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import { readableItemWhere, visibleItemSql, visibleItemWhere, withheldOr } from "@/lib/auth/visibility";
import { WITHHELD_TITLE } from "@/lib/privilege/withhold";
import { NotFoundError } from "@/lib/errors";
import {
  accountSpellings,
  clusterTotals,
  graphPayload,
  loadClusters,
  mergeRoots,
  neighbourhood,
  shortestPath,
  type TCluster,
  type TClusterTotals,
} from "@/lib/linkage/graph";
import type { TEntityKind, TGraphPayload, TLinkKind } from "@/lib/linkage/graph-types";
import { ZClusterQuery, ZEntityFilters } from "@/lib/linkage/schemas";
import type { TLinkageSettings } from "@/lib/linkage/settings";
import type { TContribution } from "@/lib/linkage/rules";
import { linkageSettings } from "@/lib/linkage/store";
import {
  entityVisibleSql,
  eventTieVisibleSql,
  findVisibleEntity,
  linkageViewer,
  linkVisibleSql,
  mergedIntoVisibleSql,
  type TLinkageViewer,
} from "@/lib/linkage/visibility";
import { parseQuery } from "@/lib/validation";

// The Linkages tab and its pages, as the acting user's organisation sees them (the rules of
// lib/linkage/visibility.ts, applied in every query here).

export type TProposalView = {
  id: string;
  rule: string;
  kind: TLinkKind;
  from: { id: string; kind: TEntityKind; value: string };
  to: { id: string; kind: TEntityKind; value: string };
  confidence: number;
  contributions: TContribution[];
  rationale: string;
  firstSeen: Date;
  lastSeen: Date;
  supportRows: number;
};

export type TClusterView = TCluster & { name: string | null; totals: TClusterTotals; anchorValue: string };

const PROPOSALS_SHOWN = 200;
const CLUSTERS_SHOWN = 20;

/** Proposals whose support the viewer still sees (computed for its organisation). */
function proposalScope(viewer: TLinkageViewer, p: string): Prisma.Sql {
  const a = Prisma.raw(`"${p}"`);
  return Prisma.sql`${a}."caseId" = ${viewer.caseId}::uuid AND ${a}."viewerOrgId" = ${viewer.orgId}::uuid
    AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${a}.support) s
                    WHERE NOT ((s->>'importId')::uuid = ANY(${viewer.importIds}::uuid[])))`;
}

async function namesFor(viewer: TLinkageViewer, clusters: TCluster[]) {
  const labels = await getDb().clusterLabel.findMany({
    where: { caseId: viewer.caseId, orgId: viewer.orgId },
    select: { anchorEntityId: true, name: true },
  });
  const roots = await mergeRoots(viewer);
  const byNode = new Map<string, string>();
  for (const c of clusters) for (const n of c.nodes) byNode.set(n, c.id);
  const names = new Map<string, string>();
  for (const l of labels) {
    const cluster = byNode.get(roots.get(l.anchorEntityId) ?? l.anchorEntityId);
    if (cluster && !names.has(cluster)) names.set(cluster, l.name);
  }
  return names;
}

async function clusterViews(viewer: TLinkageViewer, clusters: TCluster[]): Promise<TClusterView[]> {
  const names = await namesFor(viewer, clusters);
  // visibility: only called with the viewer's own clusters (loadClusters), whose anchors and
  // nodes are ends of links it sees or merge roots it sees: entities that exist for it.
  const anchors = await getDb().entity.findMany({
    where: { id: { in: clusters.map((c) => c.id) } },
    select: { id: true, value: true },
  });
  const valueOf = new Map(anchors.map((a) => [a.id, a.value]));
  const kinds = await getDb().entity.findMany({
    where: { id: { in: clusters.flatMap((c) => c.nodes) }, kind: "ACCOUNT" },
    select: { id: true },
  });
  const isAccount = new Set(kinds.map((k) => k.id));
  return Promise.all(
    clusters.map(async (c) => ({
      ...c,
      name: names.get(c.id) ?? null,
      anchorValue: valueOf.get(c.id) ?? c.id,
      totals: await clusterTotals(
        viewer,
        c.nodes.filter((n) => isAccount.has(n)),
      ),
    })),
  );
}

export type TLinkageOverview = {
  proposals: TProposalView[];
  proposalCount: number;
  proposalsByRule: { rule: string; count: number }[];
  clusters: TClusterView[];
  clusterCount: number;
  minConfidence: number;
  counts: { entities: number; links: number };
  settings: TLinkageSettings;
  can: { review: boolean; configure: boolean };
};

export async function getLinkageOverview(
  actor: TActor,
  caseId: unknown,
  params: unknown = {},
): Promise<TLinkageOverview> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const viewer = await linkageViewer(actor.orgId, c.id);
  const settings = await linkageSettings(c.id);
  const minConfidence = parseQuery(ZClusterQuery, params).minConfidence ?? settings.clusterMinConfidence;
  const db = getDb();
  const [proposals, byRule, counts, clusters] = await Promise.all([
    db.$queryRaw<
      (Omit<TProposalView, "from" | "to" | "supportRows"> & {
        fromId: string;
        fromKind: TEntityKind;
        fromValue: string;
        toId: string;
        toKind: TEntityKind;
        toValue: string;
        supportRows: bigint;
      })[]
    >`
      SELECT p.id, p.rule, p.kind::text AS kind, p.confidence, p.contributions, p.rationale, p."firstSeen", p."lastSeen",
             p."supportRows", f.id AS "fromId", f.kind::text AS "fromKind", f.value AS "fromValue",
             t.id AS "toId", t.kind::text AS "toKind", t.value AS "toValue"
      FROM "LinkProposal" p JOIN "Entity" f ON f.id = p."fromId" JOIN "Entity" t ON t.id = p."toId"
      WHERE ${proposalScope(viewer, "p")}
      ORDER BY p.confidence DESC, p.rule, p."pairKey" LIMIT ${PROPOSALS_SHOWN}`,
    db.$queryRaw<{ rule: string; count: bigint }[]>`
      SELECT p.rule, count(*) AS count FROM "LinkProposal" p WHERE ${proposalScope(viewer, "p")} GROUP BY 1 ORDER BY 1`,
    db.$queryRaw<{ entities: bigint; links: bigint }[]>`
      SELECT (SELECT count(*) FROM "Entity" e WHERE e."caseId" = ${c.id}::uuid AND ${entityVisibleSql(viewer, "e")}) AS entities,
             (SELECT count(*) FROM "EntityLink" l WHERE l."caseId" = ${c.id}::uuid AND l."supersededAt" IS NULL
                AND NOT l.retracted AND ${linkVisibleSql(viewer, "l")}) AS links`,
    loadClusters(viewer, settings, minConfidence),
  ]);
  await recordAudit({
    actorId: actor.id,
    action: "case.linkage_viewed",
    targetType: "case",
    targetId: c.id,
    caseId: c.id,
    scope: { org: actor.orgId },
    details: { minConfidence },
  });
  return {
    proposals: proposals.map((p) => ({
      id: p.id,
      rule: p.rule,
      kind: p.kind,
      confidence: p.confidence,
      contributions: p.contributions,
      rationale: p.rationale,
      firstSeen: p.firstSeen,
      lastSeen: p.lastSeen,
      supportRows: Number(p.supportRows),
      from: { id: p.fromId, kind: p.fromKind, value: p.fromValue },
      to: { id: p.toId, kind: p.toKind, value: p.toValue },
    })),
    proposalCount: byRule.reduce((n, r) => n + Number(r.count), 0),
    proposalsByRule: byRule.map((r) => ({ rule: r.rule, count: Number(r.count) })),
    clusters: await clusterViews(viewer, clusters.clusters.slice(0, CLUSTERS_SHOWN)),
    clusterCount: clusters.clusters.length,
    minConfidence,
    counts: { entities: Number(counts[0]?.entities ?? 0), links: Number(counts[0]?.links ?? 0) },
    settings,
    can: {
      review: canOnCase(actor, "linkage.review", facts),
      configure: canOnCase(actor, "linkage.configure", facts),
    },
  };
}

export type TEntityRow = { id: string; kind: TEntityKind; value: string; mergedIntoId: string | null; links: number };

export async function listEntities(
  actor: TActor,
  caseId: unknown,
  params: unknown,
): Promise<{ items: TEntityRow[]; page: number; more: boolean }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "case.read");
  const filters = parseQuery(ZEntityFilters, params);
  const viewer = await linkageViewer(actor.orgId, c.id);
  const pageSize = 100;
  const q = filters.q.toLowerCase();
  const rows = await getDb().$queryRaw<(Omit<TEntityRow, "links"> & { links: bigint })[]>`
    SELECT e.id, e.kind::text AS kind, e.value, ${mergedIntoVisibleSql(viewer, "e")} AS "mergedIntoId",
           (SELECT count(*) FROM "EntityLink" l WHERE (l."fromId" = e.id OR l."toId" = e.id) AND l."supersededAt" IS NULL
              AND NOT l.retracted AND ${linkVisibleSql(viewer, "l")}) AS links
    FROM "Entity" e
    WHERE e."caseId" = ${c.id}::uuid AND ${entityVisibleSql(viewer, "e")}
      ${filters.kind ? Prisma.sql`AND e.kind = ${filters.kind}::"EntityKind"` : Prisma.empty}
      ${q ? Prisma.sql`AND strpos(e.value, ${q}) > 0` : Prisma.empty}
    ORDER BY e.kind, e.value LIMIT ${pageSize + 1} OFFSET ${(filters.page - 1) * pageSize}`;
  return {
    items: rows.slice(0, pageSize).map((r) => ({ ...r, links: Number(r.links) })),
    page: filters.page,
    more: rows.length > pageSize,
  };
}

export type TLinkRow = {
  id: string;
  lineageId: string;
  version: number;
  kind: TLinkKind;
  fromId: string;
  toId: string;
  fromValue: string;
  toValue: string;
  fromKind: TEntityKind;
  toKind: TEntityKind;
  confidence: number;
  provenance: string;
  rationale: string;
  retracted: boolean;
  supersededAt: Date | null;
  createdAt: Date;
  createdBy: string;
  /** The organisation whose link it is (each runs the rules over what it sees). */
  orgName: string;
  firstSeen: Date | null;
  lastSeen: Date | null;
  supportRows: number;
  contributions: TContribution[];
  params: Record<string, unknown>;
};

async function linkRows(viewer: TLinkageViewer, where: Prisma.Sql): Promise<TLinkRow[]> {
  const rows = await getDb().$queryRaw<(Omit<TLinkRow, "supportRows"> & { supportRows: bigint })[]>`
    SELECT l.id, l."lineageId", l.version, l.kind::text AS kind, l."fromId", l."toId", f.value AS "fromValue",
           t.value AS "toValue", f.kind::text AS "fromKind", t.kind::text AS "toKind", l.confidence, l.provenance,
           l.rationale, l.retracted, l."supersededAt", l."createdAt", u.name AS "createdBy", o.name AS "orgName",
           l."firstSeen", l."lastSeen", l."supportRows", l.contributions, l.params
    FROM "EntityLink" l JOIN "Entity" f ON f.id = l."fromId" JOIN "Entity" t ON t.id = l."toId"
    JOIN "User" u ON u.id = l."createdById" JOIN "Organization" o ON o.id = l."orgId"
    WHERE l."caseId" = ${viewer.caseId}::uuid AND ${linkVisibleSql(viewer, "l")} AND ${where}
    ORDER BY l.confidence DESC, l.id LIMIT 500`;
  return rows.map((r) => ({ ...r, supportRows: Number(r.supportRows) }));
}

export type TEntityView = {
  entity: { id: string; kind: TEntityKind; value: string; mergedInto: { id: string; value: string } | null };
  spellings: { display: string; label: string; source: string }[];
  aliases: { id: string; value: string }[];
  links: TLinkRow[];
  events: { id: string; title: string; occurredAt: Date }[];
  usage: TClusterTotals | null;
  /** What the viewer's usage rows call the account (and the accounts merged into it). */
  usageSpellings: string[];
  cluster: { id: string; name: string | null; accounts: number } | null;
  /** Evidence the reader may cite for a new link, and events it may tie (when it may add links). */
  evidence: { id: string; title: string }[];
  eventChoices: { id: string; title: string; occurredAt: Date }[];
  can: { review: boolean };
};

/** An entity's page: its spellings, aliases, links, the events that name it and its usage. */
export async function getEntity(actor: TActor, caseId: unknown, entityId: unknown): Promise<TEntityView> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const viewer = await linkageViewer(actor.orgId, c.id);
  const reader = privilegeReader(actor, facts);
  const id = parseId(entityId);
  const db = getDb();
  const entity = await findVisibleEntity(viewer, id);
  const roots = await mergeRoots(viewer);
  const aliasIds = [...roots].filter(([, root]) => root === entity.id).map(([aliasId]) => aliasId);
  const group = [entity.id, ...aliasIds];
  const [spellings, aliases, links, events, mergedInto] = await Promise.all([
    db.$queryRaw<{ display: string; label: string; source: string }[]>`
      SELECT DISTINCT m.display, m.label, coalesce(${withheldOr(reader, "ev", "title", WITHHELD_TITLE)}, 'Added by hand') AS source
      FROM "EntityMention" m LEFT JOIN "ImportJob" j ON j.id = m."importId" LEFT JOIN "Evidence" ev ON ev.id = j."evidenceId"
      WHERE m."entityId" = ANY(${group}::uuid[]) AND (CASE WHEN m."importId" IS NULL THEN ${visibleItemSql(viewer, "m")}
            ELSE m."importId" = ANY(${viewer.importIds}::uuid[]) END)
      ORDER BY 3, 1 LIMIT 200`,
    db.entity.findMany({ where: { id: { in: aliasIds } }, select: { id: true, value: true } }),
    linkRows(
      viewer,
      Prisma.sql`(l."fromId" = ANY(${group}::uuid[]) OR l."toId" = ANY(${group}::uuid[])) AND l."supersededAt" IS NULL`,
    ),
    db.$queryRaw<{ id: string; title: string; occurredAt: Date }[]>`
      SELECT t.id, ${withheldOr(reader, "t", "title", WITHHELD_TITLE)} AS title, t."occurredAt"
      FROM "TimelineEvent" t JOIN "TimelineEventEntity" te ON te."eventId" = t.id JOIN "Entity" ten ON ten.id = te."entityId"
      WHERE te."entityId" = ANY(${group}::uuid[]) AND t."caseId" = ${c.id}::uuid AND t."deletedAt" IS NULL
        AND ${visibleItemSql(viewer, "t")} AND ${eventTieVisibleSql(viewer, "te", "ten")}
      ORDER BY t."occurredAt" DESC LIMIT 100`,
    entity.mergedIntoId && roots.has(entity.id)
      ? db.entity.findUnique({ where: { id: entity.mergedIntoId }, select: { id: true, value: true } })
      : Promise.resolve(null),
  ]);
  const settings = await linkageSettings(c.id);
  const clusters = await loadClusters(viewer, settings, settings.clusterMinConfidence);
  const cluster = clusters.clusters.find((k) => k.nodes.includes(roots.get(entity.id) ?? entity.id));
  const clusterName = cluster ? ((await namesFor(viewer, [cluster])).get(cluster.id) ?? null) : null;
  await recordAudit({
    actorId: actor.id,
    action: "linkage.entity_viewed",
    targetType: "entity",
    targetId: entity.id,
    caseId: c.id,
    scope: { org: actor.orgId },
  });
  return {
    entity: { ...entity, mergedInto },
    spellings,
    aliases,
    links,
    events,
    usage: entity.kind === "ACCOUNT" ? await clusterTotals(viewer, group) : null,
    usageSpellings: entity.kind === "ACCOUNT" ? await accountSpellings(viewer, group) : [],
    cluster: cluster ? { id: cluster.id, name: clusterName, accounts: cluster.accounts } : null,
    evidence: canOnCase(actor, "linkage.review", facts)
      ? await db.evidence.findMany({
          where: { caseId: c.id, deletedAt: null, ...visibleItemWhere(actor), AND: [readableItemWhere(reader)] },
          orderBy: { createdAt: "desc" },
          take: 200,
          select: { id: true, title: true },
        })
      : [],
    eventChoices: canOnCase(actor, "linkage.review", facts)
      ? await db.timelineEvent.findMany({
          where: { caseId: c.id, deletedAt: null, ...visibleItemWhere(actor), AND: [readableItemWhere(reader)] },
          orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
          take: 200,
          select: { id: true, title: true, occurredAt: true },
        })
      : [],
    can: { review: canOnCase(actor, "linkage.review", facts) },
  };
}

export type TLinkSupportView = {
  importId: string | null;
  evidence: { id: string; title: string; sha256: string } | null;
  rows: number;
};

/**
 * What links rest on, by link. Only for links the viewer sees (linkVisibleSql), which already
 * requires every evidence item and import behind them to be visible to it.
 */
async function linkSupport(linkIds: string[], reader: TPrivilegeReader): Promise<Map<string, TLinkSupportView[]>> {
  // visibility: only called with ids of links that passed linkVisibleSql (all support visible)
  const rows = await getDb().$queryRaw<
    {
      linkId: string;
      importId: string | null;
      id: string | null;
      title: string | null;
      sha256: string | null;
      rows: bigint;
    }[]
  >`
    SELECT s."linkId", s."importId", ev.id, ${withheldOr(reader, "ev", "title", WITHHELD_TITLE)} AS title,
           ${withheldOr(reader, "ev", "sha256", "")} AS sha256, s.rows FROM "LinkSupport" s
    LEFT JOIN "Evidence" ev ON ev.id = s."evidenceId" WHERE s."linkId" = ANY(${linkIds}::uuid[]) ORDER BY 4`;
  const out = new Map<string, TLinkSupportView[]>();
  for (const r of rows)
    out.set(r.linkId, [
      ...(out.get(r.linkId) ?? []),
      {
        importId: r.importId,
        evidence: r.id ? { id: r.id, title: r.title!, sha256: r.sha256! } : null,
        rows: Number(r.rows),
      },
    ]);
  return out;
}

export type TLinkView = { link: TLinkRow; versions: TLinkRow[]; support: TLinkSupportView[]; can: { review: boolean } };

/** "Why do we believe this?": a link with its contributions, support and every version of it. */
export async function getLink(actor: TActor, caseId: unknown, linkId: unknown): Promise<TLinkView> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const viewer = await linkageViewer(actor.orgId, c.id);
  const id = parseId(linkId);
  const [link] = await linkRows(viewer, Prisma.sql`l.id = ${id}::uuid`);
  if (!link) throw new NotFoundError("No such link in this case.");
  const [versions, support, owner] = await Promise.all([
    linkRows(viewer, Prisma.sql`l."lineageId" = ${link.lineageId}::uuid`),
    linkSupport([link.id], privilegeReader(actor, facts)),
    // visibility: the link just read through linkVisibleSql
    getDb().entityLink.findUniqueOrThrow({
      where: { id: link.id },
      select: { orgId: true, visibility: true, createdById: true },
    }),
  ]);
  await recordAudit({
    actorId: actor.id,
    action: "linkage.link_viewed",
    targetType: "link",
    targetId: link.id,
    caseId: c.id,
    scope: { org: actor.orgId },
  });
  return {
    link,
    versions: versions.sort((a, b) => b.version - a.version),
    support: support.get(link.id) ?? [],
    // Revising is for the link's own organisation (lib/linkage/mutations.ts#reviseLink).
    can: { review: canOnItem(actor, "item.revise_link", facts, { ...owner, authorId: owner.createdById }) },
  };
}

export type TClusterPage = {
  cluster: TClusterView;
  payload: TGraphPayload;
  minConfidence: number;
  can: { review: boolean };
};

export async function findCluster(viewer: TLinkageViewer, clusterId: unknown, params: unknown) {
  const settings = await linkageSettings(viewer.caseId);
  const minConfidence = parseQuery(ZClusterQuery, params).minConfidence ?? settings.clusterMinConfidence;
  const id = parseId(clusterId);
  const result = await loadClusters(viewer, settings, minConfidence);
  const cluster = result.clusters.find((k) => k.id === id || k.nodes.includes(id));
  if (!cluster) throw new NotFoundError("No such cluster at this confidence.");
  return { cluster, minConfidence, seed: result.seed };
}

export async function getCluster(
  actor: TActor,
  caseId: unknown,
  clusterId: unknown,
  params: unknown = {},
): Promise<TClusterPage> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const viewer = await linkageViewer(actor.orgId, c.id);
  const { cluster, minConfidence, seed } = await findCluster(viewer, clusterId, params);
  const [view] = await clusterViews(viewer, [cluster]);
  const payload = await graphPayload(viewer, cluster.nodes, minConfidence, { bridges: cluster.bridges, seed });
  await recordAudit({
    actorId: actor.id,
    action: "linkage.cluster_viewed",
    targetType: "entity",
    targetId: cluster.id,
    caseId: c.id,
    scope: { org: actor.orgId },
  });
  return { cluster: view!, payload, minConfidence, can: { review: canOnCase(actor, "linkage.review", facts) } };
}

/** An entity's neighbourhood as a graph payload (the graph view's "expand"). */
export async function getNeighbourhood(
  actor: TActor,
  caseId: unknown,
  entityId: unknown,
  params: unknown = {},
): Promise<TGraphPayload> {
  const { case: c } = await requireCaseAccess(actor, caseId, "case.read");
  const viewer = await linkageViewer(actor.orgId, c.id);
  const id = parseId(entityId);
  await findVisibleEntity(viewer, id);
  const minConfidence = parseQuery(ZClusterQuery, params).minConfidence ?? 0;
  const nodes = await neighbourhood(viewer, id, minConfidence);
  return graphPayload(viewer, nodes, minConfidence, { seed: 1 });
}

export type TPathView = {
  from: { id: string; value: string };
  to: { id: string; value: string };
  hops: {
    from: { id: string; value: string };
    to: { id: string; value: string };
    link: TLinkRow;
    support: TLinkSupportView[];
  }[];
} | null;

/** How is one entity linked to another: the shortest path, with each hop's link and evidence. */
export async function findPath(
  actor: TActor,
  caseId: unknown,
  input: { from?: unknown; to?: unknown; minConfidence?: unknown },
): Promise<TPathView> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const viewer = await linkageViewer(actor.orgId, c.id);
  const db = getDb();
  const resolve = async (raw: unknown) => {
    const text = String(raw ?? "").trim();
    const byId = /^[0-9a-f-]{36}$/i.test(text);
    const [row] = await db.$queryRaw<{ id: string; value: string }[]>`
      SELECT e.id, e.value FROM "Entity" e WHERE e."caseId" = ${c.id}::uuid AND ${entityVisibleSql(viewer, "e")}
        AND ${byId ? Prisma.sql`e.id = ${text}::uuid` : Prisma.sql`e.value = ${text.toLowerCase()}`}
      ORDER BY (e.kind = 'ACCOUNT') DESC LIMIT 1`;
    if (!row) throw new NotFoundError(`No entity "${text.slice(0, 80)}" in this case.`);
    return row;
  };
  const [from, to] = [await resolve(input.from), await resolve(input.to)];
  const min = parseQuery(ZClusterQuery, { minConfidence: input.minConfidence }).minConfidence ?? 0;
  const path = await shortestPath(viewer, from.id, to.id, min);
  await recordAudit({
    actorId: actor.id,
    action: "linkage.path_viewed",
    targetType: "entity",
    targetId: from.id,
    caseId: c.id,
    scope: { org: actor.orgId },
    details: { to: to.id, found: !!path },
  });
  if (!path) return null;
  const links = await linkRows(viewer, Prisma.sql`l.id = ANY(${path.hops.map((h) => h.link.id)}::uuid[])`);
  const byId = new Map(links.map((l) => [l.id, l]));
  const values = await db.entity.findMany({ where: { id: { in: path.nodes } }, select: { id: true, value: true } });
  const valueOf = new Map(values.map((v) => [v.id, v.value]));
  const support = await linkSupport(
    links.map((l) => l.id),
    privilegeReader(actor, facts),
  );
  return {
    from,
    to,
    hops: path.hops.map((h) => ({
      from: { id: h.from, value: valueOf.get(h.from) ?? h.from },
      to: { id: h.to, value: valueOf.get(h.to) ?? h.to },
      link: byId.get(h.link.id)!,
      support: support.get(h.link.id) ?? [],
    })),
  };
}
