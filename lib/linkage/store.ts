import "server-only";
import { analyzeLoaded, getDb, onEmbeddedDatabase, Prisma } from "@/lib/db";
import type { TEntityKind } from "@/lib/linkage/graph-types";
import { normaliseEntity, usageValueSql } from "@/lib/linkage/normalise";
import { proposeLinks } from "@/lib/linkage/rules";
import { ZLinkageSettings, type TLinkageSettings } from "@/lib/linkage/settings";
import { CLUSTER_USAGE_TABLES, rewriteClusterUsage } from "@/lib/linkage/cluster-usage";
import { loadClusters, refreshFloorClusterRun } from "@/lib/linkage/graph";
import { linkageViewer, sharedAddressesSql } from "@/lib/linkage/visibility";
import { refreshSignals } from "@/lib/usage/signal-store";

// What usage imports give the linkage: entities (with a mention per import, so each exists
// exactly where its import is seen) and, per organisation, the rules' proposals.

export async function linkageSettings(
  caseId: string,
  db: Pick<Prisma.TransactionClient, "linkageSettings"> = getDb(),
): Promise<TLinkageSettings> {
  const row = await db.linkageSettings.findUnique({ where: { caseId }, select: { settings: true } });
  return ZLinkageSettings.parse(row?.settings ?? {});
}

/**
 * Entities for the case's loaded usage imports: every account, key, organisation id, payment
 * instrument and device, and every address more than one account used (sharedAddressesSql), in
 * any of them: stored once for every organisation, each reader sees those its own imports share
 * (entityVisibleSql). Idempotent: run after each load.
 */
export async function materialiseUsageEntities(caseId: string): Promise<void> {
  const norm = (kind: TEntityKind, expr: string) => Prisma.raw(usageValueSql(kind, expr));
  // visibility: every organisation's loaded imports, by design: each mention keeps its import,
  // and the readers (entityVisibleSql) see a mention only where they see its import.
  const values = Prisma.sql`
    WITH loaded AS (
      SELECT j.id, ev."orgId" FROM "ImportJob" j JOIN "Evidence" ev ON ev.id = j."evidenceId"
      WHERE j."caseId" = ${caseId}::uuid AND j.kind = 'USAGE' AND j.status = 'COMMITTED'),
    shared_ips AS (${sharedAddressesSql(caseId, Prisma.sql`ARRAY(SELECT id FROM loaded)`)}),
    vals AS (
      SELECT h."importId", 'ACCOUNT'::"EntityKind" AS kind, ${norm("ACCOUNT", 'h."accountId"')} AS value, min(h."accountId") AS display
      FROM "UsageDaily" h WHERE h."caseId" = ${caseId}::uuid AND h."importId" IN (SELECT id FROM loaded) AND btrim(h."accountId") <> ''
      GROUP BY 1, 2, 3
      UNION ALL
      SELECT a."importId",
             (CASE a.kind WHEN 'PROJECT' THEN 'ORG_ID' ELSE a.kind::text END)::"EntityKind",
             CASE WHEN a.kind IN ('API_KEY', 'IP') THEN ${norm("IP", "a.value")} ELSE ${norm("ORG_ID", "a.value")} END,
             min(a.value)
      FROM "UsageAttribute" a WHERE a."caseId" = ${caseId}::uuid AND a."importId" IN (SELECT id FROM loaded)
        AND a.kind IN ('API_KEY', 'PROJECT', 'PAYMENT', 'DEVICE', 'IP') AND btrim(a.value) <> ''
        AND (a.kind <> 'IP' OR a.value IN (SELECT value FROM shared_ips))
      GROUP BY 1, 2, 3)`;
  const db = getDb();
  await db.$transaction(
    async (tx) => {
      // Mentions of an import that is gone (deleted, or never loaded) go with it.
      for (const table of ["EntityMention", "EntityUsage"])
        await tx.$executeRawUnsafe(
          `DELETE FROM "${table}" m WHERE m."caseId" = $1::uuid AND m."importId" IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM "ImportJob" j WHERE j.id = m."importId" AND j.status = 'COMMITTED')`,
          caseId,
        );
      // The values once, for both inserts below (each read them afresh before: twice the
      // grouping of the rollups); the table goes with the transaction.
      await tx.$executeRaw`
        CREATE TEMP TABLE usage_entity_values ON COMMIT DROP AS
        ${values}
        SELECT v."importId", l."orgId", v.kind, v.value, v.display FROM vals v JOIN loaded l ON l.id = v."importId"`;
      await tx.$executeRaw`
        INSERT INTO "Entity" (id, "caseId", kind, value)
        SELECT gen_random_uuid(), ${caseId}::uuid, kind, value FROM usage_entity_values GROUP BY kind, value
        ON CONFLICT ("caseId", kind, value) DO NOTHING`;
      await tx.$executeRaw`
        INSERT INTO "EntityMention" (id, "entityId", "caseId", "importId", "orgId", display)
        SELECT gen_random_uuid(), e.id, ${caseId}::uuid, v."importId", v."orgId", v.display
        FROM usage_entity_values v
        JOIN "Entity" e ON e."caseId" = ${caseId}::uuid AND e.kind = v.kind AND e.value = v.value
        ON CONFLICT ("entityId", "importId") DO NOTHING`;
      // Each account's usage per import, once per import (an import's rows never change). Whole
      // imports' totals: read from the daily rollup, a twentieth of the hourly one's rows.
      await tx.$executeRawUnsafe(
        `INSERT INTO "EntityUsage" ("entityId", "importId", "caseId", requests, tokens, "rateLimited", "firstSeen", "lastSeen", spellings)
         SELECT e.id, h."importId", $1::uuid, sum(h.requests), sum(h."inputTokens" + h."outputTokens"), sum(h."rateLimited"),
                min(h."firstHour"), max(h."lastHour") + interval '1 hour', array_agg(DISTINCT h."accountId")
         FROM "UsageDaily" h
         JOIN "Entity" e ON e."caseId" = $1::uuid AND e.kind = 'ACCOUNT' AND e.value = ${usageValueSql("ACCOUNT", 'h."accountId"')}
         WHERE h."caseId" = $1::uuid AND btrim(h."accountId") <> '' AND h."importId" IN (
           SELECT j.id FROM "ImportJob" j WHERE j."caseId" = $1::uuid AND j.kind = 'USAGE' AND j.status = 'COMMITTED'
             AND NOT EXISTS (SELECT 1 FROM "EntityUsage" u WHERE u."caseId" = $1::uuid AND u."importId" = j.id))
         GROUP BY e.id, h."importId"
         ON CONFLICT ("entityId", "importId") DO NOTHING`,
        caseId,
      );
      // Read on `tx`: the embedded database serves one connection at a time, so a read on
      // another would wait for this transaction forever.
      await rewriteClusterUsage(tx, caseId, (await linkageSettings(caseId, tx)).clusterMinConfidence);
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
}

/**
 * Runs the rules for each organisation of the case over what it may see, and replaces its
 * proposals. A pair the organisation already decided (accepted or rejected) is not proposed again.
 */
export async function refreshProposals(caseId: string): Promise<void> {
  const settings = await linkageSettings(caseId);
  const orgIds = await caseOrgIds(caseId);
  // Each organisation's proposals read at once (each on a connection of its own), then written
  // at once, each in its own transaction: their rows are apart (viewerOrgId), and the commits'
  // flushes of the log overlap.
  const proposed = await Promise.all(
    orgIds.map(async (orgId) => proposeLinks(await linkageViewer(orgId, caseId), settings)),
  );
  await Promise.all(orgIds.map((orgId, i) => writeProposals(caseId, orgId, proposed[i]!)));
}

/** One organisation's proposals in place of those it had, in one transaction. */
async function writeProposals(caseId: string, orgId: string, proposals: Awaited<ReturnType<typeof proposeLinks>>) {
  await getDb().$transaction(
    async (tx) => {
      const decided = await tx.linkDecision.findMany({
        where: { caseId, orgId },
        select: { rule: true, pairKey: true },
      });
      // Not yet decided, one row per rule and pair (the table's key), the first proposal kept.
      const taken = new Set(decided.map((d) => `${d.rule}\0${d.pairKey}`));
      const fresh = proposals.filter((p) => {
        const key = `${p.rule}\0${p.pairKey}`;
        return !taken.has(key) && Boolean(taken.add(key));
      });
      // A pair proposed before keeps its row and id (someone may be reviewing it) and is
      // brought up to date in place; only what is no longer proposed goes. Stable ids also keep
      // another organisation's work (an owner-only import loaded) from showing here as new ids.
      await tx.$executeRaw`
          DELETE FROM "LinkProposal" lp
          WHERE lp."caseId" = ${caseId}::uuid AND lp."viewerOrgId" = ${orgId}::uuid
            AND NOT EXISTS (
              SELECT 1 FROM unnest(${fresh.map((p) => p.rule)}::text[], ${fresh.map((p) => p.pairKey)}::text[]) AS f(rule, k)
              WHERE f.rule = lp.rule AND f.k = lp."pairKey")`;
      // One statement per 20,000: a large case proposes hundreds of thousands.
      for (let i = 0; i < fresh.length; i += 20_000) {
        const batch = fresh.slice(i, i + 20_000);
        await tx.$executeRaw`
            INSERT INTO "LinkProposal" (id, "caseId", "viewerOrgId", rule, kind, "fromId", "toId", "pairKey", confidence,
              params, contributions, rationale, "firstSeen", "lastSeen", support, "supportRows")
            SELECT gen_random_uuid(), ${caseId}::uuid, ${orgId}::uuid, x.rule, x.kind::"LinkKind", x.f::uuid, x.t::uuid, x.k,
                   x.c, x.p::jsonb, x.cn::jsonb, x.r, x.fs, x.ls, x.s::jsonb, x.sr
            FROM unnest(${batch.map((p) => p.rule)}::text[], ${batch.map((p) => p.kind)}::text[],
                        ${batch.map((p) => p.fromId)}::text[], ${batch.map((p) => p.toId)}::text[],
                        ${batch.map((p) => p.pairKey)}::text[], ${batch.map((p) => p.confidence)}::int[],
                        ${batch.map((p) => JSON.stringify(p.params))}::text[],
                        ${batch.map((p) => JSON.stringify(p.contributions))}::text[],
                        ${batch.map((p) => p.rationale)}::text[], ${batch.map((p) => p.firstSeen)}::timestamp[],
                        ${batch.map((p) => p.lastSeen)}::timestamp[], ${batch.map((p) => JSON.stringify(p.support))}::text[],
                        ${batch.map((p) => Math.round(p.supportRows))}::bigint[])
              AS x(rule, kind, f, t, k, c, p, cn, r, fs, ls, s, sr)
            ON CONFLICT ("caseId", "viewerOrgId", rule, "pairKey") DO UPDATE SET
              kind = EXCLUDED.kind, "fromId" = EXCLUDED."fromId", "toId" = EXCLUDED."toId",
              confidence = EXCLUDED.confidence, params = EXCLUDED.params, contributions = EXCLUDED.contributions,
              rationale = EXCLUDED.rationale, "firstSeen" = EXCLUDED."firstSeen", "lastSeen" = EXCLUDED."lastSeen",
              support = EXCLUDED.support, "supportRows" = EXCLUDED."supportRows", "computedAt" = EXCLUDED."computedAt"`;
      }
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
}

/** The case's organisations: the owner and those it is shared with. */
async function caseOrgIds(caseId: string): Promise<string[]> {
  const kase = await getDb().case.findUnique({
    where: { id: caseId },
    select: { ownerOrgId: true, sharedWith: { select: { orgId: true } } },
  });
  return kase ? [kase.ownerOrgId, ...kase.sharedWith.map((s) => s.orgId)] : [];
}

/**
 * For each organisation, the accounts its accepted links cluster (at the case's floor), as the
 * spellings they have in the imports it sees: the usage signals tie accounts by these too.
 */
export async function linkedAccountGroups(caseId: string): Promise<Map<string, string[][]>> {
  const settings = await linkageSettings(caseId);
  const out = new Map<string, string[][]>();
  for (const orgId of await caseOrgIds(caseId)) {
    const viewer = await linkageViewer(orgId, caseId);
    const { clusters } = await loadClusters(viewer, settings, settings.clusterMinConfidence);
    if (!clusters.length) continue;
    const usage = await getDb().entityUsage.findMany({
      where: { entityId: { in: clusters.flatMap((c) => c.nodes) }, importId: { in: viewer.importIds } },
      select: { entityId: true, spellings: true },
    });
    const spellings = new Map<string, string[]>();
    for (const u of usage) spellings.set(u.entityId, [...(spellings.get(u.entityId) ?? []), ...u.spellings]);
    out.set(
      orgId,
      clusters.map((c) => [...new Set(c.nodes.flatMap((n) => spellings.get(n) ?? []))]),
    );
  }
  return out;
}

/**
 * Everything the case's usage imports feed, computed again after a load, a deletion or a change
 * of settings: the signals, then the entities, then the proposals (which read the signals).
 */
export async function refreshUsageAnalysis(caseId: string): Promise<void> {
  const linked = await linkedAccountGroups(caseId);
  const signals = () => refreshSignals(caseId, linked);
  const entities = async () => {
    await materialiseUsageEntities(caseId);
    await analyzeLoaded(["Entity", "EntityMention", "EntityUsage", ...CLUSTER_USAGE_TABLES]);
  };
  // The signals read the rollups and write their own table, the entities the same apart: on a
  // database server, side by side (each on a connection, and a core, of its own); one after the
  // other on the embedded one, which serves one connection at a time.
  if (await onEmbeddedDatabase(getDb())) for (const step of [signals, entities]) await step();
  else await Promise.all([signals(), entities()]);
  await refreshProposals(caseId);
  await analyzeLoaded(["LinkProposal"]);
}

/** Ties an event to the account entities it is about (a usage signal turned into an event). */
export async function linkEventToAccounts(
  caseId: string,
  eventId: string,
  accounts: string[],
  createdById: string,
): Promise<void> {
  const values = accounts.flatMap((a) => {
    const n = normaliseEntity("ACCOUNT", a, (secret) => secret);
    return "value" in n ? [n.value] : [];
  });
  const entities = await getDb().entity.findMany({
    where: { caseId, kind: "ACCOUNT", value: { in: values } },
    select: { id: true },
  });
  await getDb().timelineEventEntity.createMany({
    data: entities.map((e) => ({ eventId, entityId: e.id, createdById })),
    skipDuplicates: true,
  });
}

/**
 * Brings the organisation's stored cluster runs at each case's floor, and their usage rollups,
 * up to date for the cases that have links, so readers in SQL (the summary) see the clusters the
 * linkage pages would show. A run whose links did not change is left as it is.
 */
export async function refreshClusterRuns(orgId: string, caseIds: string[]): Promise<void> {
  if (!caseIds.length) return;
  const linked = await getDb().$queryRaw<{ caseId: string }[]>`
    SELECT DISTINCT "caseId" FROM "EntityLink" WHERE "caseId" = ANY(${caseIds}::uuid[])`;
  for (const { caseId } of linked) {
    await refreshFloorClusterRun(await linkageViewer(orgId, caseId), await linkageSettings(caseId));
  }
}
