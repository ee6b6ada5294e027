import "server-only";
import type { TActor } from "@/lib/auth/session";
import { createNote } from "@/lib/notes/mutations";
import { flagPrivilege } from "@/lib/privilege/mutations";

/**
 * A privileged memo: a note from the owner's lead, flagged attorney–client by the owner's legal
 * reviewer. Microsoft's lead and legal reviewer read it; OpenAI's people see the withheld stub.
 */
export async function seedDemoPrivilege(lead: TActor, reviewer: TActor, caseId: string): Promise<void> {
  const memo = await createNote(lead, caseId, {
    body:
      "**Memo to counsel (synthetic):** questions on notice duties towards the subject tenants before " +
      "suspending their subscriptions, and on what of this case we may share with law enforcement.",
    visibility: "ALL_CASE_ORGS",
  });
  await flagPrivilege(reviewer, "note", caseId, memo.id, {
    basis: "ATTORNEY_CLIENT",
    description: "Memo from the case lead to in-house counsel requesting legal advice",
    version: 1,
  });
}
