import "server-only";
import { getDb } from "@/lib/db";
import { visibleItemWhere } from "@/lib/auth/visibility";
import type { TActor } from "@/lib/auth/session";
import {
  acceptProposalsAbove,
  createEntity,
  createLink,
  linkTimelineEvent,
  nameCluster,
} from "@/lib/linkage/mutations";
import { linkRuleId } from "@/lib/linkage/settings";

// The demo case's linkage, made through the functions a reviewer's actions call: each
// organisation's investigator accepts the strong proposals (shared payment instrument and
// device) and names the cluster "Subject cluster A"; the lead adds a sign-up email by hand and
// ties the first timeline event to the cluster's accounts. The office accounts' shared
// organisation id and NAT address stay proposals or nothing, for the reviewer to see.

export async function seedDemoLinkage(reviewers: TActor[], caseId: string): Promise<void> {
  const db = getDb();
  for (const reviewer of reviewers) {
    for (const rule of [linkRuleId("shared_payment"), linkRuleId("shared_device")])
      await acceptProposalsAbove(reviewer, caseId, { minConfidence: 70, rule });
  }
  const anchor = await db.entity.findUniqueOrThrow({
    where: { caseId_kind_value: { caseId, kind: "ACCOUNT", value: "acct_a1" } },
    select: { id: true },
  });
  for (const reviewer of reviewers)
    await nameCluster(reviewer, caseId, { anchorId: anchor.id, name: "Subject cluster A" });
  const [lead] = reviewers;
  const email = await createEntity(lead!, caseId, {
    kind: "EMAIL",
    value: "Ops.Cluster.A+api1@googlemail.com",
    label: "sign-up email",
  });
  await createLink(lead!, caseId, {
    fromId: anchor.id,
    toId: email.id,
    kind: "SAME_OWNER",
    confidence: 60,
    rationale: "The sign-up email on acct_A1's account record (synthetic).",
  });
  const first = await db.timelineEvent.findFirst({
    where: { caseId, title: { startsWith: "Subject cluster A accounts begin" }, ...visibleItemWhere(lead!) },
    select: { id: true },
  });
  const accounts = await db.entity.findMany({
    where: { caseId, kind: "ACCOUNT", value: { startsWith: "acct_a" } },
    select: { id: true },
  });
  if (first) for (const a of accounts) await linkTimelineEvent(lead!, caseId, a.id, first.id);
}
