import "server-only";
import { getDb } from "@/lib/db";
import { can, canViewSummary, effectiveCaseRole } from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import { NotFoundError } from "@/lib/errors";
import { refreshClusterRuns } from "@/lib/linkage/store";
import { enforcementCounts } from "@/lib/summary/read";
import { restrictedCasesSql } from "@/lib/summary/scope";
import { parseSummaryFilters, periodBounds, type TSummaryFilters } from "@/lib/summary/schemas";
import {
  EXTRACTION_RULES,
  caseFiltersSql,
  clusterAccountsSql,
  clusterDailyCte,
  scopedCasesCte,
  type TWindow,
} from "@/lib/summary/sql";
import { summaryCharts, type TSummaryCharts } from "@/lib/summary/charts";

// The portfolio summary: KPIs with their value in the period before, per-case figures and the
// charts, over the cases whose figures the actor may see (summaryCasesSql), as one organisation
// sees them (its usage imports, its clusters, its signals, its productions).

export type TKpi = { current: number; previous: number };
export type TSummaryCase = {
  id: string;
  number: string;
  title: string;
  status: string;
  severity: string;
  tlp: string;
  member: boolean;
  signals: number;
  enforcement: number;
  requests: number;
  tokens: number;
};
export type TSummary = {
  filters: TSummaryFilters;
  window: TWindow;
  openBySeverity: Record<string, TKpi>;
  opened: TKpi;
  closed: TKpi;
  linkedAccounts: TKpi;
  linkedClusters: TKpi;
  attributedRequests: TKpi;
  attributedTokens: TKpi;
  evasionSignals: TKpi;
  extractionSignals: TKpi;
  enforcement: TKpi;
  productions: TKpi;
  /** TLP:RED cases of the actor's organisation it is not a member of: counted, never listed. */
  restricted: number;
  cases: TSummaryCase[];
  charts: TSummaryCharts;
};

/** Executives, admins and anyone who leads a case (as their global role lets them hold it). */
export async function requireSummaryAccess(actor: TActor): Promise<void> {
  if (canViewSummary(actor, false)) return;
  const leads = await getDb().caseMember.findMany({
    where: { userId: actor.id, role: "LEAD" },
    select: { case: { select: { ownerOrgId: true, sharedWith: { select: { orgId: true } } } } },
  });
  const leadsACase = leads.some(
    (m) =>
      effectiveCaseRole(actor, {
        memberRole: "LEAD",
        ownerOrgId: m.case.ownerOrgId,
        sharedOrgIds: m.case.sharedWith.map((s) => s.orgId),
      }) === "LEAD",
  );
  if (!canViewSummary(actor, leadsACase)) throw new NotFoundError();
}

const kpi = (current: unknown, previous: unknown): TKpi => ({
  current: Number(current ?? 0),
  previous: Number(previous ?? 0),
});

export async function getSummary(
  actor: TActor,
  params: Record<string, string | string[] | undefined>,
  now = new Date(),
): Promise<TSummary> {
  await requireSummaryAccess(actor);
  const filters = parseSummaryFilters(params);
  const w = periodBounds(filters.period, now);
  const db = getDb();
  const sc = scopedCasesCte(actor, filters);
  // The clusters are read from each case's stored run: bring those runs up to date first.
  const inScope = await db.$queryRaw<{ id: string }[]>`WITH ${sc} SELECT id FROM sc`;
  await refreshClusterRuns(
    actor.orgId,
    inScope.map((c) => c.id),
  );
  const [caseRows, usageRows, accountRows, signalRows, tallies, perCase, restricted, charts, enforcement] =
    await Promise.all([
      db.$queryRaw<Record<string, unknown>[]>`
      WITH ${sc}, st AS (
        SELECT sc.severity, sc."createdAt",
          (SELECT s.status FROM "CaseStatusChange" s WHERE s."caseId" = sc.id AND s."changedAt" < ${w.to} ORDER BY s."changedAt" DESC LIMIT 1) AS now_status,
          (SELECT s.status FROM "CaseStatusChange" s WHERE s."caseId" = sc.id AND s."changedAt" < ${w.from} ORDER BY s."changedAt" DESC LIMIT 1) AS prev_status,
          EXISTS (SELECT 1 FROM "CaseStatusChange" s WHERE s."caseId" = sc.id AND s.status = 'CLOSED' AND s."changedAt" >= ${w.from} AND s."changedAt" < ${w.to}) AS closed_cur,
          EXISTS (SELECT 1 FROM "CaseStatusChange" s WHERE s."caseId" = sc.id AND s.status = 'CLOSED' AND s."changedAt" >= ${w.prevFrom} AND s."changedAt" < ${w.from}) AS closed_prev
        FROM sc)
      SELECT severity,
        count(*) FILTER (WHERE now_status <> 'CLOSED')::int AS open_cur,
        count(*) FILTER (WHERE prev_status <> 'CLOSED')::int AS open_prev,
        count(*) FILTER (WHERE "createdAt" >= ${w.from} AND "createdAt" < ${w.to})::int AS opened_cur,
        count(*) FILTER (WHERE "createdAt" >= ${w.prevFrom} AND "createdAt" < ${w.from})::int AS opened_prev,
        count(*) FILTER (WHERE closed_cur)::int AS closed_cur,
        count(*) FILTER (WHERE closed_prev)::int AS closed_prev
      FROM st GROUP BY severity`,
      db.$queryRaw<{ caseId: string; cur: boolean; clusters: number; requests: number; tokens: number }[]>`
      WITH ${sc}, ${clusterDailyCte(actor, w)},
      per AS (
        SELECT "caseId", day >= ${w.from} AS cur, n, sum(requests) AS requests, sum(tokens) AS tokens
        FROM daily GROUP BY 1, 2, 3)
      SELECT "caseId", cur, count(*)::int AS clusters, sum(requests)::float8 AS requests, sum(tokens)::float8 AS tokens
      FROM per GROUP BY 1, 2`,
      db.$queryRaw<{ caseId: string; cur: number; prev: number }[]>`WITH ${sc} ${clusterAccountsSql(actor, w)}`,
      db.$queryRaw<{ caseId: string; cur: boolean; extraction: boolean; n: number }[]>`
      WITH ${sc}
      SELECT u."caseId", u."periodStart" >= ${w.from} AS cur, split_part(u.rule, '@', 1) = ANY(${EXTRACTION_RULES}) AS extraction, count(*)::int AS n
      FROM "UsageSignal" u JOIN sc ON sc.id = u."caseId"
      WHERE u."viewerOrgId" = ${actor.orgId}::uuid AND u."periodStart" >= ${w.prevFrom} AND u."periodStart" < ${w.to}
      GROUP BY 1, 2, 3`,
      db.$queryRaw<Record<string, unknown>[]>`
      WITH ${sc}
      SELECT
        (SELECT count(*) FROM "Production" p JOIN sc ON sc.id = p."caseId" WHERE p."orgId" = ${actor.orgId}::uuid AND p.status = 'COMPLETE'
           AND p."deletedAt" IS NULL AND p."completedAt" >= ${w.from} AND p."completedAt" < ${w.to})::int AS prod_cur,
        (SELECT count(*) FROM "Production" p JOIN sc ON sc.id = p."caseId" WHERE p."orgId" = ${actor.orgId}::uuid AND p.status = 'COMPLETE'
           AND p."deletedAt" IS NULL AND p."completedAt" >= ${w.prevFrom} AND p."completedAt" < ${w.from})::int AS prod_prev`,
      db.$queryRaw<Omit<TSummaryCase, "signals" | "enforcement" | "requests" | "tokens">[]>`
      WITH ${sc}
      SELECT sc.id, sc.number, sc.title, sc.status, sc.severity, sc.tlp, sc.member
      FROM sc ORDER BY array_position(ARRAY['CRITICAL','HIGH','MEDIUM','LOW'], sc.severity), sc.number DESC`,
      // Investigators never learn of a case they are not on; executives and admins get a count.
      can(actor, "case.list_all")
        ? db.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM "Case" c WHERE ${restrictedCasesSql(actor)} AND ${caseFiltersSql(filters)}`
        : Promise.resolve([{ n: 0 }]),
      summaryCharts(actor, filters, w),
      enforcementCounts(
        actor.orgId,
        inScope.map((c) => c.id),
        w,
      ),
    ]);

  const openBySeverity: Record<string, TKpi> = {};
  const sum = (key: string) => caseRows.reduce((t, r) => t + Number(r[key] ?? 0), 0);
  for (const r of caseRows) openBySeverity[String(r.severity)] = kpi(r.open_cur, r.open_prev);
  const usageSum = (cur: boolean, key: "clusters" | "requests" | "tokens") =>
    usageRows.filter((r) => r.cur === cur).reduce((t, r) => t + Number(r[key]), 0);
  const signalSum = (cur: boolean, extraction: boolean) =>
    signalRows.filter((r) => r.cur === cur && r.extraction === extraction).reduce((t, r) => t + r.n, 0);
  const t = tallies[0] ?? {};
  const cases = perCase.map((c) => {
    const usage = usageRows.filter((r) => r.caseId === c.id && r.cur);
    return {
      ...c,
      signals: signalRows.filter((r) => r.caseId === c.id && r.cur).reduce((n, r) => n + r.n, 0),
      enforcement: enforcement.get(c.id)?.cur ?? 0,
      requests: usage.reduce((n, r) => n + Number(r.requests), 0),
      tokens: usage.reduce((n, r) => n + Number(r.tokens), 0),
    };
  });
  return {
    filters,
    window: w,
    openBySeverity,
    opened: kpi(sum("opened_cur"), sum("opened_prev")),
    closed: kpi(sum("closed_cur"), sum("closed_prev")),
    linkedAccounts: kpi(
      accountRows.reduce((t, r) => t + r.cur, 0),
      accountRows.reduce((t, r) => t + r.prev, 0),
    ),
    linkedClusters: kpi(usageSum(true, "clusters"), usageSum(false, "clusters")),
    attributedRequests: kpi(usageSum(true, "requests"), usageSum(false, "requests")),
    attributedTokens: kpi(usageSum(true, "tokens"), usageSum(false, "tokens")),
    evasionSignals: kpi(signalSum(true, false), signalSum(false, false)),
    extractionSignals: kpi(signalSum(true, true), signalSum(false, true)),
    enforcement: kpi(
      [...enforcement.values()].reduce((n, e) => n + e.cur, 0),
      [...enforcement.values()].reduce((n, e) => n + e.prev, 0),
    ),
    productions: kpi(t.prod_cur, t.prod_prev),
    restricted: restricted[0]?.n ?? 0,
    cases,
    charts,
  };
}
