import "server-only";
import { getDb, Prisma } from "@/lib/db";
import type { TEntityKind, TLinkKind } from "@/lib/linkage/graph-types";
import { normaliseEntity, usageValueSql } from "@/lib/linkage/normalise";
import { LINK_RULES, linkRuleId, type TLinkageSettings, type TLinkRule } from "@/lib/linkage/settings";
import type { TLinkageViewer } from "@/lib/linkage/visibility";

// The linkage rules: SQL over the usage rollups of the imports a viewer may see finds the
// candidate pairs; each rule scores them. Accounts are tied to a shared value (a payment
// instrument, a device, an organisation id, a key, an address) by a link to that value's entity,
// so that two accounts are related by a path through what they share, never by a direct link
// standing for a transitive one. Synchronised activity is the exception: it relates two accounts
// directly, from the usage signal that measured their correlation.

export type TContribution = { label: string; points: number };

export type TProposal = {
  rule: string; // rule:<id>@<version>
  kind: TLinkKind;
  fromId: string;
  toId: string;
  pairKey: string;
  confidence: number;
  params: Record<string, unknown>;
  contributions: TContribution[];
  rationale: string;
  firstSeen: Date;
  lastSeen: Date;
  support: { importId: string; rows: number }[];
  supportRows: number;
};

/** The usage attribute kind each shared-value rule reads, and the entity kind it becomes. */
const SHARED_VALUE_RULES: {
  rule: Exclude<TLinkRule, "shared_ip" | "synchronised">;
  attribute: "PAYMENT" | "DEVICE" | "PROJECT" | "API_KEY";
  entity: TEntityKind;
  points: number;
  noun: string;
}[] = [
  { rule: "shared_payment", attribute: "PAYMENT", entity: "PAYMENT", points: 85, noun: "payment instrument" },
  { rule: "shared_device", attribute: "DEVICE", entity: "DEVICE", points: 75, noun: "device" },
  { rule: "same_org_id", attribute: "PROJECT", entity: "ORG_ID", points: 70, noun: "organisation id" },
  { rule: "shared_key", attribute: "API_KEY", entity: "API_KEY", points: 90, noun: "API key" },
];

type TPairRow = {
  from_id: string;
  to_id: string;
  account: string;
  value: string;
  accounts: number;
  first: Date;
  last: Date;
  imports: string[];
  requests: number[];
  behind: string[];
};

const num = (v: unknown) => Number(v ?? 0);

/**
 * What a shared-value proposal rests on: the account's own imports (with its rows), and every
 * other import whose accounts the count and the rationale include (no rows of its own). So a
 * link that counts an account of another organisation's owner-only import is invisible to the
 * organisations that may not see that import (linkVisibleSql), as its count would tell of it.
 */
function toSupport(row: Pick<TPairRow, "imports" | "requests" | "behind">) {
  const support = row.imports.map((importId, i) => ({ importId, rows: num(row.requests[i]) }));
  const own = new Set(row.imports);
  for (const importId of row.behind) if (!own.has(importId)) support.push({ importId, rows: 0 });
  return { support, supportRows: support.reduce((sum, s) => sum + s.rows, 0) };
}

async function sharedValues(viewer: TLinkageViewer, spec: (typeof SHARED_VALUE_RULES)[number]): Promise<TProposal[]> {
  const account = Prisma.raw(usageValueSql("ACCOUNT", '"accountId"'));
  const value = Prisma.raw(usageValueSql(spec.entity, "value"));
  const rows = await getDb().$queryRaw<TPairRow[]>`
    WITH a AS (
      SELECT ${account} AS account, ${value} AS value, "importId", min("firstSeen") AS f, max("lastSeen") AS l,
             sum(requests) AS req
      FROM "UsageAttribute"
      WHERE "caseId" = ${viewer.caseId}::uuid AND "importId" = ANY(${viewer.importIds}::uuid[])
        AND kind = ${spec.attribute}::"UsageAttributeKind" AND btrim("accountId") <> ''
      GROUP BY 1, 2, 3),
    shared AS (
      SELECT value, count(DISTINCT account)::int AS accounts, array_agg(DISTINCT "importId"::text) AS behind
      FROM a GROUP BY 1 HAVING count(DISTINCT account) > 1),
    per AS (
      SELECT a.account, a.value, s.accounts, s.behind, min(a.f) AS first, max(a.l) AS last,
             array_agg(a."importId"::text ORDER BY a."importId") AS imports, array_agg(a.req::float8 ORDER BY a."importId") AS requests
      FROM a JOIN shared s USING (value) GROUP BY 1, 2, 3, 4)
    SELECT fa.id AS from_id, fv.id AS to_id, per.*
    FROM per
    JOIN "Entity" fa ON fa."caseId" = ${viewer.caseId}::uuid AND fa.kind = 'ACCOUNT' AND fa.value = per.account
    JOIN "Entity" fv ON fv."caseId" = ${viewer.caseId}::uuid AND fv.kind = ${spec.entity}::"EntityKind" AND fv.value = per.value
    ORDER BY per.value, per.account`;
  const { kind, label } = LINK_RULES[spec.rule];
  return rows.map((r) => ({
    rule: linkRuleId(spec.rule),
    kind,
    fromId: r.from_id,
    toId: r.to_id,
    pairKey: `${r.account}|${r.value}`,
    confidence: spec.points,
    params: { attribute: spec.attribute },
    contributions: [{ label: `${label}: ${spec.noun} seen on ${r.accounts} accounts`, points: spec.points }],
    rationale: `${r.account} used ${spec.noun} ${r.value}, which ${r.accounts - 1} other account${r.accounts > 2 ? "s" : ""} also used.`,
    firstSeen: r.first,
    lastSeen: r.last,
    ...toSupport(r),
  }));
}

// Below the default cluster floor (50): an address alone never puts two accounts in one cluster.
const IP_BASE_POINTS = 45;
const IP_DAMPING_PER_ACCOUNT = 5;

/**
 * Shared address: two accounts on one address within the window. Weak alone, and weaker the
 * more accounts are behind it; beyond the limit, or inside a NAT, VPN or cloud range, the address
 * is shared infrastructure and links nothing.
 */
async function sharedIp(viewer: TLinkageViewer, settings: TLinkageSettings): Promise<TProposal[]> {
  const account = Prisma.raw(usageValueSql("ACCOUNT", '"accountId"'));
  const window = `${settings.sharedIpWindowHours} hours`;
  const rows = await getDb().$queryRaw<TPairRow[]>`
    WITH a AS (
      SELECT ${account} AS account, btrim(value) AS value, "importId", min("firstSeen") AS f, max("lastSeen") AS l,
             sum(requests) AS req
      FROM "UsageAttribute"
      WHERE "caseId" = ${viewer.caseId}::uuid AND "importId" = ANY(${viewer.importIds}::uuid[])
        AND kind = 'IP' AND btrim("accountId") <> ''
        AND NOT (value::inet <<= ANY(${settings.infrastructureRanges}::inet[]))
      GROUP BY 1, 2, 3),
    spans AS (SELECT account, value, min(f) AS f, max(l) AS l FROM a GROUP BY 1, 2),
    shared AS (
      SELECT value, count(*)::int AS accounts FROM spans GROUP BY 1
      HAVING count(*) BETWEEN 2 AND ${settings.sharedIpMaxAccounts}),
    -- Every import whose accounts the count includes. Worked out once: inlined, the planner
    -- (which takes the CTEs above for a few rows) grouped it again for every account on a
    -- shared address (1.3 s, not 0.1, for the bench's 1,562).
    behind AS MATERIALIZED (
      SELECT value, array_agg(DISTINCT "importId"::text) AS behind FROM a
      WHERE value IN (SELECT value FROM shared) GROUP BY 1),
    -- Accounts that met another on the address within the window.
    met AS (
      SELECT DISTINCT x.account, x.value FROM spans x JOIN spans y ON y.value = x.value AND y.account <> x.account
      JOIN shared s ON s.value = x.value
      WHERE x.f <= y.l + ${window}::interval AND y.f <= x.l + ${window}::interval),
    per AS (
      SELECT a.account, a.value, s.accounts, bh.behind, min(a.f) AS first, max(a.l) AS last,
             array_agg(a."importId"::text ORDER BY a."importId") AS imports, array_agg(a.req::float8 ORDER BY a."importId") AS requests
      FROM a JOIN met USING (account, value) JOIN shared s USING (value) JOIN behind bh USING (value) GROUP BY 1, 2, 3, 4)
    SELECT fa.id AS from_id, fv.id AS to_id, per.*
    FROM per
    JOIN "Entity" fa ON fa."caseId" = ${viewer.caseId}::uuid AND fa.kind = 'ACCOUNT' AND fa.value = per.account
    JOIN "Entity" fv ON fv."caseId" = ${viewer.caseId}::uuid AND fv.kind = 'IP' AND fv.value = per.value
    ORDER BY per.value, per.account`;
  return rows.map((r) => {
    const damping = -IP_DAMPING_PER_ACCOUNT * (r.accounts - 2);
    return {
      rule: linkRuleId("shared_ip"),
      kind: "SHARES_IP",
      fromId: r.from_id,
      toId: r.to_id,
      pairKey: `${r.account}|${r.value}`,
      confidence: IP_BASE_POINTS + damping,
      params: {
        sharedIpMaxAccounts: settings.sharedIpMaxAccounts,
        sharedIpWindowHours: settings.sharedIpWindowHours,
        infrastructureRanges: settings.infrastructureRanges.length,
      },
      contributions: [
        { label: `Shared address within ${settings.sharedIpWindowHours} h of another account`, points: IP_BASE_POINTS },
        { label: `Damping: ${r.accounts} accounts behind the address`, points: damping },
      ],
      rationale: `${r.account} used ${r.value} within ${settings.sharedIpWindowHours} hours of another account; ${r.accounts} accounts in all used it.`,
      firstSeen: r.first,
      lastSeen: r.last,
      ...toSupport(r),
    };
  });
}

/**
 * Synchronised activity, read from the viewer's own synchronised-traffic signals (which measured
 * the hourly correlation over what the viewer may see): each correlated pair is a proposal.
 */
async function synchronised(viewer: TLinkageViewer): Promise<TProposal[]> {
  const db = getDb();
  const signals = await db.usageSignal.findMany({
    where: { caseId: viewer.caseId, viewerOrgId: viewer.orgId, rule: { startsWith: "synchronised_traffic@" } },
    select: { rule: true, aggregates: true, periodStart: true, periodEnd: true, params: true },
  });
  const pairs = signals.flatMap((s) => {
    const list = (s.aggregates as { pairs?: { a: string; b: string; correlation: number; hours: number }[] }).pairs;
    return (list ?? []).map((p) => ({ ...p, signal: s }));
  });
  if (!pairs.length) return [];
  const normalise = (a: string) => {
    const n = normaliseEntity("ACCOUNT", a, (secret) => secret);
    return "value" in n ? n.value : a;
  };
  const values = [...new Set(pairs.flatMap((p) => [normalise(p.a), normalise(p.b)]))];
  const entities = await db.entity.findMany({
    where: { caseId: viewer.caseId, kind: "ACCOUNT", value: { in: values } },
    select: { id: true, value: true },
  });
  const idOf = new Map(entities.map((e) => [e.value, e.id]));
  const account = Prisma.raw(usageValueSql("ACCOUNT", '"accountId"'));
  const usage = await db.$queryRaw<{ account: string; importId: string; rows: number }[]>`
    SELECT ${account} AS account, "importId"::text AS "importId", sum(requests)::float8 AS rows FROM "UsageDaily"
    WHERE "caseId" = ${viewer.caseId}::uuid AND "importId" = ANY(${viewer.importIds}::uuid[])
      AND ${account} = ANY(${values}) GROUP BY 1, 2`;
  const out: TProposal[] = [];
  for (const p of pairs) {
    const [a, b] = [normalise(p.a), normalise(p.b)].sort() as [string, string];
    const fromId = idOf.get(a);
    const toId = idOf.get(b);
    if (!fromId || !toId || a === b) continue;
    // 0.9 → 30, 1.0 → 45: correlated traffic suggests one operator but never proves it, so
    // alone it stays below the default cluster floor.
    const points = Math.min(45, Math.round(30 + 150 * Math.max(0, p.correlation - 0.9)));
    const byImport = new Map<string, number>();
    for (const u of usage)
      if (u.account === a || u.account === b) byImport.set(u.importId, (byImport.get(u.importId) ?? 0) + num(u.rows));
    const support = [...byImport].map(([importId, rows]) => ({ importId, rows }));
    out.push({
      rule: linkRuleId("synchronised"),
      kind: "SYNCHRONISED",
      fromId,
      toId,
      pairKey: `${a}|${b}`,
      confidence: points,
      params: { signal: p.signal.rule, ...(p.signal.params as object) },
      contributions: [
        { label: `Hourly requests correlated over ${p.hours} hours`, points: 30 },
        { label: `Correlation ${p.correlation.toFixed(2)}, above 0.90`, points: points - 30 },
      ],
      rationale: `${a} and ${b} rose and fell together hour by hour (correlation ${p.correlation.toFixed(2)} over ${p.hours} hours).`,
      firstSeen: p.signal.periodStart,
      lastSeen: p.signal.periodEnd,
      support,
      supportRows: support.reduce((sum, s) => sum + s.rows, 0),
    });
  }
  return out;
}

/** Every rule's proposals over what the viewer may see. */
export async function proposeLinks(viewer: TLinkageViewer, settings: TLinkageSettings): Promise<TProposal[]> {
  if (!viewer.importIds.length) return [];
  const found = await Promise.all([
    ...SHARED_VALUE_RULES.map((spec) => sharedValues(viewer, spec)),
    sharedIp(viewer, settings),
    synchronised(viewer),
  ]);
  return found.flat();
}
