import "server-only";
import { getDb } from "@/lib/db";
import { accountTies, groupsOf, num, scopeSql, type TSignalScope } from "@/lib/usage/signal-sql";
import { ruleId, type TSignal, type TSignalSettings } from "@/lib/usage/signals-schema";

// The key rules: one account using many short-lived keys, keys retired just under their quota,
// and keys (of an account or of tied accounts) taking turns. Over the rollups, as every rule.

export async function keyRotation(s: TSignalScope, t: TSignalSettings): Promise<TSignal[]> {
  const rows = await getDb().$queryRaw<
    { a: string; keys: number; median_hours: number; first: Date; last: Date; list: string[] }[]
  >`
    WITH k AS (
      SELECT "accountId" AS a, value, min("firstSeen") AS f, max("lastSeen") AS l FROM "UsageAttribute"
      WHERE ${scopeSql(s)} AND kind = 'API_KEY' GROUP BY 1, 2)
    SELECT a, count(*)::int AS keys,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l - f) / 3600) AS median_hours,
           min(f) AS first, max(l) AS last, (array_agg(value ORDER BY f))[1:20] AS list
    FROM k GROUP BY a
    HAVING count(*) >= ${t.rotationMinKeys}
       AND percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l - f) / 3600) <= ${t.rotationMaxKeyHours}
    ORDER BY a`;
  return rows.map((r) => ({
    rule: ruleId("key_rotation"),
    subject: r.a,
    accounts: [r.a],
    score: r.keys / t.rotationMinKeys,
    summary: `${r.a} used ${r.keys} API keys, each for about ${Math.round(num(r.median_hours))} hours (median) before the next.`,
    params: { rotationMinKeys: t.rotationMinKeys, rotationMaxKeyHours: t.rotationMaxKeyHours },
    aggregates: { keys: r.keys, medianKeyHours: num(r.median_hours), firstKeys: r.list },
    from: r.first,
    to: r.last,
  }));
}

export async function keysRetiredNearLimit(s: TSignalScope, t: TSignalSettings): Promise<TSignal[]> {
  const low = t.retireMinShare * t.keyRequestLimit;
  // A key is retired when the account goes on without it (its last use is before the
  // account's); near its limit when it had used the quota's share but not all of it.
  const rows = await getDb().$queryRaw<
    { a: string; retired: number; near: number; first: Date; last: Date; list: { key: string; requests: number }[] }[]
  >`
    WITH k AS (
      SELECT "accountId" AS a, value, min("firstSeen") AS f, max("lastSeen") AS l, sum(requests)::float8 AS r
      FROM "UsageAttribute" WHERE ${scopeSql(s)} AND kind = 'API_KEY' GROUP BY 1, 2),
    -- The account's last use by a window over k, not a subquery per key: that read k once per
    -- key (quadratic; hours at 200,000 accounts).
    latest AS (SELECT k.*, max(l) OVER (PARTITION BY a) AS account_last FROM k),
    retired AS (
      SELECT latest.*, r >= ${low} AND r <= ${t.keyRequestLimit} AS near FROM latest
      WHERE l < account_last)
    SELECT a, count(*)::int AS retired, count(*) FILTER (WHERE near)::int AS near, min(f) AS first, max(l) AS last,
           (array_agg(json_build_object('key', value, 'requests', r) ORDER BY f) FILTER (WHERE near))[1:20] AS list
    FROM retired GROUP BY a
    HAVING count(*) FILTER (WHERE near) >= ${t.retireMinKeys} AND count(*) FILTER (WHERE near) >= 0.5 * count(*)
    ORDER BY a`;
  return rows.map((r) => ({
    rule: ruleId("key_retired_near_limit"),
    subject: r.a,
    accounts: [r.a],
    score: r.near / t.retireMinKeys,
    summary: `${r.a} retired ${r.near} of its ${r.retired} retired API keys after ${Math.round(100 * t.retireMinShare)}–100% of their ${t.keyRequestLimit.toLocaleString("en")}-request quota, never over it.`,
    params: { keyRequestLimit: t.keyRequestLimit, retireMinShare: t.retireMinShare, retireMinKeys: t.retireMinKeys },
    aggregates: { retiredKeys: r.retired, nearLimitKeys: r.near, keys: r.list },
    from: r.first,
    to: r.last,
  }));
}

/**
 * How evenly the keys share the traffic in turn: for every run of K consecutive active hours
 * (K keys), each key's share of the run against 1/K; answers the 90th percentile of the
 * largest departure. Keys used in turn hour by hour and keys used in turn request by request
 * (an even split every hour) both stay near 0; keys used one after another do not.
 */
function roundRobinDeparture(byKey: Float64Array[]): number {
  const k = byKey.length;
  const n = byKey[0]!.length;
  const departures: number[] = [];
  for (let i = 0; i + k <= n; i++) {
    let total = 0;
    const sums = byKey.map((series) => {
      let sum = 0;
      for (let h = i; h < i + k; h++) sum += series[h]!;
      total += sum;
      return sum;
    });
    departures.push(Math.max(...sums.map((sum) => Math.abs(sum / total - 1 / k))));
  }
  departures.sort((x, y) => x - y);
  return departures[Math.ceil(departures.length * 0.9) - 1] ?? 1;
}

export async function roundRobinKeys(s: TSignalScope, t: TSignalSettings): Promise<TSignal[]> {
  const db = getDb();
  // Accounts with enough keys, alone and in their tied groups (accounts taking turns).
  const many = await db.$queryRaw<{ a: string }[]>`
    SELECT "accountId" AS a FROM "UsageAttribute" WHERE ${scopeSql(s)} AND kind = 'API_KEY'
    GROUP BY 1 HAVING count(DISTINCT value) >= ${t.roundRobinMinKeys}
    ORDER BY sum(requests) DESC, 1 LIMIT ${t.syncTopAccounts}`;
  const groups = groupsOf(await accountTies(s)).slice(0, t.syncTopAccounts);
  const units = [...many.map((m) => [m.a]), ...groups];
  if (!units.length) return [];
  const rows = await db.$queryRaw<{ a: string; k: string; hour: Date; r: number }[]>`
    SELECT "accountId" AS a, "apiKeyId" AS k, hour, sum(requests)::float8 AS r FROM "UsageHourly"
    WHERE ${scopeSql(s)} AND "accountId" = ANY(${[...new Set(units.flat())]}) AND "apiKeyId" <> ''
    GROUP BY 1, 2, 3`;
  const out: TSignal[] = [];
  const fired = new Set<string>();
  for (const unit of units) {
    if (unit.length > 1 && unit.every((a) => fired.has(a))) continue; // already told, account by account
    const members = new Set(unit);
    const mine = rows.filter((r) => members.has(r.a));
    const hours = [...new Set(mine.map((r) => r.hour.getTime()))].sort((x, y) => x - y);
    const at = new Map(hours.map((h, i) => [h, i]));
    const series = new Map<string, Float64Array>();
    let total = 0;
    for (const r of mine) {
      const values = series.get(r.k) ?? new Float64Array(hours.length);
      values[at.get(r.hour.getTime())!]! += num(r.r);
      series.set(r.k, values);
      total += num(r.r);
    }
    // The keys that carry the traffic (a key used once does not make a turn).
    const keys = [...series]
      .map(([key, values]) => ({ key, values, requests: values.reduce((x, y) => x + y, 0) }))
      .filter((k) => k.requests >= 0.05 * total)
      .sort((x, y) => (x.key < y.key ? -1 : 1));
    if (keys.length < t.roundRobinMinKeys || hours.length < Math.max(t.syncMinHours, 2 * keys.length)) continue;
    const departure = roundRobinDeparture(keys.map((k) => k.values));
    if (departure > t.roundRobinMaxDeviation) continue;
    unit.forEach((a) => fired.add(a));
    out.push({
      rule: ruleId("round_robin_keys"),
      subject: unit.join(", "),
      accounts: unit,
      score: keys.length / t.roundRobinMinKeys,
      summary: `${unit.length > 1 ? `${unit.length} tied accounts` : unit[0]} spread ${total.toLocaleString("en")} requests evenly over ${keys.length} API keys in turn, for ${hours.length} active hours (largest departure from an equal share ${(100 * departure).toFixed(0)}%).`,
      params: {
        roundRobinMinKeys: t.roundRobinMinKeys,
        roundRobinMaxDeviation: t.roundRobinMaxDeviation,
        syncMinHours: t.syncMinHours,
      },
      aggregates: {
        keys: keys.map((k) => ({ key: k.key, requests: k.requests })),
        activeHours: hours.length,
        departure: Number(departure.toFixed(3)),
      },
      from: new Date(hours[0]!),
      to: new Date(hours.at(-1)!),
    });
  }
  return out;
}
