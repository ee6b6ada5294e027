"use client";

import { useEffect } from "react";
import { Badge } from "@/components/ui/badge";
import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import type { TTimelineEventView } from "@/lib/timeline/queries";

export type TReleaseActions = { release: TFormAction; decide: TFormAction; withdraw: TFormAction };
type TReleasable = Pick<TTimelineEventView, "id" | "releaseState" | "release" | "can">;

/** Where an event stands on release; nothing for an event shared from the start. */
export function ReleaseBadge({ state, orgName }: { state: TTimelineEventView["releaseState"]; orgName: string }) {
  if (state === "OWNER_ORG_ONLY") return <Badge tone="amber">{orgName} only</Badge>;
  if (state === "PENDING") return <Badge tone="blue">Pending approval</Badge>;
  if (state === "RELEASED") return <Badge tone="green">Released</Badge>;
  return null;
}

/**
 * The release controls of one event, through the generic release actions (the notes and
 * evidence mechanism): release with a reason, approve or reject a pending release (a second
 * person), withdraw a release in force. Each shows only where `can` (the policy) allows it. A
 * decision closes the editor: the list shows the new state.
 */
export function EventRelease({
  event,
  orgName,
  actions,
  onDone,
}: {
  event: TReleasable;
  orgName: string;
  actions: TReleaseActions;
  onDone?: () => void;
}) {
  const pending = event.releaseState === "PENDING" ? event.release : null;
  const why = whyNoControl(event, orgName);
  return (
    <section aria-label="Release" className="space-y-2 border-t border-slate-200 pt-3">
      <p className="flex items-center gap-2 text-sm text-slate-700">
        Visibility: <ReleaseBadge state={event.releaseState} orgName={orgName} />
        {event.releaseState === "SHARED" && "every organisation on the case"}
      </p>
      {pending && (
        <p className="text-sm text-slate-700">
          {pending.requestedByName} asked to release this event: “{pending.reason}”
        </p>
      )}
      {why && <p className="text-sm text-slate-600">{why}</p>}
      {event.can.release && (
        <ReasonForm
          action={actions.release}
          hidden={{ itemType: "timeline_event", itemId: event.id }}
          name="Release event"
          label="Release to partner organisations — what and why"
          button="Release"
          onDone={onDone}
        />
      )}
      {event.can.approve && pending && <DecideForm action={actions.decide} releaseId={pending.id} onDone={onDone} />}
      {event.can.withdraw && event.release && (
        <ReasonForm
          action={actions.withdraw}
          hidden={{ releaseId: event.release.id }}
          name="Withdraw release"
          label="Withdraw the release — why"
          button="Withdraw release"
          onDone={onDone}
        />
      )}
    </section>
  );
}

/**
 * Why a state shows no button, from the rules in lib/auth/permissions.ts (canOnItem): only a lead
 * of the organisation releases or withdraws; a lead or investigator other than the requester
 * approves. Only words: the buttons themselves come from `can`, which the server computed.
 */
function whyNoControl({ releaseState, release, can }: TReleasable, orgName: string): string | null {
  if (releaseState === "OWNER_ORG_ONLY" && !can.release) return `Only a lead of ${orgName} can release it.`;
  if (releaseState === "PENDING" && !can.approve)
    return `Waiting for a lead or investigator of ${orgName}${release ? ` other than ${release.requestedByName}` : ""} to approve.`;
  if (releaseState === "RELEASED" && !can.withdraw) return `Only a lead of ${orgName} can withdraw the release.`;
  return null;
}

function useCloseOnSuccess(ok: boolean, onDone?: () => void) {
  useEffect(() => {
    if (ok) onDone?.();
  }, [ok, onDone]);
}

function ReasonForm({
  action,
  hidden,
  name,
  label,
  button,
  onDone,
}: {
  action: TFormAction;
  hidden: Record<string, string>;
  name: string;
  label: string;
  button: string;
  onDone?: () => void;
}) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  useCloseOnSuccess(state.ok, onDone);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label={name} className="flex flex-wrap items-end gap-2">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <div className="flex-1">
        <Field name="reason" label={label} state={state}>
          {(p) => <input {...p} required minLength={3} />}
        </Field>
      </div>
      <SubmitButton variant="secondary" pending={pending}>
        {button}
      </SubmitButton>
      <div className="w-full">
        <FormMessage state={state} />
      </div>
    </form>
  );
}

/** Approve or reject: the submit button pressed says which (`approve` = approve | reject). */
function DecideForm({ action, releaseId, onDone }: { action: TFormAction; releaseId: string; onDone?: () => void }) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  useCloseOnSuccess(state.ok, onDone);
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      aria-label="Decide release"
      className="flex flex-wrap items-center gap-2 rounded-md bg-blue-50 p-3"
    >
      <input type="hidden" name="releaseId" value={releaseId} />
      <button
        name="approve"
        value="approve"
        disabled={pending}
        className="bg-brand-600 rounded-md px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
      >
        Approve release
      </button>
      <button
        name="approve"
        value="reject"
        disabled={pending}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm disabled:opacity-60"
      >
        Reject
      </button>
      <div className="w-full">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
