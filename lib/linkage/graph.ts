import "server-only";
import { createHash } from "node:crypto";
import { MultiUndirectedGraph, UndirectedGraph } from "graphology";
import louvain from "graphology-communities-louvain";
import { connectedComponents } from "graphology-components";
import { bidirectional } from "graphology-shortest-path/dijkstra";
import { analyzeLoaded, getDb, Prisma } from "@/lib/db";
import type { TEntityKind, TGraphPayload, TLinkKind } from "@/lib/linkage/graph-types";
import { CLUSTER_USAGE_TABLES, lockClusterRun, writeClusterUsage } from "@/lib/linkage/cluster-usage";
import { usageValueSql } from "@/lib/linkage/normalise";
import { seededRandom } from "@/lib/linkage/random";
import type { TLinkageSettings } from "@/lib/linkage/settings";
import { entityVisibleSql, linkVisibleSql, mergedIntoVisibleSql, type TLinkageViewer } from "@/lib/linkage/visibility";

// The case's link graph as one viewer sees it, and what is computed on it with graphology:
// clusters (connected components of accounts, split by seeded Louvain when very large), bridge
// accounts, shortest paths with the links on each hop, and the payload for the graph view.

export type TLinkEdge = {
  id: string;
  kind: TLinkKind;
  fromId: string;
  toId: string;
  confidence: number;
  provenance: string;
};

export type TCluster = {
  id: string; // the anchor: the cluster's first account entity, in value order
  accounts: number;
  nodes: string[]; // entity ids (accounts and what ties them)
  bridges: string[]; // accounts that join two communities of the cluster
  communities: number;
  splitFrom?: { accounts: number; modularity: number }; // a very large component this part was split from
};

export type TClusterResult = {
  minConfidence: number;
  seed: number;
  resolution: number;
  clusters: TCluster[];
};

/** The active links the viewer sees at or above a confidence (only those touching `touching`, when given). */
export async function visibleLinks(
  viewer: TLinkageViewer,
  minConfidence: number,
  touching?: string[],
): Promise<TLinkEdge[]> {
  const near = touching
    ? Prisma.sql`AND (l."fromId" = ANY(${touching}::uuid[]) OR l."toId" = ANY(${touching}::uuid[]))`
    : Prisma.empty;
  return getDb().$queryRaw<TLinkEdge[]>`
    SELECT l.id, l.kind::text AS kind, l."fromId", l."toId", l.confidence, l.provenance
    FROM "EntityLink" l
    WHERE l."caseId" = ${viewer.caseId}::uuid AND l."supersededAt" IS NULL AND NOT l.retracted
      AND l.confidence >= ${minConfidence} ${near} AND ${linkVisibleSql(viewer, "l")}
    ORDER BY l.id`;
}

/**
 * Where each merged entity now stands: the entity it was merged into, followed to the end, as far
 * as the viewer sees both. A merge into something the viewer cannot see does not exist for it.
 */
export async function mergeRoots(viewer: TLinkageViewer): Promise<Map<string, string>> {
  const rows = await getDb().$queryRaw<{ id: string; into: string | null }[]>`
    SELECT e.id, ${mergedIntoVisibleSql(viewer, "e")} AS into FROM "Entity" e
    WHERE e."caseId" = ${viewer.caseId}::uuid AND e."mergedIntoId" IS NOT NULL AND ${entityVisibleSql(viewer, "e")}`;
  const into = new Map(rows.flatMap((r) => (r.into ? [[r.id, r.into] as const] : [])));
  const roots = new Map<string, string>();
  for (const id of into.keys()) {
    let root = id;
    for (let hops = 0; into.has(root) && hops < 1_000; hops++) root = into.get(root)!;
    roots.set(id, root);
  }
  return roots;
}

type TGraphBuild = {
  graph: MultiUndirectedGraph;
  kinds: Map<string, TEntityKind>;
  values: Map<string, string>;
  roots: Map<string, string>; // merged entity → the entity it now stands as
};

/**
 * The viewer's graph at a confidence: nodes are entities (merged ones as their root), edges are
 * links. With `around`, only the links that touch those entities (or what was merged into them):
 * each of them is in the graph exactly when it is in the whole one, with every link among them.
 */
async function buildGraph(viewer: TLinkageViewer, minConfidence: number, around?: string[]): Promise<TGraphBuild> {
  const roots = await mergeRoots(viewer);
  let touching: string[] | undefined;
  if (around) {
    const set = new Set(around);
    touching = [...around, ...[...roots].filter(([, r]) => set.has(r)).map(([id]) => id)];
  }
  const links = await visibleLinks(viewer, minConfidence, touching);
  const root = (id: string) => roots.get(id) ?? id;
  const graph = new MultiUndirectedGraph();
  for (const link of links) {
    const [a, b] = [root(link.fromId), root(link.toId)];
    if (a === b) continue;
    graph.mergeNode(a);
    graph.mergeNode(b);
    graph.addEdgeWithKey(link.id, a, b, { ...link, weight: 101 - link.confidence });
  }
  const kinds = new Map<string, TEntityKind>();
  const values = new Map<string, string>();
  const ids = graph.nodes();
  for (let i = 0; i < ids.length; i += 50_000) {
    const rows = await getDb().entity.findMany({
      where: { id: { in: ids.slice(i, i + 50_000) } },
      select: { id: true, kind: true, value: true },
    });
    for (const r of rows) {
      kinds.set(r.id, r.kind);
      values.set(r.id, r.value);
    }
  }
  return { graph, kinds, values, roots };
}

/** Communities of a component (seeded Louvain) and the accounts whose neighbours span two or more. */
function communitiesOf(
  graph: MultiUndirectedGraph,
  nodes: string[],
  kinds: Map<string, TEntityKind>,
  settings: TLinkageSettings,
) {
  const sub = new UndirectedGraph();
  for (const n of nodes) sub.addNode(n);
  for (const n of nodes)
    graph.forEachEdge(n, (_e, attrs, s, t) => {
      if (s === n && !sub.hasEdge(s, t)) sub.addEdge(s, t, { weight: attrs.confidence as number });
    });
  const detail = louvain.detailed(sub, {
    rng: seededRandom(settings.louvainSeed),
    resolution: settings.louvainResolution,
    getEdgeWeight: "weight",
  });
  const bridges = nodes.filter((n) => {
    if (kinds.get(n) !== "ACCOUNT") return false;
    const around = new Set<number>();
    sub.forEachNeighbor(n, (m) => void around.add(detail.communities[m]!));
    around.add(detail.communities[n]!);
    return around.size > 1;
  });
  return { communities: detail.communities, count: detail.count, modularity: detail.modularity, bridges };
}

const accountsIn = (nodes: string[], kinds: Map<string, TEntityKind>) =>
  nodes.filter((n) => kinds.get(n) === "ACCOUNT");

/** Clusters of accounts under the links at or above a confidence. */
function clustersOf(build: TGraphBuild, settings: TLinkageSettings, minConfidence: number): TClusterResult {
  const { graph, kinds, values } = build;
  const clusters: TCluster[] = [];
  const anchor = (nodes: string[]) =>
    accountsIn(nodes, kinds).sort((a, b) => values.get(a)!.localeCompare(values.get(b)!) || a.localeCompare(b))[0]!;
  for (const component of connectedComponents(graph)) {
    const accounts = accountsIn(component, kinds).length;
    if (accounts < 2) continue;
    const { communities, count, modularity, bridges } = communitiesOf(graph, component, kinds, settings);
    if (accounts <= settings.clusterSplitAbove) {
      clusters.push({ id: anchor(component), accounts, nodes: component, bridges, communities: count });
      continue;
    }
    const parts = new Map<number, string[]>();
    for (const n of component) parts.set(communities[n]!, [...(parts.get(communities[n]!) ?? []), n]);
    for (const part of parts.values()) {
      const partAccounts = accountsIn(part, kinds).length;
      if (partAccounts < 2) continue;
      const inPart = new Set(part);
      clusters.push({
        id: anchor(part),
        accounts: partAccounts,
        nodes: part,
        bridges: bridges.filter((b) => inPart.has(b)),
        communities: 1,
        splitFrom: { accounts, modularity },
      });
    }
  }
  clusters.sort((a, b) => b.accounts - a.accounts || a.id.localeCompare(b.id));
  return { minConfidence, seed: settings.louvainSeed, resolution: settings.louvainResolution, clusters };
}

/**
 * What the clusters were computed from: when it changes, they are computed again. The links and
 * merges, the imports the viewer sees, the settings, and the evidence items links cite (a release
 * withdrawn or an item deleted hides the links that rest on it: `e`, their last change).
 */
async function linksStamp(viewer: TLinkageViewer, settings: TLinkageSettings): Promise<string> {
  // visibility: only the time of the cited items' last change, hashed into a cache key; nothing of them is returned
  const [row] = await getDb().$queryRaw<{ n: bigint; t: Date | null; m: Date | null; e: Date | null }[]>`
    SELECT (SELECT count(*) FROM "EntityLink" WHERE "caseId" = ${viewer.caseId}::uuid) AS n,
           (SELECT max(greatest("createdAt", "supersededAt")) FROM "EntityLink" WHERE "caseId" = ${viewer.caseId}::uuid) AS t,
           (SELECT max("mergedAt") FROM "Entity" WHERE "caseId" = ${viewer.caseId}::uuid) AS m,
           (SELECT max(ev."updatedAt") FROM "LinkSupport" s JOIN "EntityLink" l ON l.id = s."linkId"
              JOIN "Evidence" ev ON ev.id = s."evidenceId" WHERE l."caseId" = ${viewer.caseId}::uuid) AS e`;
  return createHash("sha256")
    .update(JSON.stringify([String(row?.n), row?.t, row?.m, row?.e, [...viewer.importIds].sort(), settings]))
    .digest("hex");
}

/**
 * The viewer's clusters at a confidence: from the stored run when nothing it rests on changed
 * (links, merges, the imports the viewer sees, the settings), else computed and stored. The run
 * at the case's floor also stores its usage rollup (writeClusterUsage), which the summary reads.
 */
export async function loadClusters(
  viewer: TLinkageViewer,
  settings: TLinkageSettings,
  minConfidence: number,
): Promise<TClusterResult> {
  const stamp = await linksStamp(viewer, settings);
  const stored = await getDb().clusterRun.findUnique({
    where: { caseId_viewerOrgId_minConfidence: { caseId: viewer.caseId, viewerOrgId: viewer.orgId, minConfidence } },
    select: { linksStamp: true, result: true },
  });
  if (stored?.linksStamp === stamp) return stored.result as unknown as TClusterResult;
  return computeClusterRun(viewer, settings, minConfidence, stamp);
}

/** Brings the viewer's run at the case's floor (and so its usage rollup) up to date. */
export async function refreshFloorClusterRun(viewer: TLinkageViewer, settings: TLinkageSettings): Promise<void> {
  const minConfidence = settings.clusterMinConfidence;
  const stamp = await linksStamp(viewer, settings);
  const stored = await getDb().clusterRun.findUnique({
    where: { caseId_viewerOrgId_minConfidence: { caseId: viewer.caseId, viewerOrgId: viewer.orgId, minConfidence } },
    select: { linksStamp: true },
  });
  if (stored?.linksStamp !== stamp) await computeClusterRun(viewer, settings, minConfidence, stamp);
}

async function computeClusterRun(
  viewer: TLinkageViewer,
  settings: TLinkageSettings,
  minConfidence: number,
  stamp: string,
): Promise<TClusterResult> {
  const result = clustersOf(await buildGraph(viewer, minConfidence), settings, minConfidence);
  const key = { caseId: viewer.caseId, viewerOrgId: viewer.orgId, minConfidence };
  const atFloor = minConfidence === settings.clusterMinConfidence;
  const data = {
    linksStamp: stamp,
    seed: result.seed,
    resolution: result.resolution,
    result: result as unknown as Prisma.InputJsonObject,
    computedAt: new Date(),
  };
  await getDb().$transaction(
    async (tx) => {
      // Two readers may compute the same run at once: one writes its run and rollup at a time.
      await lockClusterRun(tx, viewer.caseId, viewer.orgId);
      await tx.clusterRun.upsert({
        where: { caseId_viewerOrgId_minConfidence: key },
        create: { ...key, ...data },
        update: data,
      });
      if (atFloor) await writeClusterUsage(tx, viewer, result);
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
  if (atFloor) await analyzeLoaded(CLUSTER_USAGE_TABLES);
  return result;
}

export type TClusterTotals = {
  accounts: number;
  keys: number;
  requests: number;
  tokens: number;
  rateLimited: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
  orgIds: string[];
};

/** The accounts' spellings in the usage imports the viewer sees (sorted): what usage rows call them. */
function accountSpellingsSql(viewer: TLinkageViewer, accountIds: string[]): Prisma.Sql {
  return Prisma.sql`SELECT array_agg(DISTINCT s ORDER BY s) FROM "EntityUsage" u2, unnest(u2.spellings) s
    WHERE u2."entityId" = ANY(${accountIds}::uuid[]) AND u2."importId" = ANY(${viewer.importIds}::uuid[])`;
}

/** accountSpellingsSql, read: an account's page links to its usage rows under each spelling. */
export async function accountSpellings(viewer: TLinkageViewer, accountIds: string[]): Promise<string[]> {
  const [row] = await getDb().$queryRaw<{ spellings: string[] | null }[]>`
    SELECT (${accountSpellingsSql(viewer, accountIds)}) AS spellings`;
  return row?.spellings ?? [];
}

/**
 * A cluster's usage totals over the imports the viewer sees: sums of its accounts' per-import
 * usage (EntityUsage), and its distinct keys and organisation ids from the attribute rollup,
 * looked up by the spellings each import used (its primary key's prefix).
 */
export async function clusterTotals(viewer: TLinkageViewer, accountIds: string[]): Promise<TClusterTotals> {
  const db = getDb();
  const [usage] = await db.$queryRaw<
    {
      accounts: number;
      requests: number;
      tokens: number;
      limited: number;
      first: Date | null;
      last: Date | null;
      spellings: string[] | null;
    }[]
  >`
    SELECT count(DISTINCT "entityId")::int AS accounts, coalesce(sum(requests), 0)::float8 AS requests,
           coalesce(sum(tokens), 0)::float8 AS tokens, coalesce(sum("rateLimited"), 0)::float8 AS limited,
           min("firstSeen") AS first, max("lastSeen") AS last, (${accountSpellingsSql(viewer, accountIds)}) AS spellings
    FROM "EntityUsage"
    WHERE "entityId" = ANY(${accountIds}::uuid[]) AND "importId" = ANY(${viewer.importIds}::uuid[])`;
  const spellings = usage?.spellings ?? [];
  const [attributes] = await db.$queryRaw<{ keys: number; orgs: string[] | null }[]>`
    SELECT count(DISTINCT value) FILTER (WHERE kind = 'API_KEY')::int AS keys,
           (array_agg(DISTINCT ${Prisma.raw(usageValueSql("ORG_ID", "value"))}) FILTER (WHERE kind = 'PROJECT'))[1:50] AS orgs
    FROM "UsageAttribute"
    WHERE "caseId" = ${viewer.caseId}::uuid AND "importId" = ANY(${viewer.importIds}::uuid[]) AND "accountId" = ANY(${spellings})
      AND kind IN ('API_KEY', 'PROJECT')`;
  return {
    accounts: accountIds.length,
    keys: attributes?.keys ?? 0,
    requests: Number(usage?.requests ?? 0),
    tokens: Number(usage?.tokens ?? 0),
    rateLimited: Number(usage?.limited ?? 0),
    firstSeen: usage?.first ?? null,
    lastSeen: usage?.last ?? null,
    orgIds: (attributes?.orgs ?? []).sort(),
  };
}

/** The graph view's payload for a set of nodes: those entities and the links among them. */
export async function graphPayload(
  viewer: TLinkageViewer,
  nodes: string[],
  minConfidence: number,
  extra: { bridges?: string[]; seed: number },
): Promise<TGraphPayload> {
  const build = await buildGraph(viewer, minConfidence, nodes);
  const inSet = new Set(nodes.filter((n) => build.graph.hasNode(n)));
  const bridges = new Set(extra.bridges ?? []);
  const edges: TGraphPayload["edges"] = [];
  build.graph.forEachEdge((id, attrs, s, t) => {
    if (!inSet.has(s) || !inSet.has(t)) return;
    const link = attrs as unknown as TLinkEdge;
    edges.push({ id, source: s, target: t, kind: link.kind, confidence: link.confidence, provenance: link.provenance });
  });
  return {
    seed: extra.seed,
    nodes: [...inSet].map((id) => ({
      id,
      kind: build.kinds.get(id)!,
      label: build.values.get(id)!,
      ...(bridges.has(id) ? { bridge: true } : {}),
    })),
    edges,
  };
}

/** An entity and what it touches directly (the graph view's neighbourhood and "expand"). */
export async function neighbourhood(
  viewer: TLinkageViewer,
  entityId: string,
  minConfidence: number,
): Promise<string[]> {
  const build = await buildGraph(viewer, minConfidence);
  const root = build.roots.get(entityId) ?? entityId;
  if (!build.graph.hasNode(root)) return [root];
  return [root, ...build.graph.neighbors(root)];
}

export type THop = { from: string; to: string; link: TLinkEdge };

/**
 * The shortest path between two entities (links weighted by doubt: 101 − confidence), each hop
 * with the strongest link between its two ends. Null when they are not connected.
 */
export async function shortestPath(
  viewer: TLinkageViewer,
  fromId: string,
  toId: string,
  minConfidence: number,
): Promise<{ nodes: string[]; hops: THop[] } | null> {
  const { graph, roots } = await buildGraph(viewer, minConfidence);
  const [a, b] = [roots.get(fromId) ?? fromId, roots.get(toId) ?? toId];
  if (!graph.hasNode(a) || !graph.hasNode(b)) return null;
  if (a === b) return { nodes: [a], hops: [] };
  const nodes = bidirectional(graph, a, b, "weight");
  if (!nodes?.length) return null;
  const hops = nodes.slice(1).map((to, i) => {
    const from = nodes[i]!;
    const best = graph
      .edges(from, to)
      .map((e) => graph.getEdgeAttributes(e) as unknown as TLinkEdge)
      .sort((x, y) => y.confidence - x.confidence || x.id.localeCompare(y.id))[0]!;
    return { from, to, link: best };
  });
  return { nodes, hops };
}
