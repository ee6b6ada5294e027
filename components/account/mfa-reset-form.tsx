"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";

type TResetState = { ok: boolean; message?: string; fieldErrors?: Record<string, string[]> };
type Props = { action: (state: TResetState, data: FormData) => Promise<TResetState> };

// Replaces the user's own second factor: a current code (or an unused recovery code) first.
export function MfaResetForm({ action }: Props) {
  const [state, dispatch, pending] = useActionState(action, { ok: false });
  const error = state.fieldErrors?.code?.[0] ?? state.message;
  return (
    <form action={dispatch} className="space-y-3 border-t border-slate-200 pt-4">
      <h2 className="text-sm font-semibold">Change your authenticator or recovery codes</h2>
      <p id="reset-hint" className="text-sm text-slate-600">
        Enter a current code from your app, or an unused recovery code. Two-step sign-in is then set up again from
        scratch (new key, new recovery codes), and your other sessions end.
      </p>
      <label htmlFor="reset-code" className="block text-sm font-medium text-slate-700">
        Current code
      </label>
      <input
        id="reset-code"
        name="code"
        autoComplete="one-time-code"
        required
        aria-invalid={Boolean(error)}
        aria-describedby="reset-hint reset-error"
        className="focus:border-brand-600 focus:ring-brand-600 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm"
      />
      <p id="reset-error" role="alert" aria-live="assertive" className="min-h-5 text-sm text-red-700">
        {error}
      </p>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Checking…" : "Set up two-step sign-in again"}
      </Button>
    </form>
  );
}
