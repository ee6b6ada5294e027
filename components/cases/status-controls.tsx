"use client";

import { useActionState } from "react";
import { humanise } from "@/components/cases/case-badges";
import { ConfirmStep } from "@/components/ui/confirm-step";
import { FormMessage, SubmitButton, type TFormAction } from "@/components/ui/form";

export function StatusControl({
  action,
  status,
  version,
  statuses,
}: {
  action: TFormAction;
  status: string;
  version: number;
  statuses: readonly string[];
}) {
  const [state, formAction] = useActionState(action, { ok: false });
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="version" value={version} />
      <label htmlFor="status" className="block text-sm font-medium text-slate-700">
        Status
      </label>
      <div className="flex gap-2">
        <select
          id="status"
          name="status"
          defaultValue={status}
          className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        >
          {statuses.map((s) => (
            <option key={s} value={s}>
              {humanise(s)}
            </option>
          ))}
        </select>
        <SubmitButton variant="secondary">Change status</SubmitButton>
      </div>
      <FormMessage state={state} success="Status changed." />
    </form>
  );
}

export function LegalHoldControl({
  action,
  legalHold,
  version,
}: {
  action: TFormAction;
  legalHold: boolean;
  version: number;
}) {
  const [state, formAction] = useActionState(action, { ok: false });
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="legalHold" value={legalHold ? "off" : "on"} />
      <p className="text-sm font-medium text-slate-700">Legal hold</p>
      <p className="text-sm text-slate-600">
        {legalHold ? "On: nothing in this case may be deleted or purged." : "Off."}
      </p>
      {legalHold ? (
        // Lifting lets every item be edited and deleted again: asked a second time.
        <ConfirmStep
          ask="Lift legal hold…"
          question="Lift the hold? Notes, evidence and events can then be edited and deleted again."
          confirm="Lift legal hold"
          pendingText="Lifting…"
          askVariant="secondary"
        />
      ) : (
        <SubmitButton variant="danger">Set legal hold</SubmitButton>
      )}
      <FormMessage state={state} success={legalHold ? "Legal hold set." : "Legal hold lifted."} />
    </form>
  );
}
