"use client";

import { useState } from "react";
import type { TFormAction } from "@/components/ui/form";
import { EventForm } from "@/components/timeline/event-form";
import type { TReleaseActions } from "@/components/timeline/event-release";
import { TimelineList } from "@/components/timeline/timeline-list";
import { TimeZonePicker } from "@/components/timeline/time-zone-picker";
import type { TTimelineEventView, TTimelineOptions, TTimelinePage } from "@/lib/timeline/queries";

type Props = { caseId: string; query: string; initial: TTimelinePage; options: TTimelineOptions; orgName: string; actions: { create: TFormAction; update: TFormAction; remove: TFormAction } & TReleaseActions };

/** The add/edit form and the list, sharing the chosen time zone and the event being edited. */
export function TimelineWorkspace({ caseId, query, initial, options, orgName, actions }: Props) {
  const [editing, setEditing] = useState<TTimelineEventView | null>(null);
  const common = { direct: options.direct, orgName, evidence: options.evidence };
  const { release, decide, withdraw } = actions;
  return (
    <div className="space-y-4">
      <TimeZonePicker />
      {editing ? (
        <EventForm key={editing.id} {...common} event={editing} action={actions.update} remove={actions.remove} releaseActions={{ release, decide, withdraw }} onDone={() => setEditing(null)} />
      ) : (
        options.canCreate && <EventForm {...common} action={actions.create} />
      )}
      <TimelineList caseId={caseId} query={query} initial={initial} onEdit={setEditing} />
    </div>
  );
}
