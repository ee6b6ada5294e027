import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { enforcementTargetSql, enforcementVisibleSql, type TLinkageViewer } from "@/lib/linkage/visibility";
import type { TWindow } from "@/lib/summary/sql";
import { usageImportsSql } from "@/lib/usage/signal-store";

// Reads that the brief and the enforcement log make after their guard (requireBriefAccess) has
// decided what the reader may see: they take the case (or the linkage viewer), not the actor.

const WEEK = "7 days";

export type TEnforcementRow = {
  id: string;
  kind: string;
  description: string;
  requestedBy: string;
  carriedOutBy: string;
  orgName: string;
  takenAt: Date;
  /**
   * How many of its targets the reader may see (those it saw when the action was recorded, or
   * all it sees if its organisation recorded it), always; their kinds and values only for
   * members ("full").
   */
  targetCount: number;
  targets: { id: string; kind: string; value: string }[];
  /** null when no target is an account or API key (nothing in the usage to measure). */
  effect: { before: { requests: number; tokens: number }; after: { requests: number; tokens: number } } | null;
};

/** For callers that already passed the guard (the brief). */
export async function enforcementOf(viewer: TLinkageViewer, withValues: boolean): Promise<TEnforcementRow[]> {
  const db = getDb();
  const rows = await db.$queryRaw<
    (Omit<TEnforcementRow, "targets" | "effect"> & {
      targets: { id: string; kind: string; value: string }[] | null;
      measurable: boolean;
      before_req: number;
      before_tok: number;
      after_req: number;
      after_tok: number;
    })[]
  >`
    WITH a AS (
      SELECT e.*, o.name AS "orgName", u.name AS "requestedBy" FROM "EnforcementAction" e
      JOIN "Organization" o ON o.id = e."orgId" JOIN "User" u ON u.id = e."requestedById"
      WHERE e."caseId" = ${viewer.caseId}::uuid AND ${enforcementVisibleSql(viewer, "e")}),
    t AS (
      SELECT a.id AS action, en.id, en.kind::text AS kind, en.value FROM a
      CROSS JOIN LATERAL unnest(a."entityIds") tid
      JOIN "Entity" en ON en.id = tid AND ${enforcementTargetSql(viewer, "a", "en")}),
    spell AS (
      SELECT t.action, t.kind, m.display AS spelling FROM t
      JOIN "EntityMention" m ON m."entityId" = t.id AND m."importId" = ANY(${viewer.importIds}::uuid[])
      WHERE t.kind IN ('ACCOUNT', 'API_KEY')
      UNION
      SELECT t.action, t.kind, sp FROM t
      JOIN "EntityUsage" eu ON eu."entityId" = t.id AND eu."importId" = ANY(${viewer.importIds}::uuid[])
      CROSS JOIN LATERAL unnest(eu.spellings) sp WHERE t.kind = 'ACCOUNT')
    SELECT a.id, a.kind::text AS kind, a.description, a."requestedBy", a."carriedOutBy", a."orgName", a."takenAt",
      (SELECT count(*) FROM t WHERE t.action = a.id) AS "targetCount",
      (SELECT json_agg(json_build_object('id', t.id, 'kind', t.kind, 'value', t.value) ORDER BY t.kind, t.value) FROM t WHERE t.action = a.id) AS targets,
      EXISTS (SELECT 1 FROM t WHERE t.action = a.id AND t.kind IN ('ACCOUNT', 'API_KEY')) AS measurable,
      w.before_req, w.before_tok, w.after_req, w.after_tok
    FROM a CROSS JOIN LATERAL (
      SELECT coalesce(sum(h.requests) FILTER (WHERE h.hour < a."takenAt"), 0)::float8 AS before_req,
             coalesce(sum(h."inputTokens" + h."outputTokens") FILTER (WHERE h.hour < a."takenAt"), 0)::float8 AS before_tok,
             coalesce(sum(h.requests) FILTER (WHERE h.hour >= a."takenAt"), 0)::float8 AS after_req,
             coalesce(sum(h."inputTokens" + h."outputTokens") FILTER (WHERE h.hour >= a."takenAt"), 0)::float8 AS after_tok
      FROM "UsageHourly" h
      WHERE h."caseId" = ${viewer.caseId}::uuid AND h."importId" = ANY(${viewer.importIds}::uuid[])
        AND h.hour >= a."takenAt" - ${WEEK}::interval AND h.hour < a."takenAt" + ${WEEK}::interval
        AND (h."accountId" IN (SELECT spelling FROM spell WHERE spell.action = a.id AND spell.kind = 'ACCOUNT')
          OR h."apiKeyId" IN (SELECT spelling FROM spell WHERE spell.action = a.id AND spell.kind = 'API_KEY'))) w
    ORDER BY a."takenAt" DESC, a.id`;
  return rows.map(({ measurable, before_req, before_tok, after_req, after_tok, targets, ...r }) => ({
    ...r,
    targetCount: Number(r.targetCount),
    targets: withValues ? (targets ?? []) : [],
    effect: measurable
      ? { before: { requests: before_req, tokens: before_tok }, after: { requests: after_req, tokens: after_tok } }
      : null,
  }));
}

/**
 * Per case, how many of its enforcement actions the organisation sees (enforcementVisibleSql)
 * were taken in the period (`cur`) and the one before (`prev`): the summary's counts, as the
 * brief would list them. Cases with none are absent.
 */
export async function enforcementCounts(
  orgId: string,
  caseIds: string[],
  w: Pick<TWindow, "from" | "to" | "prevFrom">,
): Promise<Map<string, { cur: number; prev: number }>> {
  if (caseIds.length === 0) return new Map();
  const db = getDb();
  const imports = await db.$queryRaw<{ caseId: string; ids: string[] }[]>`
    SELECT i."caseId", array_agg(i.id) AS ids FROM (${usageImportsSql(orgId)}) i
    WHERE i."caseId" = ANY(${caseIds}::uuid[]) GROUP BY 1`;
  const importIds = new Map(imports.map((i) => [i.caseId, i.ids]));
  const branch = (caseId: string) => {
    const viewer = { orgId, caseId, importIds: importIds.get(caseId) ?? [] };
    return Prisma.sql`
      SELECT a."caseId", count(*) FILTER (WHERE a."takenAt" >= ${w.from})::int AS cur,
        count(*) FILTER (WHERE a."takenAt" < ${w.from})::int AS prev
      FROM "EnforcementAction" a
      WHERE a."caseId" = ${caseId}::uuid AND a."takenAt" >= ${w.prevFrom} AND a."takenAt" < ${w.to}
        AND ${enforcementVisibleSql(viewer, "a")}
      GROUP BY 1`;
  };
  const counts = new Map<string, { cur: number; prev: number }>();
  // A statement per CASES_PER_STATEMENT cases: each case's branch binds 16 values, and one
  // statement takes at most 65,535.
  for (let at = 0; at < caseIds.length; at += CASES_PER_STATEMENT) {
    const branches = caseIds.slice(at, at + CASES_PER_STATEMENT).map(branch);
    const rows = await db.$queryRaw<
      { caseId: string; cur: number; prev: number }[]
    >`${Prisma.join(branches, " UNION ALL ")}`;
    for (const r of rows) counts.set(r.caseId, { cur: r.cur, prev: r.prev });
  }
  return counts;
}

const CASES_PER_STATEMENT = 500;

export type TBriefText = {
  version: number;
  findings: string;
  nextSteps: string;
  authorName: string;
  createdAt: Date;
};

export async function latestBriefText(caseId: string): Promise<TBriefText | null> {
  const row = await getDb().caseBrief.findFirst({
    where: { caseId },
    orderBy: { version: "desc" },
    select: { version: true, findings: true, nextSteps: true, createdAt: true, authorId: true },
  });
  if (!row) return null;
  const author = await getDb().user.findUnique({ where: { id: row.authorId }, select: { name: true } });
  return { ...row, authorName: author?.name ?? "" };
}
