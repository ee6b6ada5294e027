"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { ValidationError } from "@/lib/errors";
import {
  acceptProposal,
  acceptProposalsAbove,
  createEntity,
  createLink,
  importEntitiesCsv,
  linkTimelineEvent,
  mergeEntities,
  nameCluster,
  rejectProposal,
  reviseLink,
  unmergeEntity,
  updateLinkageSettings,
} from "@/lib/linkage/mutations";

// Every action: requireUser → one lib/ function (which checks the case, and that the proposal,
// entity or link is one the actor's organisation sees) → revalidate. Bound to ids by the pages.

const CSV_MAX_BYTES = 2 * 1024 * 1024;
const refresh = (caseId: string) => revalidatePath(`/cases/${caseId}/linkages`, "layout");

export async function acceptProposalAction(caseId: string, proposalId: string, _s: TActionState, _f: FormData) {
  return runAction(async () => {
    await acceptProposal(await requireUser(), caseId, proposalId);
    refresh(caseId);
    return { ok: true, message: "Accepted: now a link." };
  }, _f);
}

export async function rejectProposalAction(caseId: string, proposalId: string, _s: TActionState, _f: FormData) {
  return runAction(async () => {
    await rejectProposal(await requireUser(), caseId, proposalId);
    refresh(caseId);
    return { ok: true, message: "Rejected: it will not be proposed again." };
  }, _f);
}

export async function acceptAboveAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const { accepted } = await acceptProposalsAbove(await requireUser(), caseId, {
      minConfidence: form.get("minConfidence"),
      rule: form.get("rule") || undefined,
    });
    refresh(caseId);
    return { ok: true, message: `${accepted.toLocaleString("en")} proposal(s) accepted.` };
  }, form);
}

export async function createEntityAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  let id = "";
  const state = await runAction(async () => {
    id = (await createEntity(await requireUser(), caseId, Object.fromEntries(form))).id;
    refresh(caseId);
  }, form);
  if (id) redirect(`/cases/${caseId}/linkages/entities/${id}`);
  return state;
}

export async function importEntitiesAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const user = await requireUser();
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0)
      throw new ValidationError("Choose a CSV file.", { file: ["Choose a CSV file."] });
    if (file.size > CSV_MAX_BYTES)
      throw new ValidationError("The file is larger than 2 MB; split it.", { file: ["Larger than 2 MB."] });
    const { added } = await importEntitiesCsv(user, caseId, await file.text(), form.get("visibility"));
    refresh(caseId);
    return { ok: true, message: `${added.toLocaleString("en")} entit${added === 1 ? "y" : "ies"} added.` };
  }, form);
}

export async function createLinkAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  let id = "";
  const state = await runAction(async () => {
    id = (
      await createLink(await requireUser(), caseId, {
        ...Object.fromEntries(form),
        evidenceIds: form.getAll("evidenceIds").filter(Boolean),
      })
    ).id;
    refresh(caseId);
  }, form);
  if (id) redirect(`/cases/${caseId}/linkages/links/${id}`);
  return state;
}

export async function reviseLinkAction(caseId: string, linkId: string, _s: TActionState, form: FormData) {
  let id = "";
  const state = await runAction(async () => {
    id = (
      await reviseLink(await requireUser(), caseId, linkId, {
        ...Object.fromEntries(form),
        retract: form.get("retract") === "on",
      })
    ).id;
    refresh(caseId);
  }, form);
  if (id) redirect(`/cases/${caseId}/linkages/links/${id}`);
  return state;
}

export async function mergeEntityAction(caseId: string, sourceId: string, _s: TActionState, form: FormData) {
  return runAction(async () => {
    await mergeEntities(await requireUser(), caseId, { sourceId, target: form.get("target") });
    refresh(caseId);
    return { ok: true, message: "Merged. Both values stay; undo the merge at any time." };
  }, form);
}

export async function unmergeEntityAction(caseId: string, entityId: string, _s: TActionState, _f: FormData) {
  return runAction(async () => {
    await unmergeEntity(await requireUser(), caseId, entityId);
    refresh(caseId);
    return { ok: true, message: "Merge undone." };
  }, _f);
}

export async function nameClusterAction(caseId: string, anchorId: string, _s: TActionState, form: FormData) {
  return runAction(async () => {
    await nameCluster(await requireUser(), caseId, { anchorId, name: form.get("name") });
    refresh(caseId);
    return { ok: true, message: "Named." };
  }, form);
}

export async function updateLinkageSettingsAction(
  caseId: string,
  _s: TActionState,
  form: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    const ranges = String(form.get("infrastructureRanges") ?? "")
      .split(/[\s,]+/)
      .filter(Boolean);
    await updateLinkageSettings(await requireUser(), caseId, {
      ...Object.fromEntries(form),
      infrastructureRanges: ranges,
    });
    refresh(caseId);
    return { ok: true, message: "Settings saved; the rules ran again." };
  }, form);
}

export async function linkEventAction(caseId: string, entityId: string, _s: TActionState, form: FormData) {
  return runAction(async () => {
    await linkTimelineEvent(await requireUser(), caseId, entityId, form.get("eventId"));
    refresh(caseId);
    return { ok: true, message: "Linked: the event now shows under this entity's filter." };
  }, form);
}
