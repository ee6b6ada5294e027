"use server";

import { revalidatePath } from "next/cache";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import {
  addMember,
  removeMember,
  setCaseStatus,
  setLegalHold,
  shareCase,
  unshareCase,
  updateCase,
} from "@/lib/cases/mutations";
import { createNote, deleteNote, updateNote } from "@/lib/notes/mutations";
import { decideRelease, requestRelease, withdrawRelease } from "@/lib/releases/mutations";
import { flagPrivilege, unflagPrivilege } from "@/lib/privilege/mutations";

// Every action: form data → requireUser → one lib/ function (which authorizes against the case
// itself, so a forged caseId or item id is refused there) → revalidate.
type TCaseAction = (caseId: string, state: TActionState, form: FormData) => Promise<TActionState>;

function caseAction(
  body: (
    actor: Awaited<ReturnType<typeof requireUser>>,
    caseId: string,
    input: Record<string, FormDataEntryValue>,
  ) => Promise<unknown>,
): TCaseAction {
  return async (caseId, _state, form) =>
    runAction(async () => {
      const actor = await requireUser();
      await body(actor, caseId, Object.fromEntries(form));
      revalidatePath(`/cases/${caseId}`, "layout");
    }, form);
}

const updateCaseImpl = caseAction((actor, caseId, input) => updateCase(actor, caseId, input));
const setStatusImpl = caseAction((actor, caseId, input) => setCaseStatus(actor, caseId, input));
const setLegalHoldImpl = caseAction((actor, caseId, input) => setLegalHold(actor, caseId, input));
const shareImpl = caseAction((actor, caseId, input) => shareCase(actor, caseId, input));
const unshareImpl = caseAction((actor, caseId, input) => unshareCase(actor, caseId, input));
const addMemberImpl = caseAction((actor, caseId, input) => addMember(actor, caseId, input));
const removeMemberImpl = caseAction((actor, caseId, input) => removeMember(actor, caseId, input));
const createNoteImpl = caseAction((actor, caseId, input) => createNote(actor, caseId, input));
const updateNoteImpl = caseAction((actor, _caseId, input) => updateNote(actor, input.noteId, input));
const deleteNoteImpl = caseAction((actor, _caseId, input) => deleteNote(actor, input.noteId));
const requestReleaseImpl = caseAction((actor, _caseId, input) => requestRelease(actor, input));
const decideReleaseImpl = caseAction((actor, _caseId, input) => decideRelease(actor, input.releaseId, input));
const withdrawReleaseImpl = caseAction((actor, _caseId, input) => withdrawRelease(actor, input.releaseId, input));
const flagPrivilegeImpl = caseAction((actor, caseId, input) =>
  flagPrivilege(actor, input.itemType, caseId, input.itemId, input),
);
const unflagPrivilegeImpl = caseAction((actor, caseId, input) =>
  unflagPrivilege(actor, input.itemType, caseId, input.itemId, input),
);

// "use server" files may export only async functions.
export async function updateCaseAction(caseId: string, s: TActionState, f: FormData) {
  return updateCaseImpl(caseId, s, f);
}
export async function setStatusAction(caseId: string, s: TActionState, f: FormData) {
  return setStatusImpl(caseId, s, f);
}
export async function setLegalHoldAction(caseId: string, s: TActionState, f: FormData) {
  return setLegalHoldImpl(caseId, s, f);
}
export async function shareAction(caseId: string, s: TActionState, f: FormData) {
  return shareImpl(caseId, s, f);
}
export async function unshareAction(caseId: string, s: TActionState, f: FormData) {
  return unshareImpl(caseId, s, f);
}
export async function addMemberAction(caseId: string, s: TActionState, f: FormData) {
  return addMemberImpl(caseId, s, f);
}
export async function removeMemberAction(caseId: string, s: TActionState, f: FormData) {
  return removeMemberImpl(caseId, s, f);
}
export async function createNoteAction(caseId: string, s: TActionState, f: FormData) {
  return createNoteImpl(caseId, s, f);
}
export async function updateNoteAction(caseId: string, s: TActionState, f: FormData) {
  return updateNoteImpl(caseId, s, f);
}
export async function deleteNoteAction(caseId: string, s: TActionState, f: FormData) {
  return deleteNoteImpl(caseId, s, f);
}
export async function requestReleaseAction(caseId: string, s: TActionState, f: FormData) {
  return requestReleaseImpl(caseId, s, f);
}
export async function decideReleaseAction(caseId: string, s: TActionState, f: FormData) {
  return decideReleaseImpl(caseId, s, f);
}
export async function withdrawReleaseAction(caseId: string, s: TActionState, f: FormData) {
  return withdrawReleaseImpl(caseId, s, f);
}
export async function flagPrivilegeAction(caseId: string, s: TActionState, f: FormData) {
  return flagPrivilegeImpl(caseId, s, f);
}
export async function unflagPrivilegeAction(caseId: string, s: TActionState, f: FormData) {
  return unflagPrivilegeImpl(caseId, s, f);
}
