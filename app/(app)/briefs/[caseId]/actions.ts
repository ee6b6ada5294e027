"use server";

import { revalidatePath } from "next/cache";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { recordEnforcement } from "@/lib/summary/enforcement";
import { saveBriefText } from "@/lib/summary/findings";

// requireUser → one lib/ function (which checks the case itself: leads only) → revalidate.

export async function saveBriefAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const user = await requireUser();
    await saveBriefText(user, caseId, Object.fromEntries(form));
    revalidatePath(`/briefs/${caseId}`);
  }, form);
}

export async function recordEnforcementAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const user = await requireUser();
    const takenAt = String(form.get("takenAt") ?? "");
    await recordEnforcement(user, caseId, {
      kind: form.get("kind"),
      description: form.get("description") ?? "",
      requestedById: form.get("requestedById"),
      carriedOutBy: form.get("carriedOutBy"),
      orgId: form.get("orgId"),
      // A datetime-local field is read as UTC (the form says so).
      takenAt: takenAt ? `${takenAt}:00Z` : undefined,
      entityIds: form.getAll("entityIds"),
    });
    revalidatePath(`/briefs/${caseId}`);
  }, form);
}
