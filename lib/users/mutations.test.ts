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
    ["a missing organisation", { orgId: "" }, "orgId"],
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
});

describe("updateUser", () => {
  it("changes organisation and role, audited with before and after", async () => {
    const admin = await newAdmin();
    const user = await createUser({ orgId: admin.orgId });
    const newOrg = await createOrg();
    await updateUser(admin, user.id, { orgId: newOrg.id, role: "EXECUTIVE" });

    expect(await findUserRow(user.id)).toEqual({ orgId: newOrg.id, role: "EXECUTIVE" });
    const [audit] = await userAudits(user.id);
    expect(audit).toMatchObject({
      actorId: admin.id,
      action: "user.updated",
      details: {
        changes: { orgId: { from: admin.orgId, to: newOrg.id }, role: { from: "INVESTIGATOR", to: "EXECUTIVE" } },
      },
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
    const error = await updateUser(admin, user.id, { orgId: "", role: "ROOT" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fieldErrors ?? {}).sort()).toEqual(["orgId", "role"]);
    expect(await findUserRow(user.id)).toEqual({ orgId: admin.orgId, role: "INVESTIGATOR" });
  });

  it("does not let an admin demote themself, nor move themself to another organisation", async () => {
    const admin = await newAdmin();
    const error = await updateUser(admin, admin.id, { orgId: admin.orgId, role: "INVESTIGATOR" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toMatch(/your own admin role/);
    expect(await findUserRow(admin.id)).toEqual({ orgId: admin.orgId, role: "ADMIN" });

    const newOrg = await createOrg();
    await expect(updateUser(admin, admin.id, { orgId: newOrg.id, role: "ADMIN" })).rejects.toBeInstanceOf(
      ForbiddenError,
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
