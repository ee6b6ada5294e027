"use client";

import { useActionState } from "react";
import type { TActionState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { FormMessage, PasswordFields, type TFormAction } from "@/components/admin/form-controls";

type Props = { action: TFormAction; minPasswordLength: number };

const INITIAL_STATE: TActionState = { ok: false };

// Submitted through the form's `action`, so React clears both password fields afterwards, on
// success and refusal alike: a typed password should not linger on screen.
export function PasswordResetForm({ action, minPasswordLength }: Props) {
  const [state, formAction, pending] = useActionState(action, INITIAL_STATE);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} noValidate className="space-y-5">
      <div className="grid gap-5 sm:grid-cols-2">
        <PasswordFields label="New password" confirmLabel="Confirm new password" hint={`At least ${minPasswordLength} characters.`} minLength={minPasswordLength} errors={errors} />
      </div>
      <FormMessage state={state} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Resetting…" : "Reset password"}
      </Button>
    </form>
  );
}
