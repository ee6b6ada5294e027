"use client";

import { Field, FormMessage, SubmitButton, useActionForm, type TFormState } from "@/components/ui/form";

type Props = { action: (state: TFormState, form: FormData) => Promise<TFormState>; direct: boolean; orgName: string };

export function NoteComposer({ action, direct, orgName }: Props) {
  const { state, pending, formRef, onSubmit } = useActionForm(action, { resetOnSuccess: true });
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <Field
        name="body"
        label="New note"
        state={state}
        hint="Markdown: **bold**, lists, links, `code`. HTML is shown as text."
      >
        {(p) => <textarea {...p} rows={4} required />}
      </Field>
      {direct ? (
        <Field name="visibility" label="Who can see it" state={state}>
          {(p) => (
            <select {...p} defaultValue="ALL_CASE_ORGS">
              <option value="ALL_CASE_ORGS">Every organisation on the case</option>
              <option value="OWNER_ORG_ONLY">{orgName} only</option>
            </select>
          )}
        </Field>
      ) : (
        <p className="text-sm text-slate-600">
          This case releases items deliberately: your note is visible to {orgName} only until a lead releases it.
        </p>
      )}
      <FormMessage state={state} success="Note added." />
      <SubmitButton pending={pending} pendingText="Adding…">
        Add note
      </SubmitButton>
    </form>
  );
}
