"use client";

import { useEffect } from "react";
import { Badge } from "@/components/ui/badge";
import { FormMessage, useActionForm, type TFormAction } from "@/components/ui/form";
import { ReasonForm } from "@/components/ui/reason-form";
import type { TItemRelease, TReleaseState } from "@/lib/releases/queries";
import type { TItemType } from "@/lib/releases/items";

export type TReleaseActions = { release: TFormAction; decide: TFormAction; withdraw: TFormAction };

/** What the controls need of an item: lib/releases/queries.ts getItemReleases, as every list returns it. */
export type TReleasable = {
  id: string;
  releaseState: TReleaseState;
  release: TItemRelease["release"];
  can: TItemRelease["can"];
};

const NOUN: Record<TItemType, string> = { note: "note", evidence: "evidence", timeline_event: "event" };

/** Where an item stands on release; nothing for an item shared from the start. */
export function ReleaseBadge({ state, orgName }: { state: TReleaseState; orgName: string }) {
  if (state === "OWNER_ORG_ONLY") return <Badge tone="amber">{orgName} only</Badge>;
  if (state === "PENDING") return <Badge tone="blue">Pending approval</Badge>;
  if (state === "RELEASED") return <Badge tone="green">Released</Badge>;
  return null;
}

/**
 * The release controls of one item of any kind, through the generic release actions: release
 * with a reason, approve or reject a pending release (a second person), withdraw a release in
 * force. Each shows only where `can` (the policy, computed by the server) allows it; where none
 * does, a line says who can. `onDone` runs after a decision (e.g. to close an editor).
 */
export function ItemRelease({
  itemType,
  item,
  orgName,
  actions,
  onDone,
}: {
  itemType: TItemType;
  item: TReleasable;
  orgName: string;
  actions: TReleaseActions;
  onDone?: () => void;
}) {
  const noun = NOUN[itemType];
  const pending = item.releaseState === "PENDING" ? item.release : null;
  const why = whyNoControl(item, orgName);
  return (
    <section aria-label="Release" className="space-y-2 border-t border-slate-200 pt-3">
      <p className="flex items-center gap-2 text-sm text-slate-700">
        Visibility: <ReleaseBadge state={item.releaseState} orgName={orgName} />
        {item.releaseState === "SHARED" && "every organisation on the case"}
      </p>
      {pending && (
        <p className="text-sm text-slate-700">
          {pending.requestedByName} asked to release this {noun}: “{pending.reason}”
        </p>
      )}
      {item.releaseState === "RELEASED" && item.release && (
        <p className="text-sm text-slate-700">
          Released at the request of {item.release.requestedByName}: “{item.release.reason}”
        </p>
      )}
      {why && <p className="text-sm text-slate-600">{why}</p>}
      {item.can.release && (
        <ReasonForm
          action={actions.release}
          hidden={{ itemType, itemId: item.id }}
          name={`Release ${noun}`}
          label="Release to partner organisations — what and why"
          button="Release"
          pendingText="Releasing…"
          onDone={onDone}
        />
      )}
      {item.can.approve && pending && <DecideForm action={actions.decide} releaseId={pending.id} onDone={onDone} />}
      {item.can.withdraw && item.release && (
        <ReasonForm
          action={actions.withdraw}
          hidden={{ releaseId: item.release.id }}
          name="Withdraw release"
          label="Withdraw the release — why"
          button="Withdraw release"
          pendingText="Withdrawing…"
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

/** Approve or reject: the submit button pressed says which (`approve` = approve | reject). */
function DecideForm({ action, releaseId, onDone }: { action: TFormAction; releaseId: string; onDone?: () => void }) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  useEffect(() => {
    if (state.ok) onDone?.();
  }, [state.ok, onDone]);
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
