"use server";

import { redirect } from "next/navigation";
import { actionError, requireForm } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { confirmEnrolment, resetOwnMfa } from "@/lib/auth/mfa";

export type TEnrolState = { ok: boolean; message?: string; fieldErrors?: Record<string, string[]>; codes?: string[] };

// Open to a session that must still set up MFA (its only allowed action besides signing out).
export async function confirmMfaAction(_state: TEnrolState, formData: FormData): Promise<TEnrolState> {
  try {
    const actor = await requireUser({ mfaEnrolment: true });
    requireForm(formData);
    const codes = await confirmEnrolment(actor, formData.get("code"));
    return { ok: true, codes };
  } catch (error) {
    return actionError(error);
  }
}

export type TResetState = { ok: boolean; message?: string; fieldErrors?: Record<string, string[]> };

// A signed-in user replacing their own second factor (new phone, recovery codes used up). The
// code proves they hold the current one; then the page shows a fresh enrolment.
export async function resetOwnMfaAction(_state: TResetState, formData: FormData): Promise<TResetState> {
  try {
    const actor = await requireUser();
    requireForm(formData);
    await resetOwnMfa(actor, formData.get("code"));
  } catch (error) {
    return actionError(error);
  }
  redirect("/mfa-setup");
}
