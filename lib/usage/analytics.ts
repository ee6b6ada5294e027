import "server-only";
import ipaddr from "ipaddr.js";
import { getDb, Prisma } from "@/lib/db";
import { withEmptyBuckets, type TTimeBucket } from "@/lib/usage/buckets";
import { usagePartition } from "@/lib/usage/load";
import type { TSignalScope } from "@/lib/usage/signals";
import type { TUsageFilters } from "@/lib/usage/filters";

// What the Usage tab shows, over the imports in scope: charts and tables from the daily or
// hourly rollups, raw rows only for a drill-down page. Every query names one case.

export type TUsageScope = TSignalScope;

/** The network filter as the rollups can answer it: exact for /24 (/48) and wider. */
function networkFilter(ip: string): { sql: Prisma.Sql; approximate: boolean } {
  const [address, bits] = ip.includes("/") ? ipaddr.parseCIDR(ip) : [ipaddr.parse(ip), null];
  const granule = address.kind() === "ipv4" ? 24 : 48;
  const prefix = bits ?? (address.kind() === "ipv4" ? 32 : 128);
  return {
    sql: Prisma.sql`network <> '' AND network::cidr <<= network(set_masklen(${address.toString()}::inet, ${Math.min(prefix, granule)}))`,
    approximate: prefix > granule,
  };
}

/** A rollup table, with its time column and the exact first and last hour of each of its groups. */
type TRollup = { table: Prisma.Sql; time: Prisma.Sql; first: Prisma.Sql; last: Prisma.Sql };
const HOURLY: TRollup = { table: Prisma.raw(`"UsageHourly"`), time: Prisma.raw("hour"), ...span("hour", "hour") };
const DAILY: TRollup = {
  table: Prisma.raw(`"UsageDaily"`),
  time: Prisma.raw("day"),
  ...span(`"firstHour"`, `"lastHour"`),
};
function span(first: string, last: string) {
  return { first: Prisma.raw(first), last: Prisma.raw(last) };
}

/** Per hour and model only: whole-case series (filters on time and model alone). */
const BY_MODEL: TRollup = {
  table: Prisma.raw(`"UsageHourlyModel"`),
  time: Prisma.raw("hour"),
  ...span("hour", "hour"),
};

const startsADay = (instant: string | undefined) => !instant || instant.endsWith("T00:00:00.000Z");

/**
 * The smallest rollup that answers exactly: days when the range is whole days (or open), hours
 * otherwise. Both hold the same groups but the hour, so every answer is the same either way.
 */
function rollupFor(f: TUsageFilters): TRollup {
  return startsADay(f.from) && startsADay(f.to) ? DAILY : HOURLY;
}

/**
 * The conditions raw rows and rollups share: the scope's imports, and the account, key, model
 * and endpoint filters (the same columns in both; a filter is never empty, so a rollup's '' for
 * none matches as NULL does). The address and time filters differ, and each adds its own.
 */
function scopeAndValues(s: TUsageScope, f: TUsageFilters): Prisma.Sql[] {
  const parts = [Prisma.sql`"caseId" = ${s.caseId}::uuid AND "importId" = ANY(${s.importIds}::uuid[])`];
  if (f.account) parts.push(Prisma.sql`"accountId" = ${f.account}`);
  if (f.accounts) parts.push(Prisma.sql`"accountId" = ANY(${f.accounts}::text[])`);
  if (f.key) parts.push(Prisma.sql`"apiKeyId" = ${f.key}`);
  if (f.model) parts.push(Prisma.sql`model = ${f.model}`);
  if (f.endpoint) parts.push(Prisma.sql`endpoint = ${f.endpoint}`);
  return parts;
}

function rollupWhere(s: TUsageScope, f: TUsageFilters, r: TRollup): { where: Prisma.Sql; approximate: boolean } {
  const parts = scopeAndValues(s, f);
  if (f.from) parts.push(Prisma.sql`${r.time} >= date_trunc('hour', ${f.from}::timestamp)`);
  if (f.to) parts.push(Prisma.sql`${r.time} < ${f.to}::timestamp`);
  let approximate = false;
  if (f.ip) {
    const net = networkFilter(f.ip);
    parts.push(net.sql);
    approximate = net.approximate;
  }
  return { where: Prisma.join(parts, " AND "), approximate };
}

const TWO_WEEKS_H = 14 * 24;
const TWO_YEARS_H = 730 * 24;
export type TUsageSeries = {
  bucket: TTimeBucket;
  keys: string[];
  points: ({ t: string } & Record<string, number | string>)[];
  /** `share` null: no requests in the bucket. */
  rateLimited: { t: string; requests: number; limited: number; share: number | null }[];
  approximate: boolean;
};

const SERIES_KEYS = 8;

type TBucketRow = { t: Date; k: string | null; requests: number; tokens: number; limited: number };

/** The top accounts' buckets, and "Other" (k null) as each bucket's total less theirs. */
async function accountBuckets(
  s: TUsageScope,
  f: TUsageFilters,
  bucket: TTimeBucket,
  r: TRollup,
  keys: string[],
): Promise<TBucketRow[]> {
  type TSums = TBucketRow & { n: number };
  const db = getDb();
  const [top, totals] = await Promise.all([
    db.$queryRaw<TSums[]>`
      SELECT date_trunc(${bucket}, ${r.time}) AS t, "accountId" AS k, sum(requests)::float8 AS requests,
             sum("inputTokens" + "outputTokens")::float8 AS tokens, sum("rateLimited")::float8 AS limited, sum(rows)::float8 AS n
      FROM ${r.table} WHERE ${rollupWhere(s, f, r).where} AND "accountId" = ANY(${keys}) GROUP BY 1, 2`,
    db.$queryRaw<TSums[]>`
      SELECT date_trunc(${bucket}, hour) AS t, NULL AS k, sum(requests)::float8 AS requests,
             sum("inputTokens" + "outputTokens")::float8 AS tokens, sum("rateLimited")::float8 AS limited, sum(rows)::float8 AS n
      FROM "UsageHourlyModel" WHERE ${rollupWhere(s, f, BY_MODEL).where} GROUP BY 1`,
  ]);
  const others = new Map(totals.map((x) => [x.t.getTime(), { ...x }]));
  for (const x of top) {
    const other = others.get(x.t.getTime())!;
    other.requests -= x.requests;
    other.tokens -= x.tokens;
    other.limited -= x.limited;
    other.n -= x.n;
  }
  // A bucket has "Other" when rows outside the top accounts fall in it (as a grouping would).
  return [...top, ...[...others.values()].filter((o) => o.n > 0)].sort((x, y) => x.t.getTime() - y.t.getTime());
}

/**
 * Requests and tokens over time, stacked by model or by the busiest accounts (the rest as
 * "Other"), and the rate-limited share of each bucket.
 */
export async function usageSeries(s: TUsageScope, f: TUsageFilters, by: "model" | "account"): Promise<TUsageSeries> {
  if (!s.importIds.length) return { bucket: "hour", keys: [], points: [], rateLimited: [], approximate: false };
  // Filters the per-model rollup answers: then the series never reads the big hourly groups
  // but for the top accounts' own hours (by index), and "Other" is the total less those.
  const modelOnly = !f.account && !f.accounts && !f.key && !f.ip && !f.endpoint;
  const coarse = by === "model" && modelOnly ? BY_MODEL : rollupFor(f);
  const { where, approximate } = rollupWhere(s, f, coarse);
  const column = Prisma.raw(by === "model" ? "model" : `"accountId"`);
  const db = getDb();
  // One scan for each key's total and the span (the bucket width: hours up to two weeks, days up
  // to two years, months beyond, so one chart stays readable), a second for the buckets.
  const groups = await db.$queryRaw<{ k: string; total: number; first: Date; last: Date }[]>`
    SELECT ${column} AS k, sum(requests)::float8 AS total, min(${coarse.first}) AS first, max(${coarse.last}) AS last
    FROM ${coarse.table} WHERE ${where} GROUP BY 1`;
  const keys = [...groups]
    .sort((x, y) => y.total - x.total || (x.k < y.k ? -1 : 1))
    .slice(0, SERIES_KEYS)
    .map((g) => g.k);
  const first = groups.reduce((m, g) => Math.min(m, g.first.getTime()), Infinity);
  const last = groups.reduce((m, g) => Math.max(m, g.last.getTime()), -Infinity);
  const spanH = groups.length ? (last - first) / 3_600_000 : 0;
  const bucket: TTimeBucket = spanH > TWO_YEARS_H ? "month" : spanH > TWO_WEEKS_H ? "day" : "hour";
  const r = coarse === BY_MODEL || bucket !== "hour" ? coarse : HOURLY;
  const rows =
    by === "account" && modelOnly
      ? await accountBuckets(s, f, bucket, bucket !== "hour" ? rollupFor(f) : HOURLY, keys)
      : await db.$queryRaw<TBucketRow[]>`
    SELECT date_trunc(${bucket}, ${r.time}) AS t, CASE WHEN ${column} = ANY(${keys}) THEN ${column} END AS k,
           sum(requests)::float8 AS requests, sum("inputTokens" + "outputTokens")::float8 AS tokens, sum("rateLimited")::float8 AS limited
    FROM ${r.table} WHERE ${r === coarse ? where : rollupWhere(s, f, r).where} GROUP BY 1, 2 ORDER BY 1`;
  // NULL: outside the top keys.
  const label = (k: string | null) => (k === null ? "Other" : k || "(none)");
  const points = new Map<string, { t: string } & Record<string, number | string>>();
  const limited = new Map<string, { t: string; requests: number; limited: number; share: number | null }>();
  for (const r of rows) {
    const t = r.t.toISOString();
    const point = points.get(t) ?? { t };
    point[label(r.k)] = Number(point[label(r.k)] ?? 0) + Number(r.requests);
    point[`${label(r.k)} tokens`] = Number(point[`${label(r.k)} tokens`] ?? 0) + Number(r.tokens);
    points.set(t, point);
    const l = limited.get(t) ?? { t, requests: 0, limited: 0, share: 0 };
    l.requests += Number(r.requests);
    l.limited += Number(r.limited);
    l.share = l.requests ? l.limited / l.requests : 0;
    limited.set(t, l);
  }
  const allKeys = [...keys.map(label), ...(rows.some((r) => r.k === null) ? ["Other"] : [])];
  const iso = (d: Date) => d.toISOString();
  // An empty bucket holds a zero for each key: its tooltip says so.
  const zeros = Object.fromEntries(
    allKeys.flatMap((k) => [
      [k, 0],
      [`${k} tokens`, 0],
    ]),
  );
  return {
    bucket,
    keys: allKeys,
    points: withEmptyBuckets([...points.values()], bucket, iso, (t) => ({ t, ...zeros })),
    rateLimited: withEmptyBuckets([...limited.values()], bucket, iso, (t) => ({
      t,
      requests: 0,
      limited: 0,
      share: null,
    })),
    approximate,
  };
}

export const TOP_KINDS = { account: `"accountId"`, key: `"apiKeyId"`, network: "network", model: "model" } as const;
export type TTopKind = keyof typeof TOP_KINDS;
export type TTopRow = {
  value: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  rateLimited: number;
  firstSeen: string;
  lastSeen: string;
};

/** The busiest accounts, keys, networks or models under the filters. */
export async function topUsage(s: TUsageScope, f: TUsageFilters, kind: TTopKind, limit = 10): Promise<TTopRow[]> {
  if (!s.importIds.length) return [];
  const r = rollupFor(f);
  const { where } = rollupWhere(s, f, r);
  const column = Prisma.raw(TOP_KINDS[kind]);
  const rows = await getDb().$queryRaw<
    { value: string; requests: number; i: number; o: number; rl: number; first: Date; last: Date }[]
  >`
    SELECT ${column} AS value, sum(requests)::float8 AS requests, sum("inputTokens")::float8 AS i, sum("outputTokens")::float8 AS o,
           sum("rateLimited")::float8 AS rl, min(${r.first}) AS first, max(${r.last}) AS last
    FROM ${r.table} WHERE ${where} AND ${column} <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${limit}`;
  return rows.map((r) => ({
    value: r.value,
    requests: Number(r.requests),
    inputTokens: Number(r.i),
    outputTokens: Number(r.o),
    rateLimited: Number(r.rl),
    firstSeen: r.first.toISOString(),
    lastSeen: new Date(r.last.getTime() + 3_600_000).toISOString(),
  }));
}

export type TUsageRawRow = {
  importId: string;
  seq: number;
  line: number;
  occurredAt: string;
  accountId: string | null;
  apiKeyId: string | null;
  ip: string | null;
  model: string | null;
  endpoint: string | null;
  inputTokens: number;
  outputTokens: number;
  requests: number;
  statusCode: number | null;
  rateLimited: boolean;
};

export const RAW_PAGE = 50;

/**
 * Hours the first step of a drill-down page looks up in the hourly rollup, and the most a step
 * looks up: each step after a short one looks up four times as many (a busy log's first hour
 * holds a page; a sparse account's page spans days).
 */
const FIRST_HOURS = 2;
const MOST_HOURS = 192;
const HOUR_MS = 3_600_000;

/**
 * The hours at or after `from` that hold rows under the filters (the hourly rollup's `where`),
 * in order, with how many rows each holds (at most, for an address narrower than the rollup's
 * networks): from the hourly rollup, so a page of raw rows reads only its own hours.
 */
async function hoursWithRows(
  where: Prisma.Sql,
  from: Date | null,
  limit: number,
): Promise<{ hour: Date; rows: number }[]> {
  const after = from ? Prisma.sql`AND hour >= ${from.toISOString()}::timestamp` : Prisma.empty;
  return getDb().$queryRaw`
    SELECT hour, sum(rows)::float8 AS rows FROM "UsageHourly" WHERE ${where} ${after}
    GROUP BY hour ORDER BY hour LIMIT ${limit}`;
}

/** Runs of consecutive hours as time ranges (a raw query reads each by its time index). */
function hourRanges(hours: Date[]): Prisma.Sql {
  const ranges: { from: number; to: number }[] = [];
  for (const h of hours) {
    const t = h.getTime();
    const last = ranges.at(-1);
    if (last && last.to === t) last.to = t + HOUR_MS;
    else ranges.push({ from: t, to: t + HOUR_MS });
  }
  const iso = (t: number) => new Date(t).toISOString();
  return Prisma.sql`(${Prisma.join(
    ranges.map(
      (r) => Prisma.sql`("occurredAt" >= ${iso(r.from)}::timestamp AND "occurredAt" < ${iso(r.to)}::timestamp)`,
    ),
    " OR ",
  )})`;
}

type TRowCursor = { occurredAt: string; importId: string; seq: number };

/**
 * One page of raw rows under the filters (exact addresses here), in time order, after the
 * cursor (the last row's time, import and ordinal): keyset pages that never skip or repeat.
 * The hourly rollup says which hours hold the next rows; only those are read (by range indexes
 * on time and account when the import's file was in time order, lib/usage/load.ts), a few
 * hours at a time until the page is full or no hour is left.
 */
export async function usageRows(s: TUsageScope, f: TUsageFilters, after?: TRowCursor): Promise<TUsageRawRow[]> {
  if (!s.importIds.length) return [];
  const page: TUsageRawRow[] = [];
  let cursor = after;
  let from = after ? new Date(Math.floor(Date.parse(after.occurredAt) / HOUR_MS) * HOUR_MS) : null;
  const { where, approximate } = rollupWhere(s, f, HOURLY);
  for (let limit = FIRST_HOURS; page.length < RAW_PAGE; limit = Math.min(limit * 4, MOST_HOURS)) {
    const hours = await hoursWithRows(where, from, limit);
    if (!hours.length) break;
    // Hours until they hold the rest of the page (fewer rows may match in the cursor's own
    // hour); the next step goes on after the last. For an address narrower than the rollup's
    // networks the counts are the network's, so every hour looked up is read (four times more
    // each step): a quiet address behind a busy one is not one query per hour.
    let held = 0;
    const take = approximate ? -1 : hours.findIndex((h) => (held += h.rows) >= RAW_PAGE - page.length);
    const chosen = take < 0 ? hours : hours.slice(0, take + 1);
    const rows = await rawRows(s, f, hourRanges(chosen.map((h) => h.hour)), RAW_PAGE - page.length, cursor);
    page.push(...rows);
    if (rows.length) cursor = rows.at(-1)!;
    from = new Date(chosen.at(-1)!.hour.getTime() + HOUR_MS);
  }
  return page;
}

async function rawRows(
  s: TUsageScope,
  f: TUsageFilters,
  hours: Prisma.Sql,
  limit: number,
  after?: TRowCursor,
): Promise<TUsageRawRow[]> {
  const parts = [...scopeAndValues(s, f), hours];
  if (f.ip) parts.push(Prisma.sql`ip <<= ${f.ip}::inet`);
  if (f.from) parts.push(Prisma.sql`"occurredAt" >= ${f.from}::timestamp`);
  if (f.to) parts.push(Prisma.sql`"occurredAt" < ${f.to}::timestamp`);
  if (after)
    parts.push(
      Prisma.sql`("occurredAt", "importId", seq) > (${after.occurredAt}::timestamp, ${after.importId}::uuid, ${after.seq})`,
    );
  const rows = await getDb().$queryRaw<
    (Omit<TUsageRawRow, "occurredAt" | "inputTokens" | "outputTokens"> & {
      occurredAt: Date;
      inputTokens: bigint;
      outputTokens: bigint;
    })[]
  >`
    SELECT "importId", seq, line, "occurredAt", "accountId", "apiKeyId", host(ip) AS ip, model, endpoint,
           "inputTokens", "outputTokens", requests, "statusCode", "rateLimited"
    FROM ${Prisma.raw(usagePartition(s.caseId))} WHERE ${Prisma.join(parts, " AND ")}
    ORDER BY "occurredAt", "importId", seq LIMIT ${limit}`;
  return rows.map((r) => ({
    ...r,
    occurredAt: r.occurredAt.toISOString(),
    inputTokens: Number(r.inputTokens),
    outputTokens: Number(r.outputTokens),
  }));
}

export type TUsageSample = { importId: string; seq: number; line: number; occurredAt: string; accountId: string };

/**
 * The first rows of these accounts in the period (its last hour included), in time order: the
 * rows behind a signal, each with its import (file) and line. For each account the hourly
 * rollup names its first hours in the period (at most `limit`), and only as many of those are
 * read as hold `limit` rows: a busy account's first hour alone, not five hours of everyone's
 * traffic (30 ms rather than 100 at five million rows). An hour the period cuts counts as
 * empty, so the hours read always hold the first `limit` rows of the period. The case's rows
 * partition is named in the statement, so it is locked before the hourly partitions the plan
 * reaches: the order an import's deletion takes them (load.ts#discardImport).
 */
export async function sampleRows(
  s: TUsageScope,
  accounts: string[],
  from: Date,
  to: Date,
  limit = 5,
): Promise<TUsageSample[]> {
  if (!s.importIds.length || !accounts.length) return [];
  const start = from.toISOString();
  const end = new Date(to.getTime() + HOUR_MS).toISOString();
  const rows = await getDb().$queryRaw<(Omit<TUsageSample, "occurredAt"> & { occurredAt: Date })[]>`
    SELECT r."importId", r.seq, r.line, r."occurredAt", r."accountId"
    FROM unnest(${accounts.slice(0, 50)}::text[]) AS a(account)
    CROSS JOIN LATERAL (
      SELECT min(hour) AS first, max(hour) + interval '1 hour' AS last FROM (
        SELECT hour, coalesce(sum(sum(rows) FILTER (WHERE hour >= ${start}::timestamp AND hour + interval '1 hour' <= ${end}::timestamp))
                 OVER (ORDER BY hour ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
        FROM "UsageHourly"
        WHERE "caseId" = ${s.caseId}::uuid AND "importId" = ANY(${s.importIds}::uuid[]) AND "accountId" = a.account
          AND hour >= date_trunc('hour', ${start}::timestamp) AND hour < ${end}::timestamp
        GROUP BY hour ORDER BY hour LIMIT ${limit}) hours
      WHERE before < ${limit}) h
    CROSS JOIN LATERAL (
      SELECT "importId", seq, line, "occurredAt", "accountId" FROM ${Prisma.raw(usagePartition(s.caseId))}
      WHERE "caseId" = ${s.caseId}::uuid AND "importId" = ANY(${s.importIds}::uuid[]) AND "accountId" = a.account
        AND "occurredAt" >= greatest(${start}::timestamp, h.first) AND "occurredAt" < least(${end}::timestamp, h.last)
      ORDER BY "occurredAt", seq LIMIT ${limit}) r
    ORDER BY r."occurredAt", r."importId", r.seq LIMIT ${limit}`;
  return rows.map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() }));
}
