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
  return { id: user.id, email: user.email, name: user.name, role: user.role, orgId: user.orgId, orgName: user.org.name };
}

export async function createCase(opts: {
  ownerOrgId: string;
  createdById: string;
  tlp?: Tlp;
  members?: { userId: string; role: CaseRole }[];
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
      },
    }),
  );
}
