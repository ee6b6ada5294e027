import "server-only";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import type { TSummaryFilters } from "@/lib/summary/schemas";
import { EXTRACTION_RULES, clusterDailyCte, scopedCasesCte, type TWindow } from "@/lib/summary/sql";

// The summary's four charts, each aggregated in SQL into at most a few hundred points; the
// components only draw them (components/charts/summary-charts.tsx).

/** One point per bucket start (ISO day), with a number per series key. */
export type TChartPoint = { t: string } & Record<string, number | string>;
export type TChart = { keys: string[]; points: TChartPoint[] };
export type TSummaryCharts = {
  /** Cases in each status at the end of each bucket. */
  statusOverTime: TChart;
  /** Tokens attributed to the top linked clusters per bucket ("<case number> cluster n"), the rest as Other. */
  clusterTokens: TChart;
  /** Evasion and extraction signals per week (by the week their activity starts). */
  signalsPerWeek: TChart;
  /** Cases by severity (rows) and status (keys), now. */
  matrix: { severity: string; counts: Record<string, number> }[];
};

export const STATUSES = ["OPEN", "ACTIVE", "ON_HOLD", "CLOSED"];
export const SEVERITY_ORDER = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];
const TOP_CLUSTERS = 6;

/** Pivots (t, key, n) rows into chart points over every bucket of the period, zeros included. */
function pivot(rows: { t: Date; key: string; n: number }[], keys: string[], w: TWindow, stepDays: number): TChart {
  const points: TChartPoint[] = [];
  for (let t = w.from.getTime(); t < w.to.getTime(); t += stepDays * 86_400_000) {
    const point: TChartPoint = { t: new Date(t).toISOString().slice(0, 10) };
    for (const k of keys) point[k] = 0;
    points.push(point);
  }
  const index = new Map(points.map((p, i) => [p.t, i]));
  for (const r of rows) {
    const p = points[index.get(r.t.toISOString().slice(0, 10)) ?? -1];
    if (p) p[r.key] = Number(p[r.key] ?? 0) + Number(r.n);
  }
  return { keys, points };
}

export async function summaryCharts(actor: TActor, f: TSummaryFilters, w: TWindow): Promise<TSummaryCharts> {
  const db = getDb();
  const sc = scopedCasesCte(actor, f);
  const step = `${w.bucketDays} days`;
  const [status, clusters, signals, matrix] = await Promise.all([
    db.$queryRaw<{ t: Date; key: string; n: number }[]>`
      WITH ${sc}
      SELECT b.t, s.status::text AS key, count(*)::int AS n
      FROM generate_series(${w.from}::timestamp, ${w.to}::timestamp - ${step}::interval, ${step}::interval) b(t)
      CROSS JOIN sc
      CROSS JOIN LATERAL (SELECT x.status FROM "CaseStatusChange" x WHERE x."caseId" = sc.id
        AND x."changedAt" < b.t + ${step}::interval ORDER BY x."changedAt" DESC LIMIT 1) s
      GROUP BY 1, 2`,
    db.$queryRaw<{ t: Date; key: string; n: number }[]>`
      WITH ${sc}, ${clusterDailyCte(actor, w)},
      cur AS (SELECT * FROM daily WHERE day >= ${w.from}),
      -- The top clusters by their tokens in the period: a few rows, joined back by hash.
      top AS MATERIALIZED (
        SELECT "caseId", n, row_number() OVER (ORDER BY sum(tokens) DESC, "caseId", n) AS rk
        FROM cur GROUP BY 1, 2 ORDER BY rk LIMIT ${TOP_CLUSTERS})
      SELECT date_bin(${step}::interval, c.day, ${w.from}::timestamp) AS t,
             CASE WHEN top.rk IS NULL THEN 'Other' ELSE sc.number || ' cluster ' || c.n END AS key,
             sum(c.tokens)::float8 AS n
      FROM cur c JOIN sc ON sc.id = c."caseId" LEFT JOIN top ON top."caseId" = c."caseId" AND top.n = c.n
      GROUP BY 1, 2 ORDER BY min(coalesce(top.rk, ${TOP_CLUSTERS + 1}))`,
    db.$queryRaw<{ t: Date; key: string; n: number }[]>`
      WITH ${sc}
      SELECT date_bin('7 days'::interval, u."periodStart", ${w.from}::timestamp) AS t,
             CASE WHEN split_part(u.rule, '@', 1) = ANY(${EXTRACTION_RULES}) THEN 'Extraction' ELSE 'Evasion' END AS key,
             count(*)::int AS n
      FROM "UsageSignal" u JOIN sc ON sc.id = u."caseId"
      WHERE u."viewerOrgId" = ${actor.orgId}::uuid AND u."periodStart" >= ${w.from} AND u."periodStart" < ${w.to}
      GROUP BY 1, 2`,
    db.$queryRaw<{ severity: string; status: string; n: number }[]>`
      WITH ${sc} SELECT severity, status, count(*)::int AS n FROM sc GROUP BY 1, 2`,
  ]);
  const clusterKeys = [...new Set(clusters.map((r) => r.key))].sort((a, b) =>
    a === "Other" ? 1 : b === "Other" ? -1 : 0,
  );
  return {
    statusOverTime: pivot(status, STATUSES, w, w.bucketDays),
    clusterTokens: pivot(clusters, clusterKeys, w, w.bucketDays),
    signalsPerWeek: pivot(signals, ["Evasion", "Extraction"], w, 7),
    matrix: SEVERITY_ORDER.map((severity) => ({
      severity,
      counts: Object.fromEntries(
        STATUSES.map((s) => [s, matrix.find((m) => m.severity === severity && m.status === s)?.n ?? 0]),
      ),
    })),
  };
}
