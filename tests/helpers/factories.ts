import { randomBytes } from "node:crypto";
import { getDb } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { nextCaseNumber } from "@/lib/cases/numbers";
import type { TActor } from "@/lib/auth/session";
import type { CaseRole, GlobalRole, Tlp } from "@/lib/generated/prisma/enums";

// Test data with unique names, so test files can share one database and run in parallel.
export const uid = () => randomBytes(5).toString("hex");

export const TEST_PASSWORD = "correct horse battery staple";
let passwordHash: Promise<string> | undefined;

export async function createOrg(name = `Org ${uid()}`) {
  return getDb().organization.create({ data: { name, slug: name.toLowerCase().replace(/\W+/g, "-") } });
}

export async function createUser(opts: { orgId: string; role?: GlobalRole; disabled?: boolean }): Promise<TActor> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const id = uid();
  const user = await getDb().user.create({
    data: {
      email: `user-${id}@test.example`,
      name: `User ${id}`,
      role: opts.role ?? "INVESTIGATOR",
      orgId: opts.orgId,
      passwordHash: await passwordHash,
      disabledAt: opts.disabled ? new Date() : null,
    },
    include: { org: true },
  });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    orgId: user.orgId,
    orgName: user.org.name,
  };
}

export async function createCase(opts: {
  ownerOrgId: string;
  createdById: string;
  tlp?: Tlp;
  members?: { userId: string; role: CaseRole }[];
  /** Organisations the case is shared with (by its creator). */
  sharedOrgIds?: string[];
}) {
  return getDb().$transaction(async (tx) =>
    tx.case.create({
      data: {
        number: await nextCaseNumber(tx),
        title: `Case ${uid()}`,
        ownerOrgId: opts.ownerOrgId,
        createdById: opts.createdById,
        tlp: opts.tlp ?? "AMBER",
        members: { create: opts.members ?? [] },
        sharedWith: { create: (opts.sharedOrgIds ?? []).map((orgId) => ({ orgId, sharedById: opts.createdById })) },
      },
    }),
  );
}

/**
 * Two organisations on one case: the owner (lead, investigator, viewer) and a partner the case
 * is shared with (lead, investigator), plus an outsider of the owner org who is not a member.
 */
export async function createJointCase(
  opts: { releaseMode?: "DIRECT" | "LEAD_RELEASE" | "TWO_PERSON"; tlp?: Tlp } = {},
) {
  const [ownerOrg, partnerOrg] = await Promise.all([createOrg(), createOrg()]);
  const [lead, investigator, viewer, outsider, partnerLead, partnerInvestigator] = await Promise.all([
    createUser({ orgId: ownerOrg.id }),
    createUser({ orgId: ownerOrg.id }),
    createUser({ orgId: ownerOrg.id }),
    createUser({ orgId: ownerOrg.id }),
    createUser({ orgId: partnerOrg.id }),
    createUser({ orgId: partnerOrg.id }),
  ]);
  const c = await createCase({
    ownerOrgId: ownerOrg.id,
    createdById: lead.id,
    tlp: opts.tlp,
    members: [
      { userId: lead.id, role: "LEAD" },
      { userId: investigator.id, role: "INVESTIGATOR" },
      { userId: viewer.id, role: "VIEWER" },
      { userId: partnerLead.id, role: "LEAD" },
      { userId: partnerInvestigator.id, role: "INVESTIGATOR" },
    ],
  });
  await getDb().caseOrganization.create({ data: { caseId: c.id, orgId: partnerOrg.id, sharedById: lead.id } });
  if (opts.releaseMode) await getDb().case.update({ where: { id: c.id }, data: { releaseMode: opts.releaseMode } });
  return { caseId: c.id, ownerOrg, partnerOrg, lead, investigator, viewer, outsider, partnerLead, partnerInvestigator };
}
