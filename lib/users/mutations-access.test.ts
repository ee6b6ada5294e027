import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { authenticate, SIGN_IN_ERROR } from "@/lib/auth/sign-in";
import { getSignInThrottle } from "@/lib/auth/throttle";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { resetPassword, setUserDisabled } from "@/lib/users/mutations";
import { createOrg, createUser, TEST_PASSWORD } from "@/tests/helpers/factories";

// Disabling and password resets: the two admin changes that decide whether someone can sign in.
const NON_ADMIN_ROLES = ["INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const;
const NEW_PASSWORD = "a brand new passphrase";

async function adminAndUser(opts: { disabled?: boolean } = {}) {
  const org = await createOrg();
  const admin = await createUser({ orgId: org.id, role: "ADMIN" });
  const user = await createUser({ orgId: org.id, ...opts });
  return { admin, user };
}

const userAudits = async (targetId: string) =>
  (
    await getDb().auditEvent.findMany({ where: { targetId, action: { startsWith: "user." } }, orderBy: { id: "asc" } })
  ).map((e) => ({
    actorId: e.actorId,
    action: e.action,
    details: e.details,
  }));

const signIn = (email: string, password = TEST_PASSWORD) => authenticate({ email, password });

describe("setUserDisabled", () => {
  it("disables a user, who then cannot sign in, and re-enables them, audited both ways", async () => {
    const { admin, user } = await adminAndUser();
    await setUserDisabled(admin, user.id, true);
    expect(await signIn(user.email)).toEqual({ ok: false, error: SIGN_IN_ERROR.disabled });

    await setUserDisabled(admin, user.id, false);
    expect((await signIn(user.email)).ok).toBe(true);
    expect((await userAudits(user.id)).map((e) => [e.actorId, e.action])).toEqual([
      [admin.id, "user.disabled"],
      [admin.id, "user.enabled"],
    ]);
  });

  it("changes and audits nothing when the user is already in that state", async () => {
    const { admin, user } = await adminAndUser({ disabled: true });
    await setUserDisabled(admin, user.id, true);
    expect(await userAudits(user.id)).toEqual([]);
  });

  it("does not let an admin disable themself", async () => {
    const { admin } = await adminAndUser();
    const error = await setUserDisabled(admin, admin.id, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toMatch(/your own account/);
    expect((await signIn(admin.email)).ok).toBe(true);
  });

  it("lets an admin disable another admin", async () => {
    const { admin } = await adminAndUser();
    const other = await createUser({ orgId: admin.orgId, role: "ADMIN" });
    await setUserDisabled(admin, other.id, true);
    expect(await signIn(other.email)).toEqual({ ok: false, error: SIGN_IN_ERROR.disabled });
  });

  it.each(NON_ADMIN_ROLES)("does not exist for a %s (404) and changes nothing", async (role) => {
    const { user } = await adminAndUser();
    const actor = await createUser({ orgId: user.orgId, role });
    await expect(setUserDisabled(actor, user.id, true)).rejects.toBeInstanceOf(NotFoundError);
    expect((await signIn(user.email)).ok).toBe(true);
  });

  it("refuses unknown and malformed user ids (404)", async () => {
    const { admin } = await adminAndUser();
    await expect(setUserDisabled(admin, randomUUID(), true)).rejects.toBeInstanceOf(NotFoundError);
    await expect(setUserDisabled(admin, "nope", true)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("resetPassword", () => {
  const input = { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };

  it("sets the new password, retires the old one, and audits without either", async () => {
    const { admin, user } = await adminAndUser();
    await resetPassword(admin, user.id, input);

    expect((await signIn(user.email, NEW_PASSWORD)).ok).toBe(true);
    expect(await signIn(user.email)).toEqual({ ok: false, error: SIGN_IN_ERROR.invalid });
    const audits = await userAudits(user.id);
    expect(audits).toEqual([
      { actorId: admin.id, action: "user.password_reset", details: { lockoutCleared: false, sessionsEnded: 0 } },
    ]);
    expect(JSON.stringify(audits)).not.toMatch(/passphrase|staple|argon2/);
  });

  it("lifts a sign-in lockout on the user's email", async () => {
    const { admin, user } = await adminAndUser();
    for (let i = 0; i < 5; i++) await signIn(user.email, `guess ${i}`);
    expect(await signIn(user.email, NEW_PASSWORD)).toEqual({ ok: false, error: SIGN_IN_ERROR.locked });

    await resetPassword(admin, user.id, input);
    expect(await getSignInThrottle().lockedFor(user.email)).toBe(0);
    expect((await signIn(user.email, NEW_PASSWORD)).ok).toBe(true);
    expect((await userAudits(user.id))[0]?.details).toEqual({ lockoutCleared: true, sessionsEnded: 0 });
  });

  it.each([
    ["a short password", { password: "short", confirmPassword: "short" }, "password"],
    [
      "a mistyped confirmation",
      { password: NEW_PASSWORD, confirmPassword: "a brand new passfrase" },
      "confirmPassword",
    ],
    ["no input at all", undefined, "_form"],
  ])("refuses %s with a field error and keeps the old password", async (_label, bad, field) => {
    const { admin, user } = await adminAndUser();
    const error = await resetPassword(admin, user.id, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors?.[field]).toBeDefined();
    expect((await signIn(user.email)).ok).toBe(true);
    expect(await userAudits(user.id)).toEqual([]);
  });

  it.each(NON_ADMIN_ROLES)("does not exist for a %s (404) and keeps the old password", async (role) => {
    const { user } = await adminAndUser();
    const actor = await createUser({ orgId: user.orgId, role });
    await expect(resetPassword(actor, user.id, input)).rejects.toBeInstanceOf(NotFoundError);
    expect((await signIn(user.email)).ok).toBe(true);
  });

  it("refuses unknown and malformed user ids (404)", async () => {
    const { admin } = await adminAndUser();
    await expect(resetPassword(admin, randomUUID(), input)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resetPassword(admin, "", input)).rejects.toBeInstanceOf(NotFoundError);
  });
});

// Issue 9, defect 1: another organisation's admin could reset a password and sign in as the
// user. Their users are NotFound to an admin, who changes nothing; their own admin still may.
describe("another organisation's user", () => {
  async function twoOrganisations() {
    const mine = await adminAndUser();
    const theirs = await adminAndUser();
    return { admin: mine.admin, theirAdmin: theirs.admin, theirUser: theirs.user };
  }

  it("cannot have their password reset (404), by anyone but their own admin", async () => {
    const { admin, theirAdmin, theirUser } = await twoOrganisations();
    const input = { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
    await expect(resetPassword(admin, theirUser.id, input)).rejects.toBeInstanceOf(NotFoundError);
    expect(await signIn(theirUser.email, NEW_PASSWORD)).toEqual({ ok: false, error: SIGN_IN_ERROR.invalid });
    expect(await userAudits(theirUser.id)).toEqual([]);

    await resetPassword(theirAdmin, theirUser.id, input);
    expect((await signIn(theirUser.email, NEW_PASSWORD)).ok).toBe(true);
  });

  it("cannot be disabled or re-enabled (404), by anyone but their own admin", async () => {
    const { admin, theirAdmin, theirUser } = await twoOrganisations();
    await expect(setUserDisabled(admin, theirUser.id, true)).rejects.toBeInstanceOf(NotFoundError);
    await expect(setUserDisabled(admin, theirAdmin.id, true)).rejects.toBeInstanceOf(NotFoundError);
    expect((await signIn(theirUser.email)).ok).toBe(true);
    expect((await signIn(theirAdmin.email)).ok).toBe(true);

    await setUserDisabled(theirAdmin, theirUser.id, true);
    await expect(setUserDisabled(admin, theirUser.id, false)).rejects.toBeInstanceOf(NotFoundError);
    expect(await signIn(theirUser.email)).toEqual({ ok: false, error: SIGN_IN_ERROR.disabled });
    expect((await userAudits(theirUser.id)).map((e) => e.actorId)).toEqual([theirAdmin.id]);
  });

  it("does not count as the last admin's replacement: each organisation keeps one", async () => {
    const { admin, theirAdmin } = await twoOrganisations();
    const second = await createUser({ orgId: admin.orgId, role: "ADMIN" });
    // Two admins disabling each other at once: one must remain active; theirAdmin, active in
    // another organisation, does not count.
    const [a, b] = await Promise.allSettled([
      setUserDisabled(admin, second.id, true),
      setUserDisabled(second, admin.id, true),
    ]);
    expect([a, b].filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect([a, b].find((r) => r.status === "rejected")).toMatchObject({ reason: expect.any(ForbiddenError) });
    expect(await getDb().user.count({ where: { orgId: admin.orgId, role: "ADMIN", disabledAt: null } })).toBe(1);
    expect((await signIn(theirAdmin.email)).ok).toBe(true);
  });
});
