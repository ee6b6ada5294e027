"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";

// Codes come from lib/auth/sign-in.ts (SIGN_IN_ERROR). Wrong email and wrong password share
// one message on purpose.
const messages = (lockMinutes: number): Record<string, string> => ({
  CredentialsSignin: "Incorrect email or password.",
  AccountLocked: `Too many failed sign-in attempts. This account is locked for ${lockMinutes} minutes; try again later or ask an administrator to unlock it.`,
  TooManyAttempts: "Too many sign-in attempts from your network. Try again later.",
  AccountDisabled: "This account is disabled. Ask an administrator to re-enable it.",
  MfaRequired: "",
  MfaInvalid: "That code is not right, or was used already. Try the next code from your app.",
  SignInUnavailable: "Sign-in is unavailable right now. Please try again in a minute.",
  Incomplete: "Enter your email address and password.",
  // Single sign-on (lib/auth/sso.ts; next-auth's own codes for a failed exchange).
  SsoDomain: "Your organisation account's email address is not one this sign-in accepts.",
  SsoEmailTaken:
    "A Casebridge account with your email address already exists and is not linked to single sign-on. Sign in with its password, or ask an administrator.",
  SsoNoOrganisation: "Single sign-on is not set up correctly (unknown organisation). Ask an administrator.",
  SsoWrongOrganisation: "Your account belongs to another organisation. Ask an administrator.",
  SsoNoRole: "Your organisation account has no Casebridge role assigned. Ask your identity administrator.",
  SsoMfaRequired:
    "Your account needs a second factor, and your identity provider did not report one. Sign in again with multi-factor authentication.",
  SsoInvalid: "Single sign-on failed. Please try again.",
  OAuthCallback: "Single sign-on failed or was tampered with. Please try again.",
  OAuthSignin: "Single sign-on could not start. Please try again later.",
  Callback: "Single sign-on failed. Please try again.",
  AccessDenied: "Single sign-on was refused.",
});
const FALLBACK = "Sign-in failed. Please try again.";

/**
 * Signs in (app/api/auth/sign-in): null once the session cookie is set, else the refusal: a code
 * ("Incomplete" for a field the server could not take, "" when the server could not be reached),
 * or the server's own words about the password (too long).
 */
async function signInWithPassword(fields: Record<string, string>): Promise<string | { message: string } | null> {
  const response = await fetch("/api/auth/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(fields),
  }).catch(() => null);
  if (response?.ok) return null;
  const body = (await response?.json().catch(() => null)) as {
    error?: string;
    errors?: { password?: unknown };
  } | null;
  const password = body?.errors?.password;
  if (response?.status === 400 && Array.isArray(password) && typeof password[0] === "string" && fields.password)
    return { message: password[0] };
  return body?.error ?? (response?.status === 400 ? "Incomplete" : "");
}

type Props = { callbackUrl: string; initialError?: string; lockMinutes: number };

export function SignInForm({ callbackUrl, initialError, lockMinutes }: Props) {
  const router = useRouter();
  const MESSAGES = messages(lockMinutes);
  const [error, setError] = useState(initialError ? (MESSAGES[initialError] ?? FALLBACK) : "");
  const [pending, setPending] = useState(false);
  // After a right password for an account with two-step sign-in: the code field appears and the
  // form sends email, password and code together.
  const [askCode, setAskCode] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError("");
    const refused = await signInWithPassword({
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      code: String(form.get("code") ?? ""),
    });
    if (refused === null) {
      router.replace(callbackUrl);
      router.refresh();
      return;
    }
    setPending(false);
    if (typeof refused === "object") return setError(refused.message);
    if (refused === "MfaRequired" || refused === "MfaInvalid") setAskCode(true);
    setError(MESSAGES[refused] ?? FALLBACK);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          aria-describedby={error ? "sign-in-error" : undefined}
          className="focus:border-brand-600 focus:ring-brand-600 mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm"
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-describedby={error ? "sign-in-error" : undefined}
          className="focus:border-brand-600 focus:ring-brand-600 mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm"
        />
      </div>
      {askCode && (
        <div>
          <label htmlFor="code" className="block text-sm font-medium text-slate-700">
            Authentication code
          </label>
          <p id="code-hint" className="text-xs text-slate-500">
            The 6-digit code from your authenticator app, or one of your recovery codes.
          </p>
          <input
            id="code"
            name="code"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            autoFocus
            aria-describedby={error ? "code-hint sign-in-error" : "code-hint"}
            className="focus:border-brand-600 focus:ring-brand-600 mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm"
          />
        </div>
      )}
      <div id="sign-in-error" role="alert" aria-live="assertive" className="min-h-5 text-sm text-red-700">
        {error}
      </div>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
