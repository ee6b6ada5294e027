"use server";

import { revalidatePath } from "next/cache";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { createCaseCategory, deleteCaseCategory, updateCaseCategory } from "@/lib/timeline/categories";
import { createTimelineEvent, deleteTimelineEvent, updateTimelineEvent } from "@/lib/timeline/mutations";

// Form data → requireUser → one lib/ function (which authorizes against the case and the event
// itself, so a forged id is refused there) → revalidate. evidenceIds repeats, so it is read
// with getAll rather than lost to Object.fromEntries.
const input = (form: FormData) => ({
  ...Object.fromEntries(form),
  evidenceIds: form.getAll("evidenceIds").map(String),
});

export async function createEventAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    await createTimelineEvent(actor, caseId, input(form));
    revalidatePath(`/cases/${caseId}/timeline`);
  }, form);
}

export async function updateEventAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    await updateTimelineEvent(actor, form.get("eventId"), input(form), caseId);
    revalidatePath(`/cases/${caseId}/timeline`);
  }, form);
}

export async function deleteEventAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    await deleteTimelineEvent(actor, form.get("eventId"), form.get("version"), caseId);
    revalidatePath(`/cases/${caseId}/timeline`);
  }, form);
}

export async function createCategoryAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    await createCaseCategory(actor, caseId, Object.fromEntries(form));
    revalidatePath(`/cases/${caseId}/timeline`);
  }, form);
}

export async function updateCategoryAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    const { events } = await updateCaseCategory(actor, caseId, form.get("categoryId"), Object.fromEntries(form));
    revalidatePath(`/cases/${caseId}/timeline`);
    return { ok: true, message: events ? `Saved; ${events} ${events === 1 ? "event" : "events"} renamed.` : "Saved." };
  }, form);
}

export async function deleteCategoryAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    const { events } = await deleteCaseCategory(actor, caseId, form.get("categoryId"), Object.fromEntries(form));
    revalidatePath(`/cases/${caseId}/timeline`);
    return { ok: true, message: `Deleted; ${events} ${events === 1 ? "event" : "events"} changed.` };
  }, form);
}
