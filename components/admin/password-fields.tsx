"use client";

import { Field, type TFormState } from "@/components/ui/form";

/** A new password and its confirmation (create user, reset password). */
export function PasswordFields(props: {
  label: string;
  confirmLabel: string;
  hint: string;
  minLength: number;
  state: TFormState;
}) {
  return (
    <>
      <Field name="password" label={props.label} state={props.state} hint={props.hint}>
        {(p) => <input {...p} type="password" autoComplete="new-password" required minLength={props.minLength} />}
      </Field>
      <Field name="confirmPassword" label={props.confirmLabel} state={props.state}>
        {(p) => <input {...p} type="password" autoComplete="new-password" required />}
      </Field>
    </>
  );
}
