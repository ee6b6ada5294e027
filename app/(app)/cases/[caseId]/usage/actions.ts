"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { runImportJob } from "@/lib/jobs/runner";
import { changeUsageImport, deleteUsageImport, startUsageImport } from "@/lib/usage/imports";
import { addSignalToTimeline, recomputeSignals, updateSignalSettings } from "@/lib/usage/mutations";
import { USAGE_FIELDS } from "@/lib/usage/schemas";

// Every action: requireUser → one lib/ function (which checks the case, the evidence item and
// the job itself, so forged ids are refused there) → revalidate or redirect. Bound to ids by
// the page. Jobs run after the response; polling the job page resumes one whose process died.

export async function startUsageImportAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  let jobId = "";
  const state = await runAction(async () => {
    const user = await requireUser();
    const started = await startUsageImport(user, caseId, {
      evidenceId: form.get("evidenceId"),
      preset: form.get("preset"),
    });
    jobId = started.job.id;
  }, form);
  if (jobId) redirect(`/cases/${caseId}/usage/imports/${jobId}`);
  return state;
}

export async function validateUsageImportAction(
  caseId: string,
  jobId: string,
  _s: TActionState,
  form: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    const user = await requireUser();
    // Named as ZUsageOptions names them, so a refusal marks its own field (mapping.occurredAt).
    const mapping = Object.fromEntries(USAGE_FIELDS.map((f) => [f, String(form.get(`mapping.${f}`) ?? "")]));
    const options = { mapping, timeFormat: form.get("timeFormat"), bucketSeconds: form.get("bucketSeconds") || 0 };
    const { run } = await changeUsageImport(user, caseId, jobId, { action: "validate", options });
    if (run) after(() => runImportJob(jobId));
    revalidatePath(`/cases/${caseId}/usage/imports/${jobId}`);
  }, form);
}

export async function finishUsageImportAction(
  caseId: string,
  jobId: string,
  action: "commit" | "cancel",
  _s: TActionState,
  _f: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    const user = await requireUser();
    const { run } = await changeUsageImport(user, caseId, jobId, { action });
    if (run) after(() => runImportJob(jobId));
    revalidatePath(`/cases/${caseId}/usage`, "layout");
  }, _f);
}

export async function deleteUsageImportAction(
  caseId: string,
  jobId: string,
  _s: TActionState,
  _f: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    await deleteUsageImport(await requireUser(), caseId, jobId);
    revalidatePath(`/cases/${caseId}/usage`, "layout");
    return { ok: true, message: "Import deleted, with its rows and signals." };
  }, _f);
}

export async function addSignalToTimelineAction(
  caseId: string,
  signalId: string,
  _s: TActionState,
  _f: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    await addSignalToTimeline(await requireUser(), caseId, signalId);
    revalidatePath(`/cases/${caseId}/usage`);
    return { ok: true, message: "Added to the timeline." };
  }, _f);
}

export async function updateSignalSettingsAction(
  caseId: string,
  _s: TActionState,
  form: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    await updateSignalSettings(await requireUser(), caseId, Object.fromEntries(form));
    revalidatePath(`/cases/${caseId}/usage`);
    return { ok: true, message: "Thresholds saved; the signals were computed again." };
  }, form);
}

export async function recomputeSignalsAction(caseId: string, _s: TActionState, _f: FormData): Promise<TActionState> {
  return runAction(async () => {
    await recomputeSignals(await requireUser(), caseId);
    revalidatePath(`/cases/${caseId}/usage`);
    return { ok: true, message: "Signals computed again." };
  }, _f);
}
