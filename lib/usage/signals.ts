import "server-only";
import { getDb } from "@/lib/db";
import { ruleId, type TSignal, type TSignalSettings } from "@/lib/usage/signals-schema";
import { keyRotation, keysRetiredNearLimit, roundRobinKeys } from "@/lib/usage/signals-keys";
import { accountTies, groupsOf, hours, num, scopeSql, TIE_WORDS, type TSignalScope } from "@/lib/usage/signal-sql";

/** "a device, a payment instrument and a linked cluster". */
const WORD_LIST = new Intl.ListFormat("en-GB", { style: "long", type: "conjunction" });

// The abuse-signal rules, over the hourly rollups of the imports a viewer may see (never raw
// rows). Each rule answers its findings with the thresholds it used and the aggregates behind
// them. The caller chooses the imports: signals computed for one organisation are computed
// over exactly what that organisation can see, so no count includes another's private data.

export type { TSignalScope };

async function volumeSpikes(s: TSignalScope, t: TSignalSettings): Promise<TSignal[]> {
  const rows = await getDb().$queryRaw<
    { a: string; peak: number; med: number; spikes: number; peak_hour: Date; first: Date; last: Date }[]
  >`
    WITH h AS (
      SELECT "accountId" AS a, hour, sum(requests)::float8 AS r FROM "UsageHourly"
      WHERE ${scopeSql(s)} AND "accountId" <> '' GROUP BY 1, 2),
    -- Each account's hours as arrays: the spikes are then read against its median in one pass
    -- (a join of the hours to the medians was planned as a nested loop: 15 s for 2,000 accounts).
    g AS (
      SELECT a, percentile_cont(0.5) WITHIN GROUP (ORDER BY r) AS med, count(*) AS n, array_agg(r) AS rs, array_agg(hour) AS hs
      FROM h GROUP BY a)
    SELECT g.a, s.peak, g.med, s.spikes, s.peak_hour, s.first, s.last
    FROM g CROSS JOIN LATERAL (
      SELECT max(x.r) AS peak, count(*)::int AS spikes, (array_agg(x.hour ORDER BY x.r DESC))[1] AS peak_hour,
             min(x.hour) AS first, max(x.hour) AS last
      FROM unnest(g.rs, g.hs) AS x(r, hour)
      WHERE x.r >= ${t.spikeMinRequests} AND x.r >= ${t.spikeFactor} * g.med) s
    WHERE g.n >= 3 AND s.spikes > 0
    ORDER BY g.a`;
  return rows.map((r) => ({
    rule: ruleId("volume_spike"),
    subject: r.a,
    accounts: [r.a],
    score: num(r.peak) / (t.spikeFactor * num(r.med)),
    summary: `${r.a} made ${num(r.peak).toLocaleString("en")} requests in one hour, ${Math.round(num(r.peak) / num(r.med))}× its median hour (${r.spikes} such hours).`,
    params: { spikeFactor: t.spikeFactor, spikeMinRequests: t.spikeMinRequests },
    aggregates: {
      peakRequests: num(r.peak),
      medianHourlyRequests: num(r.med),
      spikeHours: r.spikes,
      peakHour: r.peak_hour,
    },
    from: r.first,
    to: r.last,
  }));
}

async function limitEvasion(s: TSignalScope, t: TSignalSettings): Promise<TSignal[]> {
  const db = getDb();
  const ties = await accountTies(s);
  const groups = groupsOf(ties);
  if (!groups.length) return [];
  const series = await db.$queryRaw<{ a: string; hour: Date; r: number }[]>`
    SELECT "accountId" AS a, hour, sum(requests)::float8 AS r FROM "UsageHourly"
    WHERE ${scopeSql(s)} AND "accountId" = ANY(${groups.flat()}) GROUP BY 1, 2`;
  const out: TSignal[] = [];
  for (const group of groups) {
    const members = new Set(group);
    const combined = new Map<number, number>();
    const memberPeak = new Map<string, number>();
    for (const row of series) {
      if (!members.has(row.a)) continue;
      combined.set(row.hour.getTime(), (combined.get(row.hour.getTime()) ?? 0) + num(row.r));
      memberPeak.set(row.a, Math.max(memberPeak.get(row.a) ?? 0, num(row.r)));
    }
    const over = [...combined].filter(([, r]) => r > t.accountHourlyRequestLimit).sort((x, y) => x[0] - y[0]);
    const eachUnder = [...memberPeak.values()].every((r) => r <= t.accountHourlyRequestLimit);
    if (!over.length || !eachUnder) continue;
    const peak = Math.max(...over.map(([, r]) => r));
    const shared = ties
      .filter((tie) => tie.accounts.some((a) => members.has(a)))
      .map((tie) => ({ kind: tie.kind, value: tie.value }));
    out.push({
      rule: ruleId("limit_evasion"),
      subject: group.join(", "),
      accounts: group,
      score: peak / t.accountHourlyRequestLimit,
      summary: `${group.length} accounts tied by ${WORD_LIST.format([...new Set(shared.map((x) => TIE_WORDS[x.kind] ?? x.kind.toLowerCase()))])} made up to ${peak.toLocaleString("en")} requests an hour together (limit ${t.accountHourlyRequestLimit.toLocaleString("en")}), each staying under it.`,
      params: { accountHourlyRequestLimit: t.accountHourlyRequestLimit },
      aggregates: {
        combinedPeak: peak,
        hoursOverLimit: over.length,
        memberPeaks: Object.fromEntries(memberPeak),
        shared,
      },
      from: new Date(over[0]![0]),
      to: new Date(over.at(-1)![0]),
    });
  }
  return out;
}

/** Coefficient of variation of a series over its active (non-zero) hours. */
function variation(values: Float64Array): number {
  let n = 0;
  let sum = 0;
  for (const v of values)
    if (v) {
      n++;
      sum += v;
    }
  if (n < 2) return 0;
  const mean = sum / n;
  let squares = 0;
  for (const v of values) if (v) squares += (v - mean) ** 2;
  return Math.sqrt(squares / n) / mean;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]! / n;
    my += y[i]! / n;
  }
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : 0;
}

async function synchronisedTraffic(s: TSignalScope, t: TSignalSettings): Promise<TSignal[]> {
  const rows = await getDb().$queryRaw<{ a: string; hour: Date; r: number }[]>`
    WITH top AS (
      SELECT "accountId" AS a FROM "UsageHourly" WHERE ${scopeSql(s)} AND "accountId" <> ''
      GROUP BY 1 ORDER BY sum(requests) DESC LIMIT ${t.syncTopAccounts})
    SELECT "accountId" AS a, hour, sum(requests)::float8 AS r FROM "UsageHourly"
    WHERE ${scopeSql(s)} AND "accountId" IN (SELECT a FROM top) GROUP BY 1, 2`;
  // Dense hourly arrays over the scope's span: a pair is then one pass over two arrays.
  let start = Infinity;
  let end = -Infinity;
  for (const r of rows) {
    start = Math.min(start, r.hour.getTime());
    end = Math.max(end, r.hour.getTime());
  }
  const span = rows.length ? end - start : 0;
  const width = Math.round(span / 3_600_000) + 1;
  const series = new Map<string, Float64Array>();
  for (const row of rows) {
    const values = series.get(row.a) ?? new Float64Array(width);
    values[Math.round((row.hour.getTime() - start) / 3_600_000)] = num(row.r);
    series.set(row.a, values);
  }
  // Flat traffic does not "rise and fall": two steady accounts correlate on the rounding of
  // their counts alone. Only series that vary hour to hour are compared.
  const accounts = [...series.keys()].filter((a) => variation(series.get(a)!) >= t.syncMinVariation).sort();
  const pairs: { a: string; b: string; r: number; hours: number; from: number; to: number }[] = [];
  const x = new Float64Array(width);
  const y = new Float64Array(width);
  for (let i = 0; i < accounts.length; i++) {
    const sa = series.get(accounts[i]!)!;
    for (let j = i + 1; j < accounts.length; j++) {
      const sb = series.get(accounts[j]!)!;
      // The hours in which either was active, in order.
      let n = 0;
      let first = -1;
      let last = -1;
      for (let h = 0; h < width; h++) {
        if (sa[h] === 0 && sb[h] === 0) continue;
        x[n] = sa[h]!;
        y[n] = sb[h]!;
        n++;
        if (first < 0) first = h;
        last = h;
      }
      if (n < t.syncMinHours) continue;
      const r = pearson(x.subarray(0, n), y.subarray(0, n));
      if (r >= t.syncMinCorrelation)
        pairs.push({
          a: accounts[i]!,
          b: accounts[j]!,
          r,
          hours: n,
          from: start + first * 3_600_000,
          to: start + last * 3_600_000,
        });
    }
  }
  return groupsOf(pairs.map((p) => ({ accounts: [p.a, p.b] }))).map((group) => {
    const inGroup = pairs.filter((p) => group.includes(p.a));
    const weakest = Math.min(...inGroup.map((p) => p.r));
    return {
      rule: ruleId("synchronised_traffic"),
      subject: group.join(", "),
      accounts: group,
      score: weakest / t.syncMinCorrelation,
      summary: `${group.length} accounts rise and fall together hour by hour (correlation at least ${weakest.toFixed(2)} over ${Math.min(...inGroup.map((p) => p.hours))}+ hours).`,
      params: {
        syncMinCorrelation: t.syncMinCorrelation,
        syncMinHours: t.syncMinHours,
        syncTopAccounts: t.syncTopAccounts,
        syncMinVariation: t.syncMinVariation,
      },
      aggregates: {
        pairs: inGroup.map((p) => ({ a: p.a, b: p.b, correlation: Number(p.r.toFixed(3)), hours: p.hours })),
      },
      from: new Date(Math.min(...inGroup.map((p) => p.from))),
      to: new Date(Math.max(...inGroup.map((p) => p.to))),
    };
  });
}

async function fastModelSwitching(s: TSignalScope, t: TSignalSettings): Promise<TSignal[]> {
  const window = `${t.switchDays} days`;
  const rows = await getDb().$queryRaw<
    { a: string; model: string; first: Date; new_r: number; all_r: number; before_r: number }[]
  >`
    WITH start AS (SELECT min(hour) AS s FROM "UsageHourly" WHERE ${scopeSql(s)}),
    models AS (
      SELECT model, min(hour) AS first FROM "UsageHourly" WHERE ${scopeSql(s)} AND model <> '' GROUP BY 1
      HAVING min(hour) > (SELECT s FROM start)),
    acc AS (
      SELECT u."accountId" AS a, m.model, m.first,
             sum(u.requests) FILTER (WHERE u.hour < m.first + ${window}::interval AND u.hour >= m.first AND u.model = m.model)::float8 AS new_r,
             sum(u.requests) FILTER (WHERE u.hour < m.first + ${window}::interval AND u.hour >= m.first)::float8 AS all_r,
             sum(u.requests) FILTER (WHERE u.hour < m.first)::float8 AS before_r
      FROM "UsageHourly" u CROSS JOIN models m
      WHERE ${scopeSql(s, "u.")} AND u."accountId" <> '' GROUP BY 1, 2, 3)
    SELECT * FROM acc WHERE before_r > 0 AND new_r > 0 AND new_r >= ${t.switchShare} * all_r ORDER BY a, model`;
  return rows.map((r) => ({
    rule: ruleId("fast_model_switching"),
    subject: r.a,
    accounts: [r.a],
    score: num(r.new_r) / num(r.all_r) / t.switchShare,
    summary: `${r.a} moved ${Math.round((100 * num(r.new_r)) / num(r.all_r))}% of its traffic to ${r.model} within ${t.switchDays} days of that model's first appearance.`,
    params: { switchShare: t.switchShare, switchDays: t.switchDays },
    aggregates: {
      model: r.model,
      modelFirstSeen: r.first,
      requestsOnNewModel: num(r.new_r),
      requestsInWindow: num(r.all_r),
      requestsBefore: num(r.before_r),
    },
    from: r.first,
    to: new Date(r.first.getTime() + t.switchDays * 86_400_000),
  }));
}

async function extractionShaped(s: TSignalScope, t: TSignalSettings): Promise<TSignal[]> {
  const rows = await getDb().$queryRaw<
    {
      a: string;
      req: number;
      inp: number;
      outp: number;
      active: number;
      span: number;
      cv: number;
      first: Date;
      last: Date;
    }[]
  >`
    WITH h AS (
      SELECT "accountId" AS a, hour, sum(requests)::float8 AS r, sum("inputTokens")::float8 AS i, sum("outputTokens")::float8 AS o
      FROM "UsageHourly" WHERE ${scopeSql(s)} AND "accountId" <> '' GROUP BY 1, 2)
    SELECT a, sum(r) AS req, sum(i) AS inp, sum(o) AS outp, count(*)::int AS active,
           extract(epoch FROM max(hour) - min(hour)) / 3600 + 1 AS span,
           coalesce(stddev_pop(r) / nullif(avg(r), 0), 0) AS cv, min(hour) AS first, max(hour) AS last
    FROM h GROUP BY a
    HAVING sum(r) >= ${t.extractionMinRequests} AND sum(o) >= ${t.extractionMinRatio} * greatest(sum(i), 1)
       AND coalesce(stddev_pop(r) / nullif(avg(r), 0), 0) <= ${t.extractionMaxVariation}
       AND count(*) >= 0.5 * (extract(epoch FROM max(hour) - min(hour)) / 3600 + 1)
    ORDER BY a`;
  return rows.map((r) => {
    const ratio = num(r.outp) / Math.max(num(r.inp), 1);
    return {
      rule: ruleId("extraction_shaped"),
      subject: r.a,
      accounts: [r.a],
      score: ratio / t.extractionMinRatio,
      summary: `${r.a} drew ${ratio.toFixed(1)} output tokens per input token over ${num(r.req).toLocaleString("en")} requests, steadily for ${hours(r.last.getTime() - r.first.getTime()) + 1} hours.`,
      params: {
        extractionMinRatio: t.extractionMinRatio,
        extractionMinRequests: t.extractionMinRequests,
        extractionMaxVariation: t.extractionMaxVariation,
      },
      aggregates: {
        requests: num(r.req),
        inputTokens: num(r.inp),
        outputTokens: num(r.outp),
        activeHours: r.active,
        spanHours: num(r.span),
        hourlyVariation: num(r.cv),
      },
      from: r.first,
      to: r.last,
    };
  });
}

/** Every rule over the scope's rollups: its findings, rule by rule. */
export async function computeSignals(scope: TSignalScope, settings: TSignalSettings): Promise<TSignal[]> {
  if (!scope.importIds.length) return [];
  const found = await Promise.all(
    [
      volumeSpikes,
      keyRotation,
      keysRetiredNearLimit,
      limitEvasion,
      synchronisedTraffic,
      roundRobinKeys,
      fastModelSwitching,
      extractionShaped,
    ].map((rule) => rule(scope, settings)),
  );
  return found.flat();
}
