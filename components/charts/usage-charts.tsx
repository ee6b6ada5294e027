"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, type RefObject } from "react";
import {
  Bar,
  BarChart,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  useActiveTooltipDataPoints,
} from "recharts";
import { seriesColour, utcAxisTitle } from "@/components/charts/theme";
import type { TUsageSeries } from "@/lib/usage/analytics";
import { nextBucket, type TTimeBucket } from "@/lib/usage/buckets";
import { utcText } from "@/lib/utc";

const tick = (iso: string, bucket: TTimeBucket) =>
  bucket === "hour" ? utcText(iso) : bucket === "month" ? iso.slice(0, 7) : iso.slice(0, 10);
/** The x axis of both charts: the bucket labels, titled with the bucket (UTC hours, days or months). */
const timeAxis = (bucket: TTimeBucket) =>
  ({
    dataKey: "label",
    tick: { fontSize: 11 },
    minTickGap: 40,
    height: 40,
    label: { value: utcAxisTitle(bucket), position: "insideBottom", offset: -4, fontSize: 11 },
  }) as const;
const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** Keeps `intoRef` on the bucket the chart's tooltip shows (by pointer, or by arrow keys). */
function ActiveBucket({ intoRef }: { intoRef: RefObject<string | undefined> }) {
  const active = useActiveTooltipDataPoints<{ t: string }>()?.[0]?.t;
  useEffect(() => {
    intoRef.current = active;
  }, [active, intoRef]);
  return null;
}

/**
 * Requests (or tokens) per bucket, stacked by model or by the busiest accounts, computed from the
 * rollups in lib/usage/analytics.ts. Clicking a bar opens the raw rows of that bucket (the
 * drill-down keeps every other filter, from the URL); so does Enter on the bucket chosen with
 * the arrow keys (Recharts' keyboard layer: Tab to the chart, then left and right).
 */
export function UsageSeriesChart({ series, metric }: { series: TUsageSeries; metric: "requests" | "tokens" }) {
  const router = useRouter();
  const search = useSearchParams();
  const suffix = metric === "tokens" ? " tokens" : "";
  const data = series.points.map((p) => ({ ...p, label: tick(p.t, series.bucket) }));
  const activeBucket = useRef<string | undefined>(undefined);

  function drill(t: string) {
    const params = new URLSearchParams(search.toString());
    params.set("from", t);
    params.set("to", nextBucket(new Date(t), series.bucket).toISOString());
    params.set("view", "rows");
    router.push(`?${params.toString()}`, { scroll: false });
  }

  return (
    <figure
      aria-label={`${metric === "tokens" ? "Tokens" : "Requests"} over time`}
      onKeyDown={(event) => {
        if (event.key !== "Enter" || !activeBucket.current) return;
        event.preventDefault();
        drill(activeBucket.current);
      }}
    >
      <ResponsiveContainer width="100%" height={288}>
        <BarChart
          data={data}
          margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
          accessibilityLayer
          title={`${metric === "tokens" ? "Tokens" : "Requests"} over time: arrow keys move between buckets, Enter lists a bucket's rows`}
        >
          <ActiveBucket intoRef={activeBucket} />
          <XAxis {...timeAxis(series.bucket)} />
          <YAxis
            tickFormatter={(v: number) => compact.format(v)}
            tick={{ fontSize: 11 }}
            width={56}
            allowDecimals={false}
            label={{
              value: metric === "tokens" ? "Tokens" : "Requests",
              angle: -90,
              position: "insideLeft",
              fontSize: 11,
              style: { textAnchor: "middle" },
            }}
          />
          <Tooltip formatter={(v) => Number(v).toLocaleString("en")} />
          {/* Above the plot: below it, the x axis's title ran into it. */}
          <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12 }} />
          {series.keys.map((key, i) => (
            <Bar
              key={key}
              dataKey={`${key}${suffix}`}
              name={key}
              stackId="usage"
              fill={seriesColour(key, i)}
              isAnimationActive={false}
              cursor="pointer"
              onClick={(entry: { payload?: { t?: string } }) => entry.payload?.t && drill(entry.payload.t)}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="mt-1 text-xs text-slate-500">
        To see a bucket&rsquo;s rows, click its bar, or Tab to the chart, choose it with the arrow keys and press Enter.
      </figcaption>
    </figure>
  );
}

/** The share of requests refused by a rate limit, per bucket. */
export function RateLimitedChart({ series }: { series: TUsageSeries }) {
  const data = series.rateLimited.map((p) => ({
    label: tick(p.t, series.bucket),
    share: p.share === null ? null : Math.round(p.share * 1000) / 10, // no requests: a gap in the line
  }));
  return (
    <figure aria-label="Rate-limited share over time" className="h-48">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} title="Rate-limited share over time">
          <XAxis {...timeAxis(series.bucket)} />
          <YAxis unit="%" domain={[0, "auto"]} tick={{ fontSize: 11 }} width={56} />
          <Tooltip formatter={(v) => `${v}%`} />
          <Line dataKey="share" name="Rate-limited" stroke="#c2410c" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
