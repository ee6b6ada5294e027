"use client";

import { useEffect } from "react";
import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";

/**
 * An action that needs a written reason (release, withdraw, delete, purge): one labelled reason
 * field, a submit button, the result under it. A refused reason stays as typed; `onDone` runs
 * after a success (e.g. to close the editor holding the form).
 */
export function ReasonForm({
  action,
  name,
  label,
  button,
  pendingText,
  variant = "secondary",
  multiline = false,
  hidden = {},
  success,
  onDone,
}: {
  action: TFormAction;
  /** The form's accessible name. */
  name: string;
  label: string;
  button: string;
  pendingText?: string;
  variant?: "primary" | "secondary" | "danger";
  multiline?: boolean;
  hidden?: Record<string, string>;
  success?: string;
  onDone?: () => void;
}) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  useEffect(() => {
    if (state.ok) onDone?.();
  }, [state.ok, onDone]);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label={name} className="space-y-2">
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Field name="reason" label={label} state={state}>
        {(p) =>
          multiline ? (
            <textarea {...p} rows={2} required minLength={3} defaultValue={refused?.reason} />
          ) : (
            <input {...p} required minLength={3} defaultValue={refused?.reason} />
          )
        }
      </Field>
      <FormMessage state={state} success={success} />
      <SubmitButton variant={variant} pending={pending} pendingText={pendingText}>
        {button}
      </SubmitButton>
    </form>
  );
}
