"use client";

import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmStep } from "@/components/ui/confirm-step";
import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import { ItemRelease, type TReleaseActions } from "@/components/releases/item-release";
import { useTimeZone } from "@/components/timeline/use-time-zone";
import { CONFIDENCE_LABELS, CONFIDENCES, EVENT_CATEGORIES, EVENT_CATEGORY_LABELS } from "@/lib/timeline/schemas";
import { offsetLabel, utcToZonedInput } from "@/lib/timeline/time";
import type { TTimelineEventView } from "@/lib/timeline/queries";

/** What the form edits: the list's view of an event (lib/timeline/queries.ts), less display-only fields. */
export type TEditableEvent = Omit<TTimelineEventView, "orgId" | "orgName" | "authorName" | "evidence"> & {
  evidence: { id: string }[];
};

type Props = {
  action: TFormAction;
  remove?: TFormAction;
  releaseActions?: TReleaseActions;
  event?: TEditableEvent;
  direct: boolean;
  orgName: string;
  evidence: { id: string; title: string }[];
  /** The case's own categories, offered as suggestions. */
  customCategories: string[];
  onDone?: () => void;
};

/** Add or edit one event. Times are typed in the chosen zone, which is shown beside them. */
export function EventForm({
  action,
  remove,
  releaseActions,
  event,
  direct,
  orgName,
  evidence,
  customCategories,
  onDone,
}: Props) {
  const [zone] = useTimeZone();
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action, { resetOnSuccess: !event });
  // A saved event closes the editor; the list below shows the result.
  useEffect(() => {
    if (event && state.ok) onDone?.();
  }, [event, state.ok, onDone]);
  // An opened editor takes focus on its heading and scrolls into view (on a phone it opens far above the row).
  const headingRef = useRef<HTMLHeadingElement>(null);
  const eventId = event?.id;
  useEffect(() => {
    if (!eventId) return;
    headingRef.current?.focus({ preventScroll: true });
    headingRef.current?.scrollIntoView({ block: "start" });
  }, [eventId]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "Escape" && event && onDone) {
      e.preventDefault();
      onDone();
    }
  };
  const v = (name: string, fallback: string) => refused?.[name] ?? fallback;
  const local = (iso: string | null | undefined) => (iso ? utcToZonedInput(new Date(iso), zone) : "");
  const linked = new Set(event?.evidence.map((e) => e.id));
  return (
    <div onKeyDown={onKeyDown} className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <form
        ref={formRef}
        onSubmit={onSubmit}
        aria-label={event ? "Edit event" : "Add event"}
        className="grid gap-3 md:grid-cols-2"
        key={`${event?.id ?? "new"}-${event?.version ?? 0}-${zone}`}
      >
        <h2
          ref={event ? headingRef : undefined}
          tabIndex={event ? -1 : undefined}
          className="scroll-mt-4 text-base font-semibold text-slate-900 focus:outline-none md:col-span-2"
        >
          {event ? "Edit event" : "Add an event"}
        </h2>
        {event && <input type="hidden" name="eventId" value={event.id} />}
        {event && <input type="hidden" name="version" value={event.version} />}
        <input type="hidden" name="timeZone" value={zone} />
        <Field name="occurredAt" label={`Occurred at (${zone}, ${offsetLabel(new Date(), zone)})`} state={state}>
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              step={1}
              required
              defaultValue={v("occurredAt", local(event?.occurredAt))}
            />
          )}
        </Field>
        <Field name="endsAt" label={`Ended at (optional, ${zone})`} state={state}>
          {(p) => <input {...p} type="datetime-local" step={1} defaultValue={v("endsAt", local(event?.endsAt))} />}
        </Field>
        <div className="md:col-span-2">
          <Field name="title" label="Title" state={state}>
            {(p) => <input {...p} required maxLength={300} defaultValue={v("title", event?.title ?? "")} />}
          </Field>
        </div>
        <Field name="category" label="Category" state={state}>
          {(p) => (
            <select {...p} defaultValue={v("category", event?.category ?? "API_ACCESS")}>
              {EVENT_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {EVENT_CATEGORY_LABELS[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          name="customCategory"
          label="Case category (optional)"
          state={state}
          hint="One of the case's own categories, or a new one."
        >
          {(p) => (
            <>
              <input
                {...p}
                maxLength={100}
                list="case-categories"
                defaultValue={v("customCategory", event?.customCategory ?? "")}
              />
              <datalist id="case-categories">
                {customCategories.map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field name="confidence" label="Confidence" state={state}>
          {(p) => (
            <select {...p} defaultValue={v("confidence", event?.confidence ?? "LIKELY")}>
              {CONFIDENCES.map((c) => (
                <option key={c} value={c}>
                  {CONFIDENCE_LABELS[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="source" label="Source" state={state} hint="Where this comes from: a log, a report, a person.">
          {(p) => <input {...p} maxLength={500} defaultValue={v("source", event?.source ?? "")} />}
        </Field>
        {direct ? (
          <Field name="visibility" label="Who can see it" state={state}>
            {(p) => (
              <select {...p} defaultValue={v("visibility", event?.visibility ?? "ALL_CASE_ORGS")}>
                <option value="ALL_CASE_ORGS">Every organisation on the case</option>
                <option value="OWNER_ORG_ONLY">{orgName} only</option>
              </select>
            )}
          </Field>
        ) : (
          <p className="self-end text-sm text-slate-600">
            This case releases items deliberately: the event is visible to {orgName} only until a lead releases it.
          </p>
        )}
        <div className="md:col-span-2">
          <Field name="description" label="Description" state={state}>
            {(p) => <textarea {...p} rows={3} defaultValue={v("description", event?.description ?? "")} />}
          </Field>
        </div>
        {evidence.length > 0 && (
          <fieldset className="md:col-span-2">
            <legend className="text-sm font-medium text-slate-700">Linked evidence</legend>
            <div className="mt-1 flex max-h-28 flex-wrap gap-x-4 gap-y-1 overflow-y-auto text-sm">
              {evidence.map((e) => (
                <label key={e.id} className="flex items-center gap-1">
                  <input type="checkbox" name="evidenceIds" value={e.id} defaultChecked={linked.has(e.id)} /> {e.title}
                </label>
              ))}
            </div>
            {state.fieldErrors?.evidenceIds && (
              <p className="mt-1 text-sm text-red-700">{state.fieldErrors.evidenceIds.join(" ")}</p>
            )}
          </fieldset>
        )}
        <div className="flex items-center gap-3 md:col-span-2">
          <SubmitButton pending={pending} pendingText="Saving…">
            {event ? "Save event" : "Add event"}
          </SubmitButton>
          {event && onDone && (
            <Button variant="secondary" onClick={onDone}>
              Close
            </Button>
          )}
          <FormMessage state={state} success={event ? "Event saved." : "Event added."} />
        </div>
      </form>
      {event && releaseActions && (
        <ItemRelease
          itemType="timeline_event"
          item={event}
          orgName={orgName}
          actions={releaseActions}
          onDone={onDone}
        />
      )}
      {event && remove && event.can.delete && <DeleteEvent event={event} action={remove} onDone={onDone} />}
    </div>
  );
}

/**
 * Deleting asks a second time, inline: the red button only reveals the real one. Set apart from
 * the release controls above it so that neither is pressed for the other.
 */
function DeleteEvent({ event, action, onDone }: { event: TEditableEvent; action: TFormAction; onDone?: () => void }) {
  const { formRef, onSubmit, pending, state } = useActionForm(action);
  useEffect(() => {
    if (state.ok) onDone?.();
  }, [state.ok, onDone]);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Delete event" className="mt-4 border-t border-red-200 pt-4">
      <input type="hidden" name="eventId" value={event.id} />
      <input type="hidden" name="version" value={event.version} />
      <ConfirmStep
        ask="Delete event"
        question="Delete this event?"
        confirm="Delete"
        pending={pending}
        pendingText="Deleting…"
      />
      <FormMessage state={state} success="Event deleted." />
    </form>
  );
}
