import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { acceptProposalsAbove } from "@/lib/linkage/mutations";
import { createJointCase, createUser } from "@/tests/helpers/factories";
import { GATEWAY_HEADER } from "@/tests/helpers/linkage-data";
import { addLegalReviewer } from "@/tests/helpers/productions";
import { importUsageFile } from "@/tests/helpers/usage-import";

// A joint case for the linkage's owner-only rules: a shared usage import (acct_a on 1.2.3.4,
// acct_c and acct_d on 5.6.7.8) and, unless left out, the owner's owner-only import (acct_b on
// 1.2.3.4, paying with acct_a's card). The owner accepts every proposal. Without the hidden
// import the same case is the twin the partner's answers must equal: what it sees may not
// depend on what it cannot.

export const SHARED_ADDRESS = "5.6.7.8";
export const HIDDEN_ADDRESS = "1.2.3.4";

const row = (account: string, ip: string, hour: number, card = `pm_${account}`) =>
  `2026-10-01T${String(10 + hour).padStart(2, "0")}:00:00Z,${account},org_${account},key_${account},${ip},gpt-4o,/v1/chat/completions,1,1,200,false,${card},dev_${account}`;
const csv = (rows: string[]) => Buffer.from(`${GATEWAY_HEADER}\n${rows.join("\n")}\n`);

export async function linkageVisibilityCase(opts: { hidden: boolean }) {
  const w = await createJointCase();
  const partnerAdmin = await createUser({ orgId: w.partnerOrg.id, role: "ADMIN" });
  await getDb().caseMember.create({ data: { caseId: w.caseId, userId: partnerAdmin.id, role: "LEAD" } });
  const partnerLegal = await addLegalReviewer(w.caseId, w.partnerOrg.id);
  await importUsageFile(
    w.lead,
    w.caseId,
    csv([row("acct_a", HIDDEN_ADDRESS, 0), row("acct_c", SHARED_ADDRESS, 1), row("acct_d", SHARED_ADDRESS, 2)]),
  );
  if (opts.hidden)
    await importUsageFile(w.lead, w.caseId, csv([row("acct_b", HIDDEN_ADDRESS, 3, "pm_acct_a")]), {
      title: "Private log",
      fileName: "private.csv",
      visibility: "OWNER_ORG_ONLY",
    });
  await acceptProposalsAbove(w.lead, w.caseId, { minConfidence: 0 });
  const partners: [string, TActor][] = [
    ["partner admin", partnerAdmin],
    ["partner lead", w.partnerLead],
    ["partner investigator", w.partnerInvestigator],
    ["partner legal reviewer", partnerLegal],
  ];
  return { ...w, partnerAdmin, partnerLegal, partners };
}

export type TAnswer = "ok" | { status: number; message: string };

/** What a call answers: "ok", or its error's status and message (`name` in it written as "…"). */
export async function answerOf(run: () => Promise<unknown>, name?: string): Promise<TAnswer> {
  try {
    await run();
    return "ok";
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { status: error.status, message: name ? error.message.replaceAll(name, "…") : error.message };
  }
}
