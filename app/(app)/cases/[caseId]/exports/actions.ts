"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { runAction, type TActionState } from "@/lib/action-state";
import { requireUser } from "@/lib/auth/guards";
import { deleteProduction, startProduction } from "@/lib/productions/mutations";
import { runProduction } from "@/lib/productions/runner";

// requireUser → one lib/ function (which checks the case and the production) → redirect or
// revalidate. The export runs after the response; its page polls, and polling resumes a
// production whose process died.

function scopeOf(form: FormData) {
  const kind = String(form.get("scope") ?? "case");
  if (kind === "evidence") return { kind, ids: form.getAll("evidenceIds").map(String) };
  if (kind === "timeline") return { kind, from: form.get("from"), to: form.get("to") };
  return { kind };
}

export async function startProductionAction(caseId: string, _s: TActionState, form: FormData): Promise<TActionState> {
  let id = "";
  const state = await runAction(async () => {
    const user = await requireUser();
    const started = await startProduction(user, caseId, {
      scope: scopeOf(form),
      batesPrefix: String(form.get("batesPrefix") ?? ""),
      batesStart: form.get("batesStart"),
      receivingParty: String(form.get("receivingParty") ?? ""),
      delimiters: {
        column: String(form.get("column") ?? ""),
        quote: String(form.get("quote") ?? ""),
        newline: String(form.get("newline") ?? ""),
      },
    });
    id = started.id;
    after(() => runProduction(started.id));
  }, form);
  if (id) redirect(`/cases/${caseId}/exports/${id}`);
  return state;
}

export async function deleteProductionAction(
  caseId: string,
  productionId: string,
  _s: TActionState,
  _f: FormData,
): Promise<TActionState> {
  return runAction(async () => {
    await deleteProduction(await requireUser(), caseId, productionId);
    revalidatePath(`/cases/${caseId}/exports`);
  }, _f);
}
