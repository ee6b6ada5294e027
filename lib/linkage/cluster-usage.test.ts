import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { clusterTotals, loadClusters } from "@/lib/linkage/graph";
import { acceptProposalsAbove } from "@/lib/linkage/mutations";
import { linkageSettings, refreshClusterRuns } from "@/lib/linkage/store";
import { linkageViewer } from "@/lib/linkage/visibility";
import { createJointCase } from "@/tests/helpers/factories";
import { GATEWAY_HEADER, syntheticLinkageLog } from "@/tests/helpers/linkage-data";
import { importUsageFile } from "@/tests/helpers/usage-import";

// The cluster usage rollup the summary reads, against the clusters' totals worked out another
// way (EntityUsage, per account and import): after a run, after another load that changes no
// link, after an owner-only load the partner must not see, and with two writers at once.

const OPTIONS = { accounts: 120, clusters: 4, clusterSize: 5, rowsPerAccount: 8, hours: 96, seed: 11 };

function csv(seed: number) {
  const data = syntheticLinkageLog({ ...OPTIONS, seed });
  return Buffer.from(`${GATEWAY_HEADER}\n${[...data.lines()].join("\n")}\n`);
}

/** Per cluster: the rollup's tokens, requests and accounts, and the same from EntityUsage. */
async function compare(orgId: string, caseId: string) {
  const viewer = await linkageViewer(orgId, caseId);
  const settings = await linkageSettings(caseId);
  const { clusters } = await loadClusters(viewer, settings, settings.clusterMinConfidence);
  const db = getDb();
  const rolled = await db.$queryRaw<{ cluster: number; requests: number; tokens: number }[]>`
    SELECT cluster, sum(requests)::float8 AS requests, sum(tokens)::float8 AS tokens FROM "ClusterUsageDaily"
    WHERE "viewerOrgId" = ${orgId}::uuid AND "caseId" = ${caseId}::uuid GROUP BY 1 ORDER BY 1`;
  const accounts = await db.$queryRaw<{ cluster: number; n: number }[]>`
    SELECT cluster, count(*)::int AS n FROM "ClusterAccount"
    WHERE "viewerOrgId" = ${orgId}::uuid AND "caseId" = ${caseId}::uuid GROUP BY 1 ORDER BY 1`;
  const expected = await Promise.all(clusters.map((c) => clusterTotals(viewer, c.nodes)));
  return {
    rollup: rolled.map((r, i) => ({
      cluster: r.cluster,
      requests: r.requests,
      tokens: r.tokens,
      accounts: accounts[i]?.n,
    })),
    expected: expected.map((t, i) => ({
      cluster: i + 1,
      requests: t.requests,
      tokens: t.tokens,
      accounts: clusters[i]!.accounts,
    })),
  };
}

describe("cluster usage rollup", () => {
  it("holds each cluster's usage as the organisation sees it, through later loads and two writers", async () => {
    const w = await createJointCase();
    await importUsageFile(w.lead, w.caseId, csv(11));
    const { accepted } = await acceptProposalsAbove(w.lead, w.caseId, { minConfidence: 50 });
    expect(accepted).toBeGreaterThan(0);
    await refreshClusterRuns(w.ownerOrg.id, [w.caseId]);
    await refreshClusterRuns(w.partnerOrg.id, [w.caseId]);

    const first = await compare(w.ownerOrg.id, w.caseId);
    expect(first.rollup.length).toBe(OPTIONS.clusters);
    expect(first.rollup).toEqual(first.expected);
    expect((await compare(w.partnerOrg.id, w.caseId)).rollup).toEqual(first.rollup);

    // Another shared load of the same accounts: no link changes, so the runs are not computed
    // again, but the rollup follows the new usage.
    await importUsageFile(w.lead, w.caseId, csv(12), { fileName: "gateway-2.csv" });
    const second = await compare(w.ownerOrg.id, w.caseId);
    expect(second.rollup).toEqual(second.expected);
    const total = (r: { tokens: number }[]) => r.reduce((t, c) => t + c.tokens, 0);
    expect(total(second.rollup)).toBeGreaterThan(total(first.rollup));

    // An owner-only load counts for the owner's rollup only.
    await importUsageFile(w.lead, w.caseId, csv(13), { fileName: "owner.csv", visibility: "OWNER_ORG_ONLY" });
    await refreshClusterRuns(w.ownerOrg.id, [w.caseId]);
    await refreshClusterRuns(w.partnerOrg.id, [w.caseId]);
    const owner = await compare(w.ownerOrg.id, w.caseId);
    const partner = await compare(w.partnerOrg.id, w.caseId);
    expect(owner.rollup).toEqual(owner.expected);
    expect(partner.rollup).toEqual(partner.expected);
    expect(total(partner.rollup)).toBe(total(second.rollup));
    expect(total(owner.rollup)).toBeGreaterThan(total(partner.rollup));

    // Two readers find the run missing at once: one run, one rollup, no duplicate rows.
    await getDb().clusterRun.deleteMany({ where: { caseId: w.caseId } });
    await Promise.all([refreshClusterRuns(w.ownerOrg.id, [w.caseId]), refreshClusterRuns(w.ownerOrg.id, [w.caseId])]);
    expect((await compare(w.ownerOrg.id, w.caseId)).rollup).toEqual(owner.rollup);
  }, 120_000);
});
