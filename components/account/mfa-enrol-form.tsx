"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";

type TEnrolState = { ok: boolean; message?: string; fieldErrors?: Record<string, string[]>; codes?: string[] };
type Props = {
  action: (state: TEnrolState, data: FormData) => Promise<TEnrolState>;
  /** The pending enrolment's QR code (a data: URL made on the server) and its secret key. */
  qrDataUrl: string;
  secret: string;
};

// Shows the QR code and key and confirms enrolment with the first code; then shows the recovery
// codes, once, and no longer the secret: it is not left on screen once it is in use.
export function MfaEnrolForm({ action, qrDataUrl, secret }: Props) {
  const [state, dispatch, pending] = useActionState(action, { ok: false });
  if (state.ok && state.codes)
    return (
      <div className="space-y-3">
        <p role="status" className="text-sm font-medium text-emerald-700">
          Two-step sign-in is on.
        </p>
        <p className="text-sm text-slate-600">
          Keep these recovery codes somewhere safe. Each signs you in once if you lose your device; they are not shown
          again.
        </p>
        <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-1 font-mono text-sm">
          {state.codes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
        <Link href="/cases" className="text-brand-700 text-sm hover:underline">
          Continue to cases
        </Link>
      </div>
    );
  const error = state.fieldErrors?.code?.[0] ?? state.message;
  return (
    <form action={dispatch} className="space-y-3">
      <p className="text-sm text-slate-600">
        Scan the code with an authenticator app (Microsoft Authenticator, Google Authenticator, 1Password…), then type
        the 6-digit code it shows.
      </p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server */}
      <img src={qrDataUrl} alt="QR code for your authenticator app" width={200} height={200} className="mx-auto" />
      <p className="text-center text-xs text-slate-500">
        Or type this key: <code className="font-mono break-all text-slate-800">{secret}</code>
      </p>
      <label htmlFor="code" className="block text-sm font-medium text-slate-700">
        Code from your app
      </label>
      <input
        id="code"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        aria-invalid={Boolean(error)}
        aria-describedby="code-error"
        className="focus:border-brand-600 focus:ring-brand-600 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm"
      />
      <p id="code-error" role="alert" aria-live="assertive" className="min-h-5 text-sm text-red-700">
        {error}
      </p>
      <Button type="submit" className="w-full" disabled={pending}>
        Turn on two-step sign-in
      </Button>
    </form>
  );
}
