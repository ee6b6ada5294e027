import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "@/lib/errors";
import { getUser, listUsers } from "@/lib/users/queries";
import { USERS_PAGE_SIZE } from "@/lib/users/schemas";
import { createOrg, createUser, uid } from "@/tests/helpers/factories";

const NON_ADMIN_ROLES = ["INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const;

async function newAdmin() {
  const org = await createOrg();
  return createUser({ orgId: org.id, role: "ADMIN" });
}

describe("listUsers", () => {
  it("lists the users of the admin's own organisation, without password hashes", async () => {
    const admin = await newAdmin();
    const a = await createUser({ orgId: admin.orgId });
    const b = await createUser({ orgId: admin.orgId, role: "LEGAL" });

    const result = await listUsers(admin, {});
    expect(result.total).toBe(3);
    expect(result.users.map((u) => u.id).sort()).toEqual([admin.id, a.id, b.id].sort());
    expect(result.users[0]).toMatchObject({ orgId: admin.orgId, orgName: admin.orgName, disabledAt: null });
    expect(result.users.every((u) => !("passwordHash" in u))).toBe(true);
  });

  it("never lists another organisation's users, whatever the filters say", async () => {
    const [admin, otherAdmin] = await Promise.all([newAdmin(), newAdmin()]);
    const theirs = await createUser({ orgId: otherAdmin.orgId });
    const mine = (await listUsers(admin, { orgId: otherAdmin.orgId, q: theirs.email })).users;
    expect(mine).toEqual([]);
    // The other organisation's admin does see them: the scope is the actor's organisation.
    expect((await listUsers(otherAdmin, { q: theirs.email })).users.map((u) => u.id)).toEqual([theirs.id]);
  });

  it.each(NON_ADMIN_ROLES)("does not exist for a %s (404)", async (role) => {
    const org = await createOrg();
    const actor = await createUser({ orgId: org.id, role });
    await expect(listUsers(actor, {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it("filters by role and by disabled state", async () => {
    const admin = await newAdmin();
    const investigator = await createUser({ orgId: admin.orgId });
    const legal = await createUser({ orgId: admin.orgId, role: "LEGAL" });
    const disabled = await createUser({ orgId: admin.orgId, disabled: true });

    const ids = async (filters: object) => (await listUsers(admin, filters)).users.map((u) => u.id).sort();
    expect(await ids({ role: "LEGAL" })).toEqual([legal.id]);
    expect(await ids({ status: "disabled" })).toEqual([disabled.id]);
    expect(await ids({ status: "active" })).toEqual([admin.id, investigator.id, legal.id].sort());
  });

  it("searches email and name, case-insensitively", async () => {
    const admin = await newAdmin();
    const user = await createUser({ orgId: admin.orgId });
    await createUser({ orgId: admin.orgId });
    const token = user.email.split("@")[0]!.slice(5); // the unique part of "user-<id>@…"

    expect((await listUsers(admin, { q: token.toUpperCase() })).users.map((u) => u.id)).toEqual([user.id]);
    expect((await listUsers(admin, { q: ` ${user.name.toLowerCase()} ` })).users.map((u) => u.id)).toEqual([user.id]);
    expect((await listUsers(admin, { q: `nobody-${uid()}` })).users).toEqual([]);
    // Wildcards are text: no email or name here holds % or _.
    expect((await listUsers(admin, { q: "%" })).users).toEqual([]);
    expect((await listUsers(admin, { q: "_" })).users).toEqual([]);
  });

  it("paginates by email and clamps a page past the end to the last page", async () => {
    const admin = await newAdmin();
    await Promise.all(Array.from({ length: USERS_PAGE_SIZE + 1 }, () => createUser({ orgId: admin.orgId })));

    const first = await listUsers(admin, {});
    expect(first).toMatchObject({ total: USERS_PAGE_SIZE + 2, page: 1, pageCount: 2 });
    expect(first.users).toHaveLength(USERS_PAGE_SIZE);
    expect(first.users.map((u) => u.email)).toEqual(first.users.map((u) => u.email).sort());

    const second = await listUsers(admin, { page: "2" });
    expect(second.users).toHaveLength(2);
    expect(second.users[0]!.email > first.users.at(-1)!.email).toBe(true);
    expect((await listUsers(admin, { page: "99" })).page).toBe(2);
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
    expect(result.filters).toEqual({ role: undefined, status: undefined, page: 1, q: undefined });
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

  it("is NotFound for another organisation's user, as for an unknown id", async () => {
    const [admin, otherAdmin] = await Promise.all([newAdmin(), newAdmin()]);
    const theirs = await createUser({ orgId: otherAdmin.orgId });
    await expect(getUser(admin, theirs.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getUser(admin, otherAdmin.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getUser(otherAdmin, theirs.id)).id).toBe(theirs.id);
  });

  it("is NotFound for unknown or malformed ids, and for non-admins", async () => {
    const admin = await newAdmin();
    const other = await createUser({ orgId: admin.orgId });
    await expect(getUser(admin, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    await expect(getUser(admin, "../etc")).rejects.toBeInstanceOf(NotFoundError);
    await expect(getUser(other, admin.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
