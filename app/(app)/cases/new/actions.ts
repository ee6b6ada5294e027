"use server";

import { redirect } from "next/navigation";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { createCase } from "@/lib/cases/mutations";

export async function createCaseAction(_state: TActionState, form: FormData): Promise<TActionState> {
  let created: { id: string } | undefined;
  const state = await runAction(async () => {
    const actor = await requireUser();
    created = await createCase(actor, Object.fromEntries(form));
  }, form);
  if (created) redirect(`/cases/${created.id}`);
  return state;
}
