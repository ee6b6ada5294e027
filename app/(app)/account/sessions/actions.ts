"use server";

import { revalidatePath } from "next/cache";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { endOtherOwnSessions, endOwnSession } from "@/lib/auth/sessions";

// The session id comes bound by the page, but it is only a claim: lib/auth/sessions ends it
// only when it is the actor's own (another user's id is a 404, like an unknown one).

export async function endSessionAction(sessionId: string, _state: TActionState): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    await endOwnSession(actor, sessionId);
    revalidatePath("/account/sessions");
    return { ok: true, message: "Session ended." };
  });
}

export async function endOtherSessionsAction(_state: TActionState): Promise<TActionState> {
  return runAction(async () => {
    const actor = await requireUser();
    const count = await endOtherOwnSessions(actor);
    revalidatePath("/account/sessions");
    return { ok: true, message: count === 1 ? "1 other session ended." : `${count} other sessions ended.` };
  });
}
