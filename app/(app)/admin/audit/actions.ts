"use server";

import { runAction } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { verifyAuditChainAs, type TVerifyChainState, type TVerifyView } from "@/lib/audit/verify";

/** "Verify chain": signed-in users only; verifyAuditChainAs refuses anyone without audit.verify. */
export async function verifyChainAction(_previous: TVerifyChainState, _form: FormData): Promise<TVerifyChainState> {
  let result: TVerifyView | undefined;
  const state = await runAction(async () => {
    const user = await requireUser();
    result = await verifyAuditChainAs(user);
  }, _form);
  return { ok: state.ok, message: state.message, result };
}
