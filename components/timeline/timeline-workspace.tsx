"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { TFormAction } from "@/components/ui/form";
import { EventForm } from "@/components/timeline/event-form";
import type { TReleaseActions } from "@/components/releases/item-release";
import { TimelineList, type TPrivilegeActions } from "@/components/timeline/timeline-list";
import { TimeZonePicker } from "@/components/timeline/time-zone-picker";
import type { TTimelineEventView, TTimelineOptions, TTimelinePage } from "@/lib/timeline/queries";

type Props = {
  caseId: string;
  query: string;
  initial: TTimelinePage;
  options: TTimelineOptions;
  orgName: string;
  actions: { create: TFormAction; update: TFormAction; remove: TFormAction } & TReleaseActions & TPrivilegeActions;
};

/** The add/edit form and the list, sharing the chosen time zone and the event being edited. */
export function TimelineWorkspace({ caseId, query, initial, options, orgName, actions }: Props) {
  const [editing, setEditing] = useState<TTimelineEventView | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  // The event whose Edit button gets focus back when the editor closes (saved, deleted, released or closed).
  const returnTo = useRef<string | null>(null);
  const open = useCallback((event: TTimelineEventView) => {
    returnTo.current = event.id;
    setEditing(event);
  }, []);
  const close = useCallback(() => setEditing(null), []);
  useEffect(() => {
    if (editing || returnTo.current === null) return;
    const id = returnTo.current;
    returnTo.current = null;
    // A deleted (or filtered out, or scrolled away) event has no button: the list takes focus
    // instead, or, when the list is empty (and hidden), the add form's button, else the time zone
    // picker, which is always there.
    const root = rootRef.current;
    const feed = root?.querySelector<HTMLElement>("[data-timeline-list]");
    const add = root?.querySelector<HTMLElement>('form[aria-label="Add event"] button[type="submit"]');
    const target =
      root?.querySelector<HTMLElement>(`[data-edit-event="${CSS.escape(id)}"]`) ??
      (feed?.querySelector("article") ? feed : add) ??
      root?.querySelector<HTMLElement>('select[aria-label="Time zone"]');
    target?.focus();
  }, [editing]);
  const common = {
    direct: options.direct,
    orgName,
    evidence: options.evidence,
    customCategories: options.customCategories,
  };
  const { release, decide, withdraw } = actions;
  return (
    <div ref={rootRef} className="space-y-4">
      <TimeZonePicker />
      {editing ? (
        <EventForm
          key={editing.id}
          {...common}
          event={editing}
          action={actions.update}
          remove={actions.remove}
          releaseActions={{ release, decide, withdraw }}
          onDone={close}
        />
      ) : (
        options.canCreate && <EventForm {...common} action={actions.create} />
      )}
      <TimelineList
        caseId={caseId}
        query={query}
        initial={initial}
        onEdit={open}
        privilege={{ flag: actions.flag, unflag: actions.unflag }}
      />
    </div>
  );
}
