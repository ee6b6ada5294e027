"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { ReleaseBadge } from "@/components/releases/item-release";
import { PrivilegeControl } from "@/components/privilege/privilege-control";
import { PrivilegedBadge, WithheldBadge, withheldLabel } from "@/components/privilege/withheld";
import type { TFormAction } from "@/components/ui/form";
import { useTimeZone } from "@/components/timeline/use-time-zone";
import { CONFIDENCE_LABELS, EVENT_CATEGORY_LABELS, type TEventCategory } from "@/lib/timeline/schemas";
import { offsetLabel, utcToZonedInput, zonedDay } from "@/lib/timeline/time";
import type { TTimelineEventView, TTimelinePage } from "@/lib/timeline/queries";
import { InertText } from "@/components/ui/inert-text";

type TRow = { kind: "day"; day: string } | { kind: "event"; event: TTimelineEventView };
export type TPrivilegeActions = { flag: TFormAction; unflag: TFormAction };

const PAGE = 200;

/**
 * The events, grouped by day in the chosen zone, virtualised (only the rows on screen are in
 * the DOM) and loaded a keyset page at a time from the list API as the reader nears the end.
 */
export function TimelineList({
  caseId,
  query,
  initial,
  onEdit,
  privilege,
}: {
  caseId: string;
  query: string;
  initial: TTimelinePage;
  onEdit: (e: TTimelineEventView) => void;
  privilege: TPrivilegeActions;
}) {
  const [zone] = useTimeZone();
  const [pages, setPages] = useState({ initial, items: initial.items, next: initial.nextCursor });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // New server data (filters changed, an event saved): start again from it.
  if (pages.initial !== initial) setPages({ initial, items: initial.items, next: initial.nextCursor });

  // Each event's day is worked out once per zone: Intl formatting costs microseconds an event,
  // and every appended page regroups all loaded events (with 30,000 loaded that froze ~170 ms a page).
  const dayOf = useMemo(() => {
    const days = new WeakMap<TTimelineEventView, string>();
    return (event: TTimelineEventView) =>
      days.get(event) ?? days.set(event, zonedDay(new Date(event.occurredAt), zone)).get(event)!;
  }, [zone]);
  const rows = useMemo(() => {
    const out: TRow[] = [];
    let day = "";
    for (const event of pages.items) {
      const d = dayOf(event);
      if (d !== day) out.push({ kind: "day", day: (day = d) });
      out.push({ kind: "event", event });
    }
    return out;
  }, [pages.items, dayOf]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer re-renders this component on scroll; none of its functions are memoised or passed down
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i]?.kind === "day" ? 36 : 84),
    overscan: 10,
  });
  const visible = virtualizer.getVirtualItems();
  const lastIndex = visible.at(-1)?.index ?? 0;

  useEffect(() => {
    if (!pages.next || loading || error || lastIndex < rows.length - 20) return;
    const cursor = pages.next;
    setLoading(true);
    fetch(`/api/cases/${caseId}/timeline?${query}${query ? "&" : ""}cursor=${encodeURIComponent(cursor)}&limit=${PAGE}`)
      .then(async (r) => {
        if (!r.ok)
          throw new Error(
            ((await r.json().catch(() => ({}))) as { title?: string }).title ?? "Could not load more events.",
          );
        return (await r.json()) as TTimelinePage;
      })
      .then((page) =>
        setPages((p) => (p.next === cursor ? { ...p, items: [...p.items, ...page.items], next: page.nextCursor } : p)),
      )
      .catch((e: Error) => setError(e.message))
      .finally(() => setLoading(false));
  }, [caseId, query, pages.next, loading, error, lastIndex, rows.length]);

  return (
    <div>
      {/* Empty, the list is hidden and the status line silent: the page above says why there is nothing. */}
      <div
        ref={scrollRef}
        tabIndex={-1}
        hidden={rows.length === 0}
        className="focus-visible:ring-brand-600 h-[70vh] overflow-y-auto rounded-lg border border-slate-200 bg-white focus:outline-none focus-visible:ring-2"
        role="region"
        aria-label="Timeline events"
        data-timeline-list
        aria-busy={loading}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {visible.map((v) => {
            const row = rows[v.index]!;
            return (
              <div
                key={v.key}
                data-index={v.index}
                ref={virtualizer.measureElement}
                className="absolute inset-x-0"
                style={{ transform: `translateY(${v.start}px)` }}
              >
                {row.kind === "day" ? (
                  <h3 className="sticky top-0 border-b border-slate-200 bg-slate-50 px-4 py-2 text-sm font-semibold text-slate-700">
                    {row.day}
                  </h3>
                ) : (
                  <EventRow event={row.event} zone={zone} onEdit={onEdit} privilege={privilege} />
                )}
              </div>
            );
          })}
        </div>
      </div>
      <p role="status" aria-live="polite" className="mt-2 text-sm text-slate-600">
        {error ??
          (loading
            ? "Loading more events…"
            : pages.items.length > 0 &&
              `${pages.items.length.toLocaleString("en")} events loaded${pages.next ? "; scroll for more" : ""}. Times in ${zone}.`)}
      </p>
    </div>
  );
}

function EventRow({
  event,
  zone,
  onEdit,
  privilege,
}: {
  event: TTimelineEventView;
  zone: string;
  onEdit: (e: TTimelineEventView) => void;
  privilege: TPrivilegeActions;
}) {
  const at = new Date(event.occurredAt);
  const end = event.endsAt ? new Date(event.endsAt) : null;
  if (event.withheld && event.privilegeBasis)
    return (
      <article
        aria-label={withheldLabel(event.privilegeBasis)}
        className="grid grid-cols-[1fr] gap-x-4 gap-y-1 border-b border-slate-100 px-4 py-3 text-sm sm:grid-cols-[10rem_1fr]"
      >
        <time dateTime={event.occurredAt} className="font-mono text-slate-700">
          {utcToZonedInput(at, zone).slice(11)} <span className="text-xs text-slate-500">{offsetLabel(at, zone)}</span>
        </time>
        <div>
          <WithheldBadge basis={event.privilegeBasis} />
          <p className="mt-1 text-xs text-slate-600">
            Timeline event <span className="font-mono">{event.id.slice(0, 8)}</span>: its content is for the owning
            organisation&apos;s legal reviewers and leads only.
          </p>
        </div>
      </article>
    );
  return (
    // On a phone the time and the Edit button share the first line and the text takes the full width
    // below; from sm the time is a 10rem column. Rows differ in height: the list measures each one.
    <article
      aria-label={event.title}
      className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 border-b border-slate-100 px-4 py-3 text-sm sm:grid-cols-[10rem_1fr_auto]"
    >
      <time dateTime={event.occurredAt} className="font-mono text-slate-700">
        {utcToZonedInput(at, zone).slice(11)} <span className="text-xs text-slate-500">{offsetLabel(at, zone)}</span>
        {end && (
          <span className="block text-xs text-slate-500">until {utcToZonedInput(end, zone).replace("T", " ")}</span>
        )}
      </time>
      <div className="col-span-2 row-start-2 min-w-0 sm:col-span-1 sm:col-start-2 sm:row-start-1">
        <p className="font-medium break-words text-slate-900">
          <InertText text={event.title} />
        </p>
        <p className="text-xs text-slate-600">
          {event.customCategory ?? EVENT_CATEGORY_LABELS[event.category as TEventCategory] ?? event.category} ·{" "}
          {CONFIDENCE_LABELS[event.confidence as keyof typeof CONFIDENCE_LABELS] ?? event.confidence}
          {event.source && ` · ${event.source}`} · {event.orgName}{" "}
          <ReleaseBadge state={event.releaseState} orgName={event.orgName} />
        </p>
        {event.description && <p className="mt-1 line-clamp-2 text-slate-700">{event.description}</p>}
        {event.attributes && <EventAttributes attributes={event.attributes} />}
        {event.evidence.length > 0 && (
          <p className="mt-1 text-xs text-slate-600">Evidence: {event.evidence.map((e) => e.title).join(", ")}</p>
        )}
        {event.privileged && (
          <p className="mt-1">
            <PrivilegedBadge basis={event.privilegeBasis} />
          </p>
        )}
        {event.can.flagPrivilege && (
          <details className="mt-1 text-xs">
            <summary className="cursor-pointer text-slate-600">Privilege</summary>
            <div className="mt-2 max-w-xl">
              <PrivilegeControl
                flag={privilege.flag}
                unflag={privilege.unflag}
                itemType="timeline_event"
                itemId={event.id}
                item={event}
              />
            </div>
          </details>
        )}
      </div>
      {/* The editor also holds the release controls: whoever may release, approve or withdraw
          (a lead or investigator of the event's organisation) may edit it. */}
      {event.can.edit && (
        <button
          type="button"
          data-edit-event={event.id}
          onClick={() => onEdit(event)}
          className="col-start-2 row-start-1 self-start justify-self-end rounded-md border border-slate-300 px-2 py-1 text-xs whitespace-nowrap hover:bg-slate-50 sm:col-start-3"
          aria-label={`${event.can.approve ? "Review release of" : "Edit"} ${event.title}`}
        >
          {event.can.approve ? "Review release" : "Edit"}
        </button>
      )}
    </article>
  );
}

/** An imported event's extra columns, as they were in the file (folded: a row can carry dozens). */
function EventAttributes({ attributes }: { attributes: Record<string, string> }) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <details className="mt-1 text-xs text-slate-700">
      <summary className="cursor-pointer text-slate-600">
        {entries.length} {entries.length === 1 ? "attribute" : "attributes"} from the imported file
      </summary>
      <dl className="mt-1 grid grid-cols-[minmax(6rem,auto)_1fr] gap-x-3 gap-y-0.5">
        {entries.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="font-mono text-slate-600">{k}</dt>
            <dd className="font-mono break-all whitespace-pre-wrap">{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
