"use server";

import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { changeOwnPassword } from "@/lib/users/own-account";

// The signed-in user's own password: current one, new one twice → lib/users/own-account.ts.
export async function changeOwnPasswordAction(_state: TActionState, form: FormData): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    const { sessionsEnded } = await changeOwnPassword(actor, Object.fromEntries(form));
    const others =
      sessionsEnded === 1 ? "Your 1 other session has ended." : `Your ${sessionsEnded} other sessions have ended.`;
    return { ok: true, message: `Password changed. ${sessionsEnded ? others : "You stay signed in here."}` };
  }, form);
}
