import "server-only";
import { analyzeLoaded, getDb } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { nextCaseNumber } from "@/lib/cases/numbers";
import { recordAudit } from "@/lib/audit/record";
import { seedDemoLinkage } from "@/lib/seed/demo-linkage";
import { seedDemoPrivilege } from "@/lib/seed/demo-privilege";
import { demoGatewayLog, demoStart, seedDemoUsage } from "@/lib/seed/demo-usage";
import { getEnv } from "@/lib/env";
import { formatBytes } from "@/lib/bytes";
import { seedDemoSummary } from "@/lib/seed/demo-summary";
import { seedDemoTimelineImport } from "@/lib/seed/demo-timeline";
import { seedDemoProduction } from "@/lib/seed/demo-production";
import type { CaseRole, GlobalRole } from "@/lib/generated/prisma/enums";

// Synthetic demo data. The two real company names are the collaborating organisations of the
// founding scenario, never the subject of an allegation (subjects are "Subject cluster A").
export const DEMO_PASSWORD = "casebridge-demo";

const ORGS = [
  { name: "Microsoft", slug: "microsoft", domain: "microsoft.demo" },
  { name: "OpenAI", slug: "openai", domain: "openai.demo" },
] as const;

const ROLES: { role: GlobalRole; local: string; title: string }[] = [
  { role: "ADMIN", local: "admin", title: "Admin" },
  { role: "INVESTIGATOR", local: "investigator", title: "Investigator" },
  { role: "LEGAL", local: "legal", title: "Legal reviewer" },
  { role: "EXECUTIVE", local: "executive", title: "Executive" },
];

export const DEMO_ACCOUNTS = ORGS.flatMap((org) =>
  ROLES.map((r) => ({
    email: `${r.local}@${org.domain}`,
    name: `${org.name} ${r.title}`,
    role: r.role,
    orgSlug: org.slug,
  })),
);

const DEMO_CASE = {
  title: "Suspected distillation via API — Subject cluster A",
  summary:
    "Microsoft's cloud security team saw a cluster of tenants (Subject cluster A) send sustained, " +
    "highly templated completion traffic to OpenAI's API, spread across many accounts and rotating " +
    "API keys so that no single key approached its rate limit. Working hypothesis: the outputs are " +
    "being harvested to train a competing model. All data in this case is synthetic.",
  members: [
    { email: "investigator@microsoft.demo", role: "LEAD" },
    { email: "investigator@openai.demo", role: "INVESTIGATOR" },
    { email: "legal@microsoft.demo", role: "LEGAL_REVIEWER" },
    { email: "legal@openai.demo", role: "LEGAL_REVIEWER" },
  ] satisfies { email: string; role: CaseRole }[],
};

/** Idempotent: creates whatever of the demo organisations, users and case is missing. */
export async function seedDemoData(): Promise<{ created: boolean }> {
  // The demo uploads its usage log as any user would, under EVIDENCE_MAX_BYTES: checked before
  // anything is written, so a limit set below it leaves an empty database, not half a demo.
  const t0 = demoStart();
  const demoLog = demoGatewayLog(t0);
  const demoLogBytes = Buffer.byteLength(demoLog);
  const limit = getEnv().EVIDENCE_MAX_BYTES;
  if (demoLogBytes > limit)
    throw new Error(
      `The demo's usage log (${formatBytes(demoLogBytes)}) is over EVIDENCE_MAX_BYTES (${formatBytes(limit)}). ` +
        "Raise the limit, or set CASEBRIDGE_SEED_DEMO=false to start without demo data.",
    );
  const db = getDb();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const orgIds = new Map<string, string>();
  for (const org of ORGS) {
    const row = await db.organization.upsert({
      where: { slug: org.slug },
      create: { name: org.name, slug: org.slug },
      update: {},
    });
    await db.organizationDomain.upsert({
      where: { domain: org.domain },
      create: { domain: org.domain, orgId: row.id },
      update: {},
    });
    orgIds.set(org.slug, row.id);
  }
  const userIds = new Map<string, string>();
  for (const account of DEMO_ACCOUNTS) {
    const row = await db.user.upsert({
      where: { email: account.email },
      create: {
        email: account.email,
        name: account.name,
        role: account.role,
        orgId: orgIds.get(account.orgSlug)!,
        passwordHash,
      },
      update: {},
    });
    userIds.set(account.email, row.id);
  }
  if (await db.case.findFirst({ where: { title: DEMO_CASE.title }, select: { id: true } })) return { created: false };

  const leadId = userIds.get(DEMO_CASE.members[0]!.email)!;
  const caseId = await db.$transaction(async (tx) => {
    const created = await tx.case.create({
      data: {
        number: await nextCaseNumber(tx),
        title: DEMO_CASE.title,
        summary: DEMO_CASE.summary,
        status: "ACTIVE",
        severity: "HIGH",
        tlp: "AMBER",
        ownerOrgId: orgIds.get("microsoft")!,
        createdById: leadId,
        members: { create: DEMO_CASE.members.map((m) => ({ userId: userIds.get(m.email)!, role: m.role })) },
        sharedWith: { create: { orgId: orgIds.get("openai")!, sharedById: leadId } },
      },
    });
    await recordAudit(
      {
        actorId: null,
        action: "case.seeded",
        targetType: "case",
        targetId: created.id,
        caseId: created.id,
        scope: "case",
      },
      tx,
    );
    return created.id;
  });
  const actorOf = async (email: string) => {
    const u = await db.user.findUniqueOrThrow({ where: { email }, include: { org: true } });
    return { id: u.id, email: u.email, name: u.name, role: u.role, orgId: u.orgId, orgName: u.org.name };
  };
  const lead = await actorOf(DEMO_CASE.members[0]!.email);
  await seedDemoUsage(lead, caseId, demoLog, t0);
  await seedDemoLinkage([lead, await actorOf("investigator@openai.demo")], caseId);
  await seedDemoTimelineImport(lead, caseId, t0);
  await seedDemoPrivilege(lead, await actorOf("legal@microsoft.demo"), caseId);
  await seedDemoSummary(lead, caseId, userIds.get("investigator@openai.demo")!, t0);
  await analyzeLoaded("all"); // a seed is a bulk load: statistics before anyone reads
  await seedDemoProduction(await actorOf("legal@microsoft.demo"), caseId);
  return { created: true };
}

export async function isDatabaseEmpty(): Promise<boolean> {
  return (await getDb().organization.count()) === 0;
}
