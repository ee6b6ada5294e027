"use client";

import { useActionState } from "react";
import type { TActionState } from "@/lib/action-state";
import { Button } from "@/components/ui/button";
import { FormMessage, type TFormAction } from "@/components/ui/form";
import { PasswordFields } from "@/components/admin/password-fields";

type Props = { action: TFormAction; minPasswordLength: number };

const INITIAL_STATE: TActionState = { ok: false };

// Submitted through the form's `action`, so React clears both password fields afterwards, on
// success and refusal alike: a typed password should not linger on screen.
export function PasswordResetForm({ action, minPasswordLength }: Props) {
  const [state, formAction, pending] = useActionState(action, INITIAL_STATE);
  return (
    <form action={formAction} noValidate className="space-y-5">
      <div className="grid gap-5 sm:grid-cols-2">
        <PasswordFields
          label="New password"
          confirmLabel="Confirm new password"
          hint={`At least ${minPasswordLength} characters.`}
          minLength={minPasswordLength}
          state={state}
        />
      </div>
      <FormMessage state={state} success={state.message} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Resetting…" : "Reset password"}
      </Button>
    </form>
  );
}
