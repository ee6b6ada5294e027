"use client";

import { humanise } from "@/components/cases/case-badges";
import { Field, FormMessage, SubmitButton, useActionForm, type TFormState } from "@/components/ui/form";

type TValues = { title: string; summary: string; severity: string; tlp: string; releaseMode: string; version?: number };

const RELEASE_LABELS: Record<string, string> = {
  DIRECT: "Authors choose who sees each item",
  LEAD_RELEASE: "Items start owner-organisation-only; a lead releases them",
  TWO_PERSON: "Items start owner-organisation-only; release needs a second person's approval",
};

type Props = {
  action: (state: TFormState, form: FormData) => Promise<TFormState>;
  values: TValues;
  severities: readonly string[];
  tlps: readonly string[];
  releaseModes: readonly string[];
  submitLabel: string;
};

/** New case and "edit details": on a conflict the typed values stay in the form. */
export function CaseForm({ action, values, severities, tlps, releaseModes, submitLabel }: Props) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  const v = { ...values, ...refused };
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4">
      {values.version !== undefined && <input type="hidden" name="version" value={values.version} />}
      <Field name="title" label="Title" state={state}>
        {(p) => <input {...p} defaultValue={v.title} required maxLength={200} />}
      </Field>
      <Field name="summary" label="Summary" state={state} hint="Markdown. Links and formatting are shown; HTML is not.">
        {(p) => <textarea {...p} defaultValue={v.summary} rows={6} />}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="severity" label="Severity" state={state}>
          {(p) => (
            <select {...p} defaultValue={v.severity}>
              {severities.map((s) => (
                <option key={s} value={s}>
                  {humanise(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="tlp" label="TLP" state={state}>
          {(p) => (
            <select {...p} defaultValue={v.tlp}>
              {tlps.map((t) => (
                <option key={t} value={t}>
                  TLP:{t.replace("_", "+")}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field name="releaseMode" label="Sharing with partners" state={state}>
        {(p) => (
          <select {...p} defaultValue={v.releaseMode}>
            {releaseModes.map((m) => (
              <option key={m} value={m}>
                {RELEASE_LABELS[m] ?? m}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormMessage state={state} success="Saved." />
      <SubmitButton pending={pending}>{submitLabel}</SubmitButton>
    </form>
  );
}
