import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "@/lib/errors";
import { getUser, listOrganizations, listUsers } from "@/lib/users/queries";
import { USERS_PAGE_SIZE } from "@/lib/users/schemas";
import { createOrg, createUser, uid } from "@/tests/helpers/factories";

const NON_ADMIN_ROLES = ["INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const;

async function newAdmin() {
  const org = await createOrg();
  return createUser({ orgId: org.id, role: "ADMIN" });
}

describe("listUsers", () => {
  it("lists users of an organisation for an admin, without password hashes", async () => {
    const admin = await newAdmin();
    const org = await createOrg();
    const a = await createUser({ orgId: org.id });
    const b = await createUser({ orgId: org.id, role: "LEGAL" });

    const result = await listUsers(admin, { orgId: org.id });
    expect(result.total).toBe(2);
    expect(result.users.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
    expect(result.users[0]).toMatchObject({ orgId: org.id, orgName: org.name, disabledAt: null });
    expect(result.users.every((u) => !("passwordHash" in u))).toBe(true);
  });

  it.each(NON_ADMIN_ROLES)("does not exist for a %s (404)", async (role) => {
    const org = await createOrg();
    const actor = await createUser({ orgId: org.id, role });
    await expect(listUsers(actor, {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it("filters by role and by disabled state", async () => {
    const admin = await newAdmin();
    const org = await createOrg();
    const investigator = await createUser({ orgId: org.id });
    const legal = await createUser({ orgId: org.id, role: "LEGAL" });
    const disabled = await createUser({ orgId: org.id, disabled: true });

    const ids = async (filters: object) =>
      (await listUsers(admin, { orgId: org.id, ...filters })).users.map((u) => u.id).sort();
    expect(await ids({ role: "LEGAL" })).toEqual([legal.id]);
    expect(await ids({ status: "disabled" })).toEqual([disabled.id]);
    expect(await ids({ status: "active" })).toEqual([investigator.id, legal.id].sort());
  });

  it("searches email and name, case-insensitively", async () => {
    const admin = await newAdmin();
    const org = await createOrg();
    const user = await createUser({ orgId: org.id });
    await createUser({ orgId: org.id });
    const token = user.email.split("@")[0]!.slice(5); // the unique part of "user-<id>@…"

    expect((await listUsers(admin, { q: token.toUpperCase() })).users.map((u) => u.id)).toEqual([user.id]);
    expect((await listUsers(admin, { q: ` ${user.name.toLowerCase()} ` })).users.map((u) => u.id)).toEqual([user.id]);
    expect((await listUsers(admin, { q: `nobody-${uid()}` })).users).toEqual([]);
  });

  it("paginates by email and clamps a page past the end to the last page", async () => {
    const admin = await newAdmin();
    const org = await createOrg();
    await Promise.all(Array.from({ length: USERS_PAGE_SIZE + 2 }, () => createUser({ orgId: org.id })));

    const first = await listUsers(admin, { orgId: org.id });
    expect(first).toMatchObject({ total: USERS_PAGE_SIZE + 2, page: 1, pageCount: 2 });
    expect(first.users).toHaveLength(USERS_PAGE_SIZE);
    expect(first.users.map((u) => u.email)).toEqual(first.users.map((u) => u.email).sort());

    const second = await listUsers(admin, { orgId: org.id, page: "2" });
    expect(second.users).toHaveLength(2);
    expect(second.users[0]!.email > first.users.at(-1)!.email).toBe(true);
    expect((await listUsers(admin, { orgId: org.id, page: "99" })).page).toBe(2);
  });

  it("drops malformed filters from the URL instead of failing", async () => {
    const admin = await newAdmin();
    const result = await listUsers(admin, {
      orgId: "not-a-uuid",
      role: "ROOT",
      status: "gone",
      page: "-3",
      q: ["", "x"],
    });
    expect(result.filters).toEqual({ orgId: undefined, role: undefined, status: undefined, page: 1, q: undefined });
  });
});

describe("getUser", () => {
  it("returns one user to an admin", async () => {
    const admin = await newAdmin();
    const user = await createUser({ orgId: admin.orgId, role: "EXECUTIVE" });
    expect(await getUser(admin, user.id)).toMatchObject({
      id: user.id,
      email: user.email,
      role: "EXECUTIVE",
      orgName: admin.orgName,
    });
  });

  it("is NotFound for unknown or malformed ids, and for non-admins", async () => {
    const admin = await newAdmin();
    const other = await createUser({ orgId: admin.orgId });
    await expect(getUser(admin, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    await expect(getUser(admin, "../etc")).rejects.toBeInstanceOf(NotFoundError);
    await expect(getUser(other, admin.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("listOrganizations", () => {
  it("lists organisations for an admin", async () => {
    const admin = await newAdmin();
    const org = await createOrg();
    const orgs = await listOrganizations(admin);
    expect(orgs).toContainEqual({ id: org.id, name: org.name });
  });

  it.each(NON_ADMIN_ROLES)("does not exist for a %s (404)", async (role) => {
    const org = await createOrg();
    const actor = await createUser({ orgId: org.id, role });
    await expect(listOrganizations(actor)).rejects.toBeInstanceOf(NotFoundError);
  });
});
