import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { authenticate } from "@/lib/auth/sign-in";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { createUser as insertUser, updateUser } from "@/lib/users/mutations";
import { createOrg, createUser, uid } from "@/tests/helpers/factories";

const NON_ADMIN_ROLES = ["INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const;
const PASSWORD = "a long initial passphrase";

async function newAdmin() {
  const org = await createOrg();
  return createUser({ orgId: org.id, role: "ADMIN" });
}

function newUserInput(orgId: string, overrides: Record<string, unknown> = {}) {
  return {
    email: `new-${uid()}@test.example`,
    name: "New Person",
    orgId,
    role: "INVESTIGATOR",
    password: PASSWORD,
    confirmPassword: PASSWORD,
    ...overrides,
  };
}

const userAudits = (targetId: string) =>
  getDb().auditEvent.findMany({ where: { targetId, action: { startsWith: "user." } }, orderBy: { id: "asc" } });

const findUserRow = (id: string) =>
  getDb().user.findUniqueOrThrow({ where: { id }, select: { orgId: true, role: true } });

describe("createUser", () => {
  it("creates a user who can sign in, audited without the password", async () => {
    const admin = await newAdmin();
    const input = newUserInput(admin.orgId, { email: `  Mixed-${uid()}@Test.Example `, role: "LEGAL" });
    const { id } = await insertUser(admin, input);

    const email = (input.email as string).trim().toLowerCase();
    expect(await getDb().user.findUnique({ where: { id }, select: { email: true, role: true, orgId: true } })).toEqual({
      email,
      role: "LEGAL",
      orgId: admin.orgId,
    });
    expect((await authenticate({ email, password: PASSWORD })).ok).toBe(true);

    const [audit] = await userAudits(id);
    expect(audit).toMatchObject({
      actorId: admin.id,
      action: "user.created",
      details: { email, name: "New Person", orgId: admin.orgId, role: "LEGAL" },
    });
    expect(JSON.stringify(audit!.details)).not.toMatch(/passphrase|argon2|password/i);
  });

  it.each(NON_ADMIN_ROLES)("does not exist for a %s (404) and writes nothing", async (role) => {
    const org = await createOrg();
    const actor = await createUser({ orgId: org.id, role });
    const input = newUserInput(org.id);
    await expect(insertUser(actor, input)).rejects.toBeInstanceOf(NotFoundError);
    expect(await getDb().user.count({ where: { email: input.email as string } })).toBe(0);
  });

  it.each([
    ["a malformed email", { email: "not-an-email" }, "email"],
    ["an empty name", { name: "   " }, "name"],
    ["an unknown role", { role: "ROOT" }, "role"],
    ["a short password", { password: "short", confirmPassword: "short" }, "password"],
    ["a mistyped confirmation", { confirmPassword: "something else entirely" }, "confirmPassword"],
  ])("refuses %s with a field error and writes nothing", async (_label, overrides, field) => {
    const admin = await newAdmin();
    const input = newUserInput(admin.orgId, overrides);
    const error = await insertUser(admin, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors?.[field]?.[0]).toEqual(expect.any(String));
    expect(await getDb().user.count({ where: { orgId: admin.orgId } })).toBe(1);
  });

  it("refuses a duplicate email, whatever its case, with a clear conflict", async () => {
    const admin = await newAdmin();
    const existing = await createUser({ orgId: admin.orgId });
    const error = await insertUser(admin, newUserInput(admin.orgId, { email: existing.email.toUpperCase() })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain(existing.email);
    expect(await getDb().user.count({ where: { orgId: admin.orgId } })).toBe(2);
  });

  it("lets exactly one of two simultaneous creations of one email through", async () => {
    const admin = await newAdmin();
    const input = newUserInput(admin.orgId);
    const results = await Promise.allSettled([insertUser(admin, input), insertUser(admin, input)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: expect.any(ConflictError) });
    expect(await getDb().user.count({ where: { email: input.email as string } })).toBe(1);
  });

  it("refuses an organisation that does not exist (404) and writes nothing", async () => {
    const admin = await newAdmin();
    const input = newUserInput(randomUUID());
    await expect(insertUser(admin, input)).rejects.toBeInstanceOf(NotFoundError);
    expect(await getDb().user.count({ where: { email: input.email as string } })).toBe(0);
  });

  it("puts the new user in the admin's own organisation when the form names none", async () => {
    const admin = await newAdmin();
    const { id } = await insertUser(admin, newUserInput(admin.orgId, { orgId: undefined }));
    expect(await findUserRow(id)).toEqual({ orgId: admin.orgId, role: "INVESTIGATOR" });
  });
});

describe("updateUser", () => {
  it("changes the role, audited with before and after", async () => {
    const admin = await newAdmin();
    const user = await createUser({ orgId: admin.orgId });
    await updateUser(admin, user.id, { role: "EXECUTIVE" });

    expect(await findUserRow(user.id)).toEqual({ orgId: admin.orgId, role: "EXECUTIVE" });
    const [audit] = await userAudits(user.id);
    expect(audit).toMatchObject({
      actorId: admin.id,
      action: "user.updated",
      details: { changes: { role: { from: "INVESTIGATOR", to: "EXECUTIVE" } } },
    });
  });

  it("writes and audits nothing when nothing changes", async () => {
    const admin = await newAdmin();
    const user = await createUser({ orgId: admin.orgId });
    await updateUser(admin, user.id, { orgId: user.orgId, role: user.role });
    expect(await userAudits(user.id)).toEqual([]);
  });

  it.each(NON_ADMIN_ROLES)("does not exist for a %s (404) and changes nothing", async (role) => {
    const org = await createOrg();
    const actor = await createUser({ orgId: org.id, role });
    const target = await createUser({ orgId: org.id });
    await expect(updateUser(actor, target.id, { orgId: org.id, role: "ADMIN" })).rejects.toBeInstanceOf(NotFoundError);
    expect(await findUserRow(target.id)).toEqual({ orgId: org.id, role: "INVESTIGATOR" });
  });

  it("refuses unknown or forged user and organisation ids (404), changing nothing", async () => {
    const admin = await newAdmin();
    const user = await createUser({ orgId: admin.orgId });
    await expect(updateUser(admin, randomUUID(), { orgId: admin.orgId, role: "LEGAL" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(updateUser(admin, "1 OR 1=1", { orgId: admin.orgId, role: "LEGAL" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(updateUser(admin, user.id, { orgId: randomUUID(), role: "LEGAL" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await findUserRow(user.id)).toEqual({ orgId: admin.orgId, role: "INVESTIGATOR" });
    expect(await userAudits(user.id)).toEqual([]);
  });

  it("refuses bad input with field errors, changing nothing", async () => {
    const admin = await newAdmin();
    const user = await createUser({ orgId: admin.orgId });
    const error = await updateUser(admin, user.id, { orgId: 42, role: "ROOT" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fieldErrors ?? {}).sort()).toEqual(["orgId", "role"]);
    expect(await findUserRow(user.id)).toEqual({ orgId: admin.orgId, role: "INVESTIGATOR" });
  });

  it("does not let an admin demote themself, nor move themself to another organisation (404)", async () => {
    const admin = await newAdmin();
    const error = await updateUser(admin, admin.id, { orgId: admin.orgId, role: "INVESTIGATOR" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toMatch(/your own admin role/);
    expect(await findUserRow(admin.id)).toEqual({ orgId: admin.orgId, role: "ADMIN" });

    const newOrg = await createOrg();
    await expect(updateUser(admin, admin.id, { orgId: newOrg.id, role: "ADMIN" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await findUserRow(admin.id)).toEqual({ orgId: admin.orgId, role: "ADMIN" });
  });

  it("lets an admin demote another admin", async () => {
    const admin = await newAdmin();
    const other = await createUser({ orgId: admin.orgId, role: "ADMIN" });
    await updateUser(admin, other.id, { orgId: admin.orgId, role: "LEGAL" });
    expect(await findUserRow(other.id)).toEqual({ orgId: admin.orgId, role: "LEGAL" });
  });
});

// Issue 9, defect 1: an admin of one organisation took over the other's cases by creating and
// editing users there. Admins are organisation admins: everything outside their organisation is
// NotFound and writes nothing, and the other organisation's admin still may.
describe("an admin's reach ends at their organisation", () => {
  async function twoOrganisations() {
    const [admin, otherAdmin] = await Promise.all([newAdmin(), newAdmin()]);
    const theirs = await createUser({ orgId: otherAdmin.orgId });
    return { admin, otherAdmin, theirs };
  }

  it("cannot create a user in another organisation (404), whose admin can", async () => {
    const { admin, otherAdmin } = await twoOrganisations();
    const input = newUserInput(otherAdmin.orgId);
    await expect(insertUser(admin, input)).rejects.toBeInstanceOf(NotFoundError);
    expect(await getDb().user.count({ where: { email: input.email as string } })).toBe(0);
    expect(await getDb().auditEvent.count({ where: { actorId: admin.id } })).toBe(0);

    const { id } = await insertUser(otherAdmin, input);
    expect(await findUserRow(id)).toEqual({ orgId: otherAdmin.orgId, role: "INVESTIGATOR" });
  });

  it("with email domains, creates users only at its own: the other's address is refused alike, taken or not", async () => {
    const { admin, otherAdmin } = await twoOrganisations();
    const [mine, theirs] = [`${uid()}.example`, `${uid()}.example`];
    await getDb().organizationDomain.createMany({
      data: [
        { domain: mine, orgId: admin.orgId },
        { domain: theirs, orgId: otherAdmin.orgId },
      ],
    });
    const taken = `taken-${uid()}@${theirs}`;
    await insertUser(otherAdmin, newUserInput(otherAdmin.orgId, { email: taken }));
    const refusal = (email: string, by = admin) =>
      insertUser(by, newUserInput(by.orgId, { email })).then(
        () => null,
        (e: ValidationError) => ({ type: e.constructor, status: e.status, message: e.message, fields: e.fieldErrors }),
      );
    const usersAt = (domain: string) => getDb().user.count({ where: { email: { endsWith: `@${domain}` } } });
    const auditsBefore = await getDb().auditEvent.count({ where: { actorId: admin.id } });

    // The other organisation's address: the same refusal whether a user has it or not.
    const forTaken = await refusal(taken);
    expect(forTaken).toEqual({
      type: ValidationError,
      status: 400,
      message: "Please correct the highlighted fields.",
      fields: { email: [`Use an address at ${mine}: your organisation's users are created only at its own domains.`] },
    });
    expect(await refusal(`free-${uid()}@${theirs}`)).toEqual(forTaken);
    expect(await refusal(taken.toUpperCase())).toEqual(forTaken);
    expect(await refusal(`x-${uid()}@sub.${mine}`)).toEqual(forTaken); // exact domains only
    expect([await usersAt(mine), await usersAt(theirs), await usersAt(`sub.${mine}`)]).toEqual([0, 1, 0]);
    expect(await getDb().auditEvent.count({ where: { actorId: admin.id } })).toBe(auditsBefore);

    // The same from the other side, and each at its own domain.
    expect((await refusal(`y-${uid()}@${mine}`, otherAdmin))?.fields).toEqual({
      email: [`Use an address at ${theirs}: your organisation's users are created only at its own domains.`],
    });
    const { id } = await insertUser(admin, newUserInput(admin.orgId, { email: `new-${uid()}@${mine}` }));
    expect(await findUserRow(id)).toEqual({ orgId: admin.orgId, role: "INVESTIGATOR" });
    // A duplicate can now only be one's own user: the conflict names nothing of the other.
    await expect(insertUser(otherAdmin, newUserInput(otherAdmin.orgId, { email: taken }))).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("when only one organisation has domains, the other's admin is refused them alike, taken or not", async () => {
    const { admin, otherAdmin } = await twoOrganisations();
    const mine = `${uid()}.example`; // the first organisation's; the other has none
    await getDb().organizationDomain.create({ data: { domain: mine, orgId: admin.orgId } });
    const taken = `taken-${uid()}@${mine}`;
    await insertUser(admin, newUserInput(admin.orgId, { email: taken }));
    const refusal = (email: string, by = otherAdmin) =>
      insertUser(by, newUserInput(by.orgId, { email })).then(
        () => null,
        (e: ValidationError) => ({ type: e.constructor, status: e.status, fields: e.fieldErrors }),
      );
    const forTaken = await refusal(taken);
    expect(forTaken).toEqual({
      type: ValidationError,
      status: 400,
      fields: { email: ["That address is at another organisation's domain: use one of your organisation's own."] },
    });
    expect(await refusal(`free-${uid()}@${mine}`)).toEqual(forTaken);
    expect(await getDb().user.count({ where: { email: { endsWith: `@${mine}` } } })).toBe(1);

    // The organisation without domains still creates users elsewhere; the one with domains only at them.
    const elsewhere = `new-${uid()}@${uid()}.example`;
    await expect(insertUser(otherAdmin, newUserInput(otherAdmin.orgId, { email: elsewhere }))).resolves.toEqual({
      id: expect.any(String),
    });
    expect((await refusal(`x-${uid()}@${uid()}.example`, admin))?.fields).toEqual({
      email: [`Use an address at ${mine}: your organisation's users are created only at its own domains.`],
    });
  });

  it("cannot edit another organisation's user (404), whose admin can", async () => {
    const { admin, otherAdmin, theirs } = await twoOrganisations();
    await expect(updateUser(admin, theirs.id, { role: "ADMIN" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateUser(admin, theirs.id, { orgId: admin.orgId, role: "ADMIN" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await findUserRow(theirs.id)).toEqual({ orgId: otherAdmin.orgId, role: "INVESTIGATOR" });
    expect(await userAudits(theirs.id)).toEqual([]);

    await updateUser(otherAdmin, theirs.id, { role: "LEGAL" });
    expect(await findUserRow(theirs.id)).toEqual({ orgId: otherAdmin.orgId, role: "LEGAL" });
  });

  it("never moves a user into another organisation (404), not even their own user", async () => {
    const { admin, otherAdmin } = await twoOrganisations();
    const mine = await createUser({ orgId: admin.orgId });
    await expect(updateUser(admin, mine.id, { orgId: otherAdmin.orgId, role: "INVESTIGATOR" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      updateUser(otherAdmin, mine.id, { orgId: otherAdmin.orgId, role: "INVESTIGATOR" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await findUserRow(mine.id)).toEqual({ orgId: admin.orgId, role: "INVESTIGATOR" });
    expect(await userAudits(mine.id)).toEqual([]);
  });

  it("keeps the last active admin per organisation: another organisation's admins do not count", async () => {
    const { admin, otherAdmin } = await twoOrganisations();
    const second = await createUser({ orgId: admin.orgId, role: "ADMIN" });
    // Two admins demoting each other at once: one must remain, though otherAdmin is active elsewhere.
    const results = await Promise.allSettled([
      updateUser(admin, second.id, { role: "INVESTIGATOR" }),
      updateUser(second, admin.id, { role: "INVESTIGATOR" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const admins = await getDb().user.count({ where: { orgId: admin.orgId, role: "ADMIN" } });
    expect(admins).toBe(1);
    expect((await findUserRow(otherAdmin.id)).role).toBe("ADMIN");
  });
});
