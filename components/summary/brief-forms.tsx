"use client";

import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import { ENFORCEMENT_KINDS, ENFORCEMENT_LABELS } from "@/lib/summary/schemas";

/** The leads' findings and next steps; saving makes a new version (a stale one conflicts). */
export function BriefTextForm({
  action,
  version,
  findings,
  nextSteps,
}: {
  action: TFormAction;
  version: number;
  findings: string;
  nextSteps: string;
}) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3 print:hidden" aria-label="Edit the brief">
      <input type="hidden" name="baseVersion" value={refused?.baseVersion ?? version} />
      <Field name="findings" label="Key findings" state={state} hint="Shown to executives of both organisations.">
        {(p) => <textarea {...p} rows={5} defaultValue={refused?.findings ?? findings} key={`f${version}`} />}
      </Field>
      <Field name="nextSteps" label="Recommended next steps" state={state}>
        {(p) => <textarea {...p} rows={3} defaultValue={refused?.nextSteps ?? nextSteps} key={`n${version}`} />}
      </Field>
      <FormMessage state={state} success="Saved as a new version." />
      <SubmitButton pending={pending}>Save version {version + 1}</SubmitButton>
    </form>
  );
}

type TOptions = {
  people: { id: string; name: string }[];
  orgs: { id: string; name: string }[];
  entities: { id: string; kind: string; value: string }[];
};

/** Records an enforcement action (leads). Targets come from the case's linkage entities. */
export function EnforcementForm({ action, options }: { action: TFormAction; options: TOptions }) {
  const { state, pending, formRef, onSubmit } = useActionForm(action, { resetOnSuccess: true });
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      className="grid gap-3 sm:grid-cols-2 print:hidden"
      aria-label="Record an enforcement action"
    >
      <Field name="kind" label="What was done" state={state}>
        {(p) => (
          <select {...p} defaultValue="ACCOUNT_SUSPENDED">
            {ENFORCEMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {ENFORCEMENT_LABELS[k]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="takenAt" label="When (UTC)" state={state}>
        {(p) => <input {...p} type="datetime-local" required />}
      </Field>
      <Field name="requestedById" label="Requested by" state={state}>
        {(p) => (
          <select {...p}>
            {options.people.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="orgId" label="Carried out in" state={state}>
        {(p) => (
          <select {...p}>
            {options.orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        name="carriedOutBy"
        label="Carried out by"
        state={state}
        hint="A person or team, e.g. Trust & Safety on-call."
      >
        {(p) => <input {...p} required maxLength={200} />}
      </Field>
      <Field name="entityIds" label="Targets" state={state} hint="Hold Ctrl or ⌘ to choose several.">
        {(p) => (
          <select {...p} multiple size={5}>
            {options.entities.map((e) => (
              <option key={e.id} value={e.id}>
                {e.kind.toLowerCase().replace("_", " ")}: {e.value}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="sm:col-span-2">
        <Field name="description" label="Description" state={state}>
          {(p) => <textarea {...p} rows={2} maxLength={2000} />}
        </Field>
      </div>
      <div className="space-y-2 sm:col-span-2">
        <FormMessage state={state} success="Recorded." />
        <SubmitButton pending={pending}>Record action</SubmitButton>
      </div>
    </form>
  );
}
