import "server-only";
import { Prisma } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { caseMemberSql, summaryCasesSql } from "@/lib/summary/scope";
import type { TSummaryFilters } from "@/lib/summary/schemas";

// The building blocks of the summary's statements: the cases in scope with the filters, and
// the linked clusters' usage. Every figure is SQL over the
// rollups (ClusterUsageDaily, ClusterAccount, UsageSignal) and the case tables; the app adds up at most a
// row per case.

export type TWindow = { from: Date; to: Date; prevFrom: Date; bucketDays: number };

/** Signals that count as extraction; every other rule is about evading limits. */
export const EXTRACTION_RULES = ["extraction_shaped", "volume_spike", "fast_model_switching"];

/** `sc`: the cases whose figures the actor may see, filtered by organisation and severity. */
export function scopedCasesCte(actor: TActor, f: TSummaryFilters): Prisma.Sql {
  return Prisma.sql`sc AS (
    SELECT c.id, c.number, c.title, c.status::text AS status, c.severity::text AS severity, c.tlp::text AS tlp,
           c."createdAt", ${caseMemberSql(actor)} AS member
    FROM "Case" c WHERE ${summaryCasesSql(actor)} AND ${caseFiltersSql(f)})`;
}

export function caseFiltersSql(f: TSummaryFilters, c = "c"): Prisma.Sql {
  const a = Prisma.raw(`"${c}"`);
  const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (f.severity) parts.push(Prisma.sql`${a}.severity = ${f.severity}::"Severity"`);
  if (f.orgId)
    parts.push(Prisma.sql`(${a}."ownerOrgId" = ${f.orgId}::uuid OR EXISTS (
      SELECT 1 FROM "CaseOrganization" fo WHERE fo."caseId" = ${a}.id AND fo."orgId" = ${f.orgId}::uuid))`);
  return Prisma.join(parts, " AND ");
}

/**
 * `daily`: each linked cluster's requests and tokens per day over both periods, from the rollup
 * of the viewer organisation's run at the case's floor (lib/linkage/cluster-usage.ts). Needs `sc`.
 */
export function clusterDailyCte(actor: TActor, w: TWindow): Prisma.Sql {
  return Prisma.sql`daily AS (
    SELECT d."caseId", d.cluster AS n, d.day, d.requests::float8 AS requests, d.tokens::float8 AS tokens
    FROM "ClusterUsageDaily" d JOIN sc ON sc.id = d."caseId"
    WHERE d."viewerOrgId" = ${actor.orgId}::uuid AND d.day >= ${w.prevFrom} AND d.day < ${w.to})`;
}

/** The linked clusters' accounts active in each period, per case in `sc`. */
export function clusterAccountsSql(actor: TActor, w: TWindow): Prisma.Sql {
  // The bounds are UTC midnights (periodBounds), passed as dates so no session time zone applies.
  const [from, to, prevFrom] = [w.from, w.to, w.prevFrom].map((d) => d.toISOString().slice(0, 10));
  return Prisma.sql`
    SELECT a."caseId",
      count(*) FILTER (WHERE a."activeDays" && daterange(${from}::date, ${to}::date))::int AS cur,
      count(*) FILTER (WHERE a."activeDays" && daterange(${prevFrom}::date, ${from}::date))::int AS prev
    FROM "ClusterAccount" a JOIN sc ON sc.id = a."caseId"
    WHERE a."viewerOrgId" = ${actor.orgId}::uuid
    GROUP BY 1`;
}
