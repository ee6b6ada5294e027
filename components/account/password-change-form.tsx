"use client";

import { useActionState } from "react";
import type { TActionState } from "@/lib/action-state";
import { PasswordFields } from "@/components/admin/password-fields";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, type TFormAction } from "@/components/ui/form";

type Props = { action: TFormAction; minPasswordLength: number };

const INITIAL_STATE: TActionState = { ok: false };

// Submitted through the form's `action`, so React clears the password fields afterwards, on
// success and refusal alike: a typed password should not linger on screen.
export function PasswordChangeForm({ action, minPasswordLength }: Props) {
  const [state, formAction, pending] = useActionState(action, INITIAL_STATE);
  return (
    <form action={formAction} noValidate className="space-y-5">
      <Field name="currentPassword" label="Current password" state={state}>
        {(p) => <input {...p} type="password" autoComplete="current-password" required />}
      </Field>
      <PasswordFields
        label="New password"
        confirmLabel="Confirm new password"
        hint={`At least ${minPasswordLength} characters, not a common one.`}
        minLength={minPasswordLength}
        state={state}
      />
      <FormMessage state={state} success={state.message} />
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
