"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useRef } from "react";
import { Bar, BarChart, Brush, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CATEGORY_COLOURS } from "@/components/charts/theme";
import { EVENT_CATEGORY_LABELS, type TEventCategory } from "@/lib/timeline/schemas";
import { utcToZonedInput } from "@/lib/timeline/time";
import type { THistogram } from "@/lib/timeline/queries";

/** A bucket's start on the wall clock of the zone it was computed in (its label). */
const label = (iso: string, seconds: number, zone: string) => {
  const local = utcToZonedInput(new Date(iso), zone);
  return seconds >= 86_400 ? local.slice(0, 10) : local.replace("T", " ");
};

/**
 * The range the list shows, as ISO times: the page's reading of the URL's from/to, so a bound it
 * could not read (and so did not apply) does not place the brush either.
 */
export type TBrushedRange = { from: string | null; to: string | null };

/**
 * Event counts per time bucket (computed in SQL in the histogram's zone), stacked by category:
 * the built-in ones, and the case's own most used categories in the colours the case chose.
 * Dragging the brush puts the selected range into the URL (from/to: the first bucket's start,
 * the last one's end), which is what the list below shows.
 */
export function TimelineHistogram({ histogram, range }: { histogram: THistogram; range: TBrushedRange }) {
  const router = useRouter();
  const search = useSearchParams();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const data = histogram.buckets.map((b) => ({
    label: label(b.t, histogram.bucketSeconds, histogram.timeZone),
    t: b.t,
    end: b.end,
    ...b.counts,
  }));
  // The case's own categories drawn as series: their names and the colours the case chose.
  const series = new Map(histogram.caseCategories.map((c) => [c.key, c]));
  const { from, to } = range;
  const startIndex = from
    ? Math.max(
        0,
        data.findIndex((d) => d.t >= from),
      )
    : 0;
  const endIdx = to ? data.findLastIndex((d) => d.t < to) : -1;
  const endIndex = endIdx >= 0 ? endIdx : data.length - 1;

  function select(range: { startIndex?: number; endIndex?: number }) {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const s = range.startIndex ?? 0;
      const e = range.endIndex ?? data.length - 1;
      const params = new URLSearchParams(search.toString());
      if (s === 0 && e === data.length - 1) {
        params.delete("from");
        params.delete("to");
      } else {
        params.set("from", data[s]!.t);
        params.set("to", data[e]!.end);
      }
      router.replace(`?${params.toString()}`, { scroll: false });
    }, 350);
  }

  const seriesName = (c: string) =>
    c === "WITHHELD"
      ? "Withheld (privileged)"
      : (series.get(c)?.name ?? EVENT_CATEGORY_LABELS[c as TEventCategory] ?? c);
  return (
    <div>
      <figure
        aria-label="Events over time"
        className="flex h-72 flex-col rounded-lg border border-slate-200 bg-white p-2"
      >
        <figcaption className="px-2 text-xs text-slate-500">Buckets in {histogram.timeZone}</figcaption>
        <div className="min-h-0 flex-1">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              data={data}
              margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
              title="Events over time: drag the brush's handles to choose the range listed below"
            >
              <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={40} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={48} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {histogram.categories.map((c) => (
                <Bar
                  key={c}
                  dataKey={c}
                  name={seriesName(c)}
                  stackId="events"
                  fill={series.get(c)?.colour ?? CATEGORY_COLOURS[c] ?? "#64748b"}
                  isAnimationActive={false}
                />
              ))}
              {data.length > 1 && (
                <Brush
                  dataKey="label"
                  height={24}
                  startIndex={startIndex}
                  endIndex={endIndex}
                  onChange={select}
                  travellerWidth={10}
                />
              )}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <details className="mt-1 text-sm">
        <summary className="cursor-pointer text-slate-700">View as table</summary>
        <div className="max-h-64 overflow-auto">
          <table className="min-w-full text-left text-xs">
            <caption className="sr-only">Events per bucket ({histogram.timeZone}) and category</caption>
            <thead>
              <tr>
                <th className="border-b px-2 py-1">Bucket start ({histogram.timeZone})</th>
                {histogram.categories.map((c) => (
                  <th key={c} className="border-b px-2 py-1">
                    {seriesName(c)}
                  </th>
                ))}
                <th className="border-b px-2 py-1">Events</th>
              </tr>
            </thead>
            <tbody>
              {histogram.buckets
                .filter((b) => b.total > 0)
                .map((b) => (
                  <tr key={b.t}>
                    <td className="border-b px-2 py-1 font-mono">
                      {label(b.t, histogram.bucketSeconds, histogram.timeZone)}
                    </td>
                    {histogram.categories.map((c) => (
                      <td key={c} className="border-b px-2 py-1 font-mono">
                        {b.counts[c] ?? 0}
                      </td>
                    ))}
                    <td className="border-b px-2 py-1 font-mono">{b.total}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
