"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { cbSafeColour, utcAxisTitle } from "@/components/charts/theme";
import { humanise } from "@/components/cases/case-badges";
import type { TChart } from "@/lib/summary/charts";

// The summary's charts: each a titled figure with axis labels (and units), a keyboard-focusable
// plot (Recharts' accessibility layer: arrow keys move the tooltip), and its data as a table
// behind "View as table". Series colours are the Okabe–Ito palette; every series is named.

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const full = new Intl.NumberFormat("en");

type TProps = {
  title: string;
  chart: TChart;
  kind: "line" | "bar";
  xLabel: string;
  yLabel: string;
  stacked?: boolean;
};

/** A series' name as people read it: a code (ON_HOLD, requests) in words, a name as it is. */
const seriesName = (key: string) => (/^([A-Z_]+|[a-z_]+)$/.test(key) ? humanise(key.toUpperCase()) : key);

export function SummaryChart({ title, chart, kind, xLabel, yLabel, stacked }: TProps) {
  const id = title.toLowerCase().replace(/\W+/g, "-");
  const empty = chart.keys.length === 0 || chart.points.every((p) => chart.keys.every((k) => !Number(p[k])));
  const axes = (
    <>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <XAxis
        dataKey="t"
        tick={{ fontSize: 11 }}
        minTickGap={24}
        label={{ value: xLabel, position: "insideBottom", offset: -4, fontSize: 11 }}
        height={40}
      />
      <YAxis
        tickFormatter={(v: number) => compact.format(v)}
        tick={{ fontSize: 11 }}
        width={56}
        allowDecimals={false}
        label={{ value: yLabel, angle: -90, position: "insideLeft", fontSize: 11, style: { textAnchor: "middle" } }}
      />
      <Tooltip formatter={(v) => full.format(Number(v))} />
      {/* Above the plot: below it, the x axis's label ran into it. */}
      <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12 }} />
    </>
  );
  return (
    <figure aria-labelledby={`${id}-title`} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <figcaption id={`${id}-title`} className="mb-2 font-semibold text-slate-900">
        {title}
      </figcaption>
      {empty ? (
        <p className="py-10 text-center text-sm text-slate-500">No data in this period.</p>
      ) : (
        // Focusable for keyboard users: the plot's own accessibility layer then takes arrow keys.
        <div
          className="focus-visible:ring-brand-600 h-64 rounded focus-visible:ring-2 focus-visible:outline-none"
          data-chart={id}
          tabIndex={0}
          role="group"
          aria-label={`${title}: chart; its values are under "View as table"`}
        >
          <ResponsiveContainer width="100%" height="100%">
            {kind === "line" ? (
              <LineChart
                data={chart.points}
                margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
                accessibilityLayer
                title={`${title}: arrow keys move between points`}
              >
                {axes}
                {chart.keys.map((key, i) => (
                  <Line
                    key={key}
                    dataKey={key}
                    name={seriesName(key)}
                    stroke={cbSafeColour(key, i)}
                    strokeWidth={2}
                    strokeDasharray={i % 2 ? "5 3" : undefined}
                    dot={{ r: 2 }}
                    isAnimationActive={false}
                  />
                ))}
              </LineChart>
            ) : (
              <BarChart
                data={chart.points}
                margin={{ top: 8, right: 16, bottom: 8, left: 8 }}
                accessibilityLayer
                title={`${title}: arrow keys move between points`}
              >
                {axes}
                {chart.keys.map((key, i) => (
                  <Bar
                    key={key}
                    dataKey={key}
                    name={seriesName(key)}
                    stackId={stacked ? "s" : undefined}
                    fill={cbSafeColour(key, i)}
                    isAnimationActive={false}
                  />
                ))}
              </BarChart>
            )}
          </ResponsiveContainer>
        </div>
      )}
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-700">View as table</summary>
        <div className="mt-2 max-h-64 overflow-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col" className="py-1 pr-3">
                  {xLabel}
                </th>
                {chart.keys.map((k) => (
                  <th key={k} scope="col" className="py-1 pr-3 text-right">
                    {seriesName(k)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {chart.points.map((p) => (
                <tr key={p.t} className="border-t border-slate-100">
                  <th scope="row" className="py-1 pr-3 font-normal">
                    {p.t}
                  </th>
                  {chart.keys.map((k) => (
                    <td key={k} className="py-1 pr-3 text-right tabular-nums">
                      {full.format(Number(p[k] ?? 0))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** A small bar chart of a case's requests per bucket, for the brief. */
export function BriefUsageChart({ points, bucket }: { points: { t: string; requests: number }[]; bucket: string }) {
  return (
    <SummaryChart
      title={`Requests per ${bucket}`}
      chart={{ keys: ["requests"], points }}
      kind="bar"
      xLabel={utcAxisTitle(bucket)}
      yLabel="Requests (count)"
    />
  );
}
