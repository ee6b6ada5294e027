import "server-only";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { demoTime } from "@/lib/seed/demo-usage";
import { recordEnforcement } from "@/lib/summary/enforcement";
import { saveBriefText } from "@/lib/summary/findings";

// The demo case's brief and enforcement log, made through the functions the leads' forms call,
// so the executives of both organisations land on a filled summary: the lead's written findings
// (version 2: a first draft, then a revision) and two enforcement actions on the cluster's
// accounts and a key, mid-log, so their effect (the week before and after) shows.

export async function seedDemoSummary(lead: TActor, caseId: string, partnerId: string, t0: number): Promise<void> {
  await saveBriefText(lead, caseId, {
    findings: "Subject cluster A: six linked accounts share a payment instrument and a device.",
    nextSteps: "Suspend the cluster's accounts.",
    baseVersion: 0,
  });
  await saveBriefText(lead, caseId, {
    findings:
      "Subject cluster A is six accounts tied by one payment instrument and one device fingerprint. " +
      "Each stayed under the per-account limit while together they sent sustained, templated " +
      "completion traffic well above it, rotating keys every eight hours so that no key neared " +
      "its quota; the 20:1 output ratio fits " +
      "harvesting outputs for training (synthetic data).",
    nextSteps:
      "1. Keep the cluster's accounts suspended and watch for new sign-ups on the same card or device.\n" +
      "2. Legal: prepare a production for outside counsel.\n" +
      "3. Decide on a referral once the partner confirms the payment trail.",
    baseVersion: 1,
  });
  const entities = await getDb().entity.findMany({
    where: { caseId, OR: [{ kind: "ACCOUNT", value: { in: ["acct_a1", "acct_a2", "acct_a3"] } }, { kind: "API_KEY" }] },
    select: { id: true, kind: true, value: true },
    orderBy: { value: "asc" },
  });
  const accounts = entities.filter((e) => e.kind === "ACCOUNT").map((e) => e.id);
  const key = entities.find((e) => e.kind === "API_KEY" && e.value.toLowerCase().startsWith("key_a4"));
  await recordEnforcement(lead, caseId, {
    kind: "ACCOUNT_SUSPENDED",
    description: "Three of the cluster's accounts suspended pending review.",
    requestedById: lead.id,
    carriedOutBy: "OpenAI Trust & Safety",
    orgId: (await getDb().user.findUniqueOrThrow({ where: { id: partnerId }, select: { orgId: true } })).orgId,
    takenAt: new Date(demoTime(t0, 48 * 60)),
    entityIds: accounts,
  });
  await recordEnforcement(lead, caseId, {
    kind: "KEY_REVOKED",
    description: "A key of the cluster revoked.",
    requestedById: partnerId,
    carriedOutBy: "OpenAI platform on-call",
    orgId: (await getDb().user.findUniqueOrThrow({ where: { id: partnerId }, select: { orgId: true } })).orgId,
    takenAt: new Date(demoTime(t0, 36 * 60)),
    entityIds: key ? [key.id] : [],
  });
}
