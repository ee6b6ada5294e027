"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import {
  createUser,
  endAllUserSessions,
  resetPassword,
  resetUserMfa,
  setUserDisabled,
  unlockSignIn,
  updateUser,
} from "@/lib/users/mutations";

// Thin entry points: read the form, identify the actor, let lib/users authorise (404 for
// non-admins), validate and write; then refresh the admin pages. The user id comes bound by the
// page, but it is only a claim: lib/users re-checks it like any other input. The forms send no
// organisation (it is always the admin's own); one sent anyway goes to lib/users, which refuses
// any other with a 404.

function fields(formData: FormData, names: readonly string[]): Record<string, FormDataEntryValue | null> {
  return Object.fromEntries(names.map((name) => [name, formData.get(name)]));
}

function revalidateUsers(): void {
  revalidatePath("/admin/users", "layout");
}

export async function createUserAction(_state: TActionState, formData: FormData): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    const user = await createUser(
      actor,
      fields(formData, ["email", "name", "orgId", "role", "password", "confirmPassword"]),
    );
    revalidateUsers();
    redirect(`/admin/users/${user.id}`);
  }, formData);
}

export async function updateUserAction(
  userId: string,
  _state: TActionState,
  formData: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    await updateUser(actor, userId, fields(formData, ["orgId", "role"]));
    revalidateUsers();
    return { ok: true, message: "Changes saved." };
  }, formData);
}

export async function setUserDisabledAction(
  userId: string,
  _state: TActionState,
  formData: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    const disabled = formData.get("disabled") === "true";
    await setUserDisabled(actor, userId, disabled);
    revalidateUsers();
    return { ok: true, message: disabled ? "User disabled. They can no longer sign in." : "User re-enabled." };
  }, formData);
}

export async function resetPasswordAction(
  userId: string,
  _state: TActionState,
  formData: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    await resetPassword(actor, userId, fields(formData, ["password", "confirmPassword"]));
    revalidateUsers();
    return {
      ok: true,
      message:
        "Password reset, the user's sessions ended and any sign-in lockout lifted. Give the user the new password through a trusted channel.",
    };
  }, formData);
}

export async function endAllSessionsAction(userId: string, _state: TActionState): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    const count = await endAllUserSessions(actor, userId);
    revalidateUsers();
    return { ok: true, message: count === 1 ? "1 session ended." : `${count} sessions ended.` };
  });
}

export async function unlockSignInAction(userId: string, _state: TActionState): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    const wasLocked = await unlockSignIn(actor, userId);
    revalidateUsers();
    return {
      ok: true,
      message: wasLocked ? "Sign-in unlocked." : "Sign-in was not locked; the failure count is reset.",
    };
  });
}

export async function resetMfaAction(userId: string, _state: TActionState): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    await resetUserMfa(actor, userId);
    revalidateUsers();
    return { ok: true, message: "Two-step sign-in reset; the user's sessions ended." };
  });
}
