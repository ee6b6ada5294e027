import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { verifyPassword } from "@/lib/auth/password";
import { createSession } from "@/lib/auth/sessions";
import { createSignInThrottle } from "@/lib/auth/throttle";
import { ValidationError } from "@/lib/errors";
import { changeOwnPassword } from "@/lib/users/own-account";
import { TEST_PASSWORD, createOrg, createUser, uid } from "@/tests/helpers/factories";

// A user's change of their own password (ASVS 6.2.2, 6.2.3): proven by the current one, which is
// throttled like a sign-in; other sessions end; both organisations' users alike.

const throttle = createSignInThrottle({
  store: "postgres",
  maxFailures: 3,
  lockSeconds: 900,
  maxFailuresPerIp: 1000,
  delayMs: 0,
  prefix: `pw-${uid()}`,
});
afterAll(() => throttle.close());

const NEW = "quiet-lantern-orchard-2026";
const db = getDb();
const hashOf = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).passwordHash;

async function signedInTwice(orgId: string) {
  const user = await createUser({ orgId });
  const [here, elsewhere] = [await createSession(user.id), await createSession(user.id)];
  return { actor: { ...user, sessionId: here }, here, elsewhere };
}
const liveSessions = async (userId: string) =>
  (await db.userSession.findMany({ where: { userId, endedAt: null }, select: { id: true } })).map((s) => s.id);

describe("changing one's own password", () => {
  it("allows users of both organisations with their current password; other sessions end, this one stays", async () => {
    for (const org of [await createOrg(), await createOrg()]) {
      const { actor, here, elsewhere } = await signedInTwice(org.id);
      const input = { currentPassword: TEST_PASSWORD, password: NEW, confirmPassword: NEW };
      expect(await changeOwnPassword(actor, input, throttle)).toEqual({ sessionsEnded: 1 });
      expect(await verifyPassword(await hashOf(actor.id), NEW)).toBe(true);
      expect(await verifyPassword(await hashOf(actor.id), TEST_PASSWORD)).toBe(false);
      expect(await liveSessions(actor.id)).toEqual([here]);
      const ended = await db.userSession.findUniqueOrThrow({ where: { id: elsewhere } });
      expect(ended.endedReason).toBe("password_changed");
      const audit = await db.auditEvent.findFirstOrThrow({
        where: { actorId: actor.id, action: "user.password_changed" },
      });
      expect(audit.details).toEqual({ sessionsEnded: 1 });
    }
  });

  it("denies a wrong current password, changes nothing, and locks after the sign-in limit", async () => {
    const { actor } = await signedInTwice((await createOrg()).id);
    const before = await hashOf(actor.id);
    const wrong = { currentPassword: "not-my-password-at-all", password: NEW, confirmPassword: NEW };
    for (let i = 0; i < 3; i++) {
      const error = await changeOwnPassword(actor, wrong, throttle).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors).toEqual({
        currentPassword: ["This is not your current password."],
      });
    }
    // Locked now: even the right password is refused until the lock ends or an admin lifts it.
    const right = { currentPassword: TEST_PASSWORD, password: NEW, confirmPassword: NEW };
    await expect(changeOwnPassword(actor, right, throttle)).rejects.toThrow(/Too many wrong passwords/);
    expect(await hashOf(actor.id)).toBe(before);
    expect(await liveSessions(actor.id)).toHaveLength(2);
    expect(await db.auditEvent.count({ where: { actorId: actor.id, action: "user.password_change_refused" } })).toBe(3);
    await throttle.unlock(actor.email);
    await changeOwnPassword(actor, right, throttle);
    expect(await verifyPassword(await hashOf(actor.id), NEW)).toBe(true);
  });

  it("allows long passphrases (64 characters and more, ASVS 6.2.9) and any characters", async () => {
    const { actor } = await signedInTwice((await createOrg()).id);
    const long = `${"a long passphrase with spaces, ünïcode and symbols! ".repeat(4)}`.slice(0, 180);
    await changeOwnPassword(actor, { currentPassword: TEST_PASSWORD, password: long, confirmPassword: long }, throttle);
    expect(await verifyPassword(await hashOf(actor.id), long)).toBe(true);
  });

  it("denies weak, mismatched, unchanged and malformed new passwords with a field error each", async () => {
    const { actor } = await signedInTwice((await createOrg()).id);
    const before = await hashOf(actor.id);
    const cases: [Record<string, unknown>, string][] = [
      [{ currentPassword: TEST_PASSWORD, password: "short", confirmPassword: "short" }, "password"],
      [{ currentPassword: TEST_PASSWORD, password: "password1234!", confirmPassword: "password1234!" }, "password"],
      [{ currentPassword: TEST_PASSWORD, password: NEW, confirmPassword: `${NEW}x` }, "confirmPassword"],
      [{ currentPassword: TEST_PASSWORD, password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD }, "password"],
      [{ currentPassword: "", password: NEW, confirmPassword: NEW }, "currentPassword"],
      [{ currentPassword: ["x"], password: { a: 1 }, confirmPassword: null }, "currentPassword"],
    ];
    for (const [input, field] of cases) {
      const error = await changeOwnPassword(actor, input, throttle).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(ValidationError);
      expect(Object.keys((error as ValidationError).fieldErrors ?? {}), JSON.stringify(input)).toContain(field);
    }
    expect(await hashOf(actor.id)).toBe(before);
  });
});
