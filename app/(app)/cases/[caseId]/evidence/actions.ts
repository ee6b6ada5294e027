"use server";

import { revalidatePath } from "next/cache";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { deleteEvidence, purgeEvidence, updateEvidence } from "@/lib/evidence/mutations";
import { verifyCaseEvidence, verifyEvidence } from "@/lib/evidence/verify";

// Every action: requireUser → one lib/ function (which checks the case and the item itself, so
// forged ids are refused there) → revalidate. Bound to (caseId, evidenceId) by the page.
const VERDICT = {
  INTACT: "Intact: the stored file matches its recorded SHA-256.",
  MISMATCH:
    "MISMATCH: the stored file no longer matches its recorded SHA-256. This is recorded in the custody history and the audit log.",
  MISSING: "MISSING: the stored file is gone. This is recorded in the custody history and the audit log.",
};

export async function verifyEvidenceAction(
  caseId: string,
  evidenceId: string,
  _s: TActionState,
  _f: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    const result = await verifyEvidence(await requireUser(), caseId, evidenceId);
    revalidatePath(`/cases/${caseId}/evidence`, "layout");
    return { ok: result.status === "INTACT", message: VERDICT[result.status] };
  }, _f);
}

export async function verifyAllEvidenceAction(caseId: string, _s: TActionState, _f: FormData): Promise<TActionState> {
  return runAction(async () => {
    const s = await verifyCaseEvidence(await requireUser(), caseId);
    revalidatePath(`/cases/${caseId}/evidence`, "layout");
    const failures = s.failures
      .map((f) => `${f.title} (${f.status === "MISSING" ? "missing" : "mismatch"})`)
      .join(", ");
    return s.failures.length
      ? { ok: false, message: `Integrity check FAILED for ${s.failures.length} of ${s.checked} items: ${failures}.` }
      : { ok: true, message: `All ${s.checked} items are intact.` };
  }, _f);
}

export async function updateEvidenceAction(
  caseId: string,
  evidenceId: string,
  _s: TActionState,
  form: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    await updateEvidence(await requireUser(), caseId, evidenceId, Object.fromEntries(form));
    revalidatePath(`/cases/${caseId}/evidence`, "layout");
  }, form);
}

export async function deleteEvidenceAction(
  caseId: string,
  evidenceId: string,
  _s: TActionState,
  form: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    await deleteEvidence(await requireUser(), caseId, evidenceId, Object.fromEntries(form));
    revalidatePath(`/cases/${caseId}/evidence`, "layout");
  }, form);
}

export async function purgeEvidenceAction(
  caseId: string,
  evidenceId: string,
  _s: TActionState,
  form: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    await purgeEvidence(await requireUser(), caseId, evidenceId, Object.fromEntries(form));
    revalidatePath(`/cases/${caseId}/evidence`, "layout");
  }, form);
}
