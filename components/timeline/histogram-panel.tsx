"use client";

import { useEffect, useState } from "react";
import { TimelineHistogram, type TBrushedRange } from "@/components/charts/timeline-histogram";
import { rememberTimeZone, useHydrated, useTimeZone } from "@/components/timeline/use-time-zone";
import type { THistogram } from "@/lib/timeline/queries";

/**
 * The histogram in the viewer's zone. The server draws it in the zone the browser last told it
 * (a cookie; UTC before that); when the chosen zone differs, the buckets are fetched again from
 * the histogram API for that zone, and the server's drawing is shown (labelled with its own
 * zone) until they arrive.
 */
export function HistogramPanel({
  caseId,
  query,
  initial,
  range,
}: {
  caseId: string;
  query: string;
  initial: THistogram;
  /** The brushed range as the page read it from the URL (TimelineHistogram). */
  range: TBrushedRange;
}) {
  const [zone] = useTimeZone();
  // While hydrating, the zone is the server's placeholder (UTC): act only on the browser's.
  const hydrated = useHydrated();
  const [fetched, setFetched] = useState<{ key: string; histogram: THistogram } | null>(null);
  const [error, setError] = useState<{ key: string; message: string } | null>(null);
  const key = `${zone}?${query}`;
  const stale = initial.timeZone !== zone && fetched?.key !== key;

  useEffect(() => {
    if (!hydrated) return;
    rememberTimeZone(zone);
    if (!stale) return;
    let cancelled = false;
    fetch(`/api/cases/${caseId}/timeline/histogram?${query}${query ? "&" : ""}timeZone=${encodeURIComponent(zone)}`)
      .then(async (r) => {
        if (!r.ok)
          throw new Error(
            ((await r.json().catch(() => ({}))) as { title?: string }).title ?? "Could not load the histogram.",
          );
        return (await r.json()) as THistogram;
      })
      .then((histogram) => {
        if (cancelled) return;
        setFetched({ key, histogram });
      })
      .catch((e: Error) => !cancelled && setError({ key, message: e.message }));
    return () => {
      cancelled = true;
    };
  }, [hydrated, caseId, query, zone, key, stale]);

  const histogram = initial.timeZone === zone ? initial : fetched?.key === key ? fetched.histogram : initial;
  // Both messages belong to the zone and filters now asked for: going back to the server's zone clears them.
  const failed = stale && error?.key === key ? error.message : null;
  return (
    <div aria-busy={hydrated && stale && !failed}>
      <TimelineHistogram histogram={histogram} range={range} />
      {failed && (
        <p role="alert" className="mt-1 text-sm text-red-700">{`${failed} Showing buckets in ${initial.timeZone}.`}</p>
      )}
      {hydrated && stale && !failed && (
        <p role="status" className="mt-1 text-sm text-slate-600">
          {`Counting events in ${zone}… showing ${initial.timeZone} until then.`}
        </p>
      )}
    </div>
  );
}
