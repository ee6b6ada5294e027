"use server";

import { actionError } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { confirmEnrolment } from "@/lib/auth/mfa";

export type TEnrolState = { ok: boolean; message?: string; fieldErrors?: Record<string, string[]>; codes?: string[] };

// Open to a session that must still set up MFA (its only allowed action besides signing out).
export async function confirmMfaAction(_state: TEnrolState, formData: FormData): Promise<TEnrolState> {
  try {
    const actor = await requireUser({ mfaEnrolment: true });
    const codes = await confirmEnrolment(actor, formData.get("code"));
    return { ok: true, codes };
  } catch (error) {
    return actionError(error);
  }
}
