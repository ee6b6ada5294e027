import "server-only";
import type { Prisma } from "@/lib/db";
import type { TClusterResult } from "@/lib/linkage/graph";
import { linkageViewer, type TLinkageViewer } from "@/lib/linkage/visibility";

// The usage of a cluster run's accounts, rolled up when the run is stored: per cluster and day
// (ClusterUsageDaily) and per account with its active days (ClusterAccount). The run is only
// recomputed when what it rests on changes (its links stamp covers the links, merges, the
// imports the viewer sees and the settings), and imports do not change once committed, so the
// rollup is as fresh as the run it was written with, but for the accounts' usage, which is
// written after a load (materialiseUsageEntities rewrites the rollups then). The summary reads it instead of looking up
// each linked account's spellings in UsageDaily (issue 13: 10,000 accounts, ~170,000 lookups).

type Tx = Prisma.TransactionClient;

/** Analysed after each write (analyzeLoaded): the summary's plans rest on their row counts. */
export const CLUSTER_USAGE_TABLES = ["ClusterUsageDaily", "ClusterAccount"] as const;

/** Held while a run and its rollup are written: one writer per case and organisation. */
export async function lockClusterRun(tx: Tx, caseId: string, viewerOrgId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`cluster-run:${caseId}:${viewerOrgId}`}, 0))`;
}

/**
 * Writes the rollup again for each organisation's stored run of the case at its floor, from the
 * run as stored: after the case's account usage changed (a load, a deleted import).
 */
export async function rewriteClusterUsage(tx: Tx, caseId: string, floor: number): Promise<void> {
  const runs = await tx.clusterRun.findMany({ where: { caseId, minConfidence: floor }, select: { viewerOrgId: true } });
  for (const { viewerOrgId } of runs) {
    await lockClusterRun(tx, caseId, viewerOrgId);
    const run = await tx.clusterRun.findUniqueOrThrow({
      where: { caseId_viewerOrgId_minConfidence: { caseId, viewerOrgId, minConfidence: floor } },
      select: { result: true },
    });
    // Read on `tx`: the embedded database serves one connection at a time.
    const viewer = await linkageViewer(viewerOrgId, caseId, tx);
    await writeClusterUsage(tx, viewer, run.result as unknown as TClusterResult);
  }
}

/** Replaces the viewer's rollup for the case with that of `result` (in the run's transaction). */
export async function writeClusterUsage(tx: Tx, viewer: TLinkageViewer, result: TClusterResult): Promise<void> {
  const clusterOf: number[] = [];
  const entityIds: string[] = [];
  result.clusters.forEach((c, i) => {
    for (const node of c.nodes) {
      clusterOf.push(i + 1);
      entityIds.push(node);
    }
  });
  await tx.$executeRaw`DELETE FROM "ClusterUsageDaily" WHERE "viewerOrgId" = ${viewer.orgId}::uuid AND "caseId" = ${viewer.caseId}::uuid`;
  await tx.$executeRaw`DELETE FROM "ClusterAccount" WHERE "viewerOrgId" = ${viewer.orgId}::uuid AND "caseId" = ${viewer.caseId}::uuid`;
  if (!entityIds.length) return;
  // Each import spells an account its own way (EntityUsage.spellings); UsageDaily is keyed by
  // the spelling. `daily` is read once by both inserts.
  await tx.$executeRaw`
    WITH nodes AS (
      SELECT * FROM unnest(${clusterOf}::int[], ${entityIds}::uuid[]) AS n(cluster, "entityId")),
    acc AS (
      SELECT DISTINCT nodes.cluster, nodes."entityId", eu."importId", sp AS spelling
      FROM nodes JOIN "EntityUsage" eu ON eu."entityId" = nodes."entityId"
        AND eu."importId" = ANY(${viewer.importIds}::uuid[])
      CROSS JOIN LATERAL unnest(eu.spellings) sp),
    daily AS MATERIALIZED (
      SELECT acc.cluster, acc."entityId", d.day, sum(d.requests) AS requests,
             sum(d."inputTokens" + d."outputTokens") AS tokens
      FROM acc JOIN "UsageDaily" d ON d."caseId" = ${viewer.caseId}::uuid AND d."importId" = acc."importId"
        AND d."accountId" = acc.spelling
      GROUP BY 1, 2, 3),
    accounts AS (
      INSERT INTO "ClusterAccount" ("caseId", "viewerOrgId", cluster, "entityId", "activeDays")
      SELECT ${viewer.caseId}::uuid, ${viewer.orgId}::uuid, cluster, "entityId",
             range_agg(daterange(day::date, day::date + 1))
      FROM daily GROUP BY cluster, "entityId")
    INSERT INTO "ClusterUsageDaily" ("caseId", "viewerOrgId", cluster, day, requests, tokens)
    SELECT ${viewer.caseId}::uuid, ${viewer.orgId}::uuid, cluster, day, sum(requests)::bigint, sum(tokens)::bigint
    FROM daily GROUP BY cluster, day`;
}
