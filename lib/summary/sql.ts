import "server-only";
import { Prisma } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { caseMemberSql, summaryCasesSql } from "@/lib/summary/scope";
import type { TSummaryFilters } from "@/lib/summary/schemas";
import { usageImportsSql } from "@/lib/usage/signal-store";

// The building blocks of the summary's statements: the cases in scope with the filters, and
// the linked clusters' accounts as each import spells them. Every figure is SQL over the
// rollups (UsageDaily, EntityUsage, UsageSignal) and the case tables; the app adds up at most a
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
 * `acc`: the accounts of each linked cluster (the viewer organisation's last cluster run at the
 * case's floor), with the spellings each visible import used for them. Needs `sc`.
 */
export function clusterAccountsCte(actor: TActor): Prisma.Sql {
  return Prisma.sql`imp AS (${usageImportsSql(actor.orgId)}),
  nodes AS (
    SELECT r."caseId", cl.n::int AS n, node::uuid AS "entityId"
    FROM "ClusterRun" r JOIN sc ON sc.id = r."caseId"
    LEFT JOIN "LinkageSettings" ls ON ls."caseId" = r."caseId"
    CROSS JOIN LATERAL jsonb_array_elements(r.result->'clusters') WITH ORDINALITY cl(c, n)
    CROSS JOIN LATERAL jsonb_array_elements_text(cl.c->'nodes') node
    WHERE r."viewerOrgId" = ${actor.orgId}::uuid
      AND r."minConfidence" = coalesce((ls.settings->>'clusterMinConfidence')::int, 50)),
  acc AS (
    SELECT DISTINCT nodes."caseId", nodes.n, nodes."entityId", eu."importId", sp AS spelling
    FROM nodes JOIN "EntityUsage" eu ON eu."entityId" = nodes."entityId"
    JOIN imp ON imp.id = eu."importId" AND imp."caseId" = nodes."caseId"
    CROSS JOIN LATERAL unnest(eu.spellings) sp)`;
}

/** `daily`: each linked account's requests and tokens per day over both periods. Needs `acc`. */
export function linkedDailyCte(w: TWindow): Prisma.Sql {
  return Prisma.sql`daily AS (
    SELECT acc."caseId", acc.n, acc."entityId", d.day, sum(d.requests)::float8 AS requests,
           sum(d."inputTokens" + d."outputTokens")::float8 AS tokens
    FROM acc JOIN "UsageDaily" d ON d."caseId" = acc."caseId" AND d."importId" = acc."importId"
      AND d.day >= ${w.prevFrom} AND d.day < ${w.to} AND d."accountId" = acc.spelling
    GROUP BY 1, 2, 3, 4)`;
}
