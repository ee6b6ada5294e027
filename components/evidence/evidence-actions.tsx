"use client";

import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import { EVIDENCE_KIND_LABELS, EVIDENCE_KINDS } from "@/lib/evidence/schemas";

/** One-click action with a result message (verify one item, verify the whole case). */
export function ActionButton({
  action,
  label,
  pendingText,
  hidden = {},
}: {
  action: TFormAction;
  label: string;
  pendingText: string;
  hidden?: Record<string, string>;
}) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <SubmitButton variant="secondary" pending={pending} pendingText={pendingText}>
        {label}
      </SubmitButton>
      <FormMessage state={state} success={state.message} />
    </form>
  );
}

type TEditable = {
  version: number;
  title: string;
  kind: string;
  source: string;
  collectedAt: string;
  collectedBy: string;
  description: string;
  tags: string;
};

/**
 * A stored time (ISO, UTC) as a datetime-local input's value and step: to the second, or to the
 * millisecond when it has some, so saving other fields never changes it.
 */
function utcInput(iso: string): { defaultValue: string; step: number } {
  const withMs = /\.\d*[1-9]/.test(iso);
  return { defaultValue: iso.slice(0, withMs ? 23 : 19), step: withMs ? 0.001 : 1 };
}

export function EvidenceEditForm({ action, evidence }: { action: TFormAction; evidence: TEditable }) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  const v = { ...evidence, ...refused };
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3" key={evidence.version}>
      <input type="hidden" name="version" value={evidence.version} />
      <Field name="title" label="Title" state={state}>
        {(p) => <input {...p} defaultValue={v.title} required />}
      </Field>
      <Field name="kind" label="Kind" state={state}>
        {(p) => (
          <select {...p} defaultValue={v.kind}>
            {EVIDENCE_KINDS.map((k) => (
              <option key={k} value={k}>
                {EVIDENCE_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="source" label="Source" state={state}>
        {(p) => <input {...p} defaultValue={v.source} />}
      </Field>
      <Field name="collectedBy" label="Collected by" state={state}>
        {(p) => <input {...p} defaultValue={v.collectedBy} />}
      </Field>
      <Field name="collectedAt" label="Collected at (UTC)" state={state}>
        {(p) => <input {...p} type="datetime-local" {...utcInput(v.collectedAt)} />}
      </Field>
      <Field name="tags" label="Tags" state={state} hint="Comma separated.">
        {(p) => <input {...p} defaultValue={v.tags} />}
      </Field>
      <Field name="description" label="Description" state={state}>
        {(p) => <textarea {...p} rows={3} defaultValue={v.description} />}
      </Field>
      <FormMessage state={state} success="Saved." />
      <SubmitButton pending={pending}>Save metadata</SubmitButton>
    </form>
  );
}
