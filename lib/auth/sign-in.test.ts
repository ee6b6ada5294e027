import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { authenticate, MAX_FAILED_SIGN_INS, SIGN_IN_ERROR } from "@/lib/auth/sign-in";
import { createOrg, createUser, TEST_PASSWORD, uid } from "@/tests/helpers/factories";

async function newUser(opts: { disabled?: boolean } = {}) {
  const org = await createOrg();
  return createUser({ orgId: org.id, ...opts });
}

describe("authenticate", () => {
  it("signs in with the right password, case-insensitively on the email", async () => {
    const user = await newUser();
    const result = await authenticate({ email: user.email.toUpperCase(), password: TEST_PASSWORD });
    expect(result).toEqual({
      ok: true,
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        orgId: user.orgId,
        role: user.role,
        stamp: expect.stringMatching(/^[\w-]{16}$/),
      },
    });
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const user = await newUser();
    const wrong = await authenticate({ email: user.email, password: "not the password" });
    const unknown = await authenticate({ email: `nobody-${uid()}@test.example`, password: TEST_PASSWORD });
    expect(wrong).toEqual({ ok: false, error: SIGN_IN_ERROR.invalid });
    expect(unknown).toEqual(wrong);
  });

  it("rejects malformed input without counting an attempt", async () => {
    expect(await authenticate({ email: "not-an-email", password: "x" })).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.invalid,
    });
    expect(await authenticate(null)).toEqual({ ok: false, error: SIGN_IN_ERROR.invalid });
    expect(await getDb().signInThrottle.findUnique({ where: { email: "not-an-email" } })).toBeNull();
  });

  it(`locks the account after ${MAX_FAILED_SIGN_INS} failures, refusing even the right password`, async () => {
    const user = await newUser();
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++) {
      expect(await authenticate({ email: user.email, password: `guess ${i}` })).toEqual({
        ok: false,
        error: SIGN_IN_ERROR.invalid,
      });
    }
    expect(await authenticate({ email: user.email, password: "last guess" })).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD })).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
  });

  it("counts parallel guesses atomically", async () => {
    const user = await newUser();
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => authenticate({ email: user.email, password: `parallel ${i}` })),
    );
    const row = await getDb().signInThrottle.findUniqueOrThrow({ where: { email: user.email } });
    expect(row.failures).toBeGreaterThanOrEqual(MAX_FAILED_SIGN_INS);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it("a parallel burst checks at most the first five guesses; the account is then locked", async () => {
    const user = await newUser();
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => authenticate({ email: user.email, password: `burst ${i}` })),
    );
    expect(burst.filter((r) => !r.ok && r.error === SIGN_IN_ERROR.locked).length).toBeGreaterThanOrEqual(25);
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD })).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
    const checked = await getDb().auditEvent.count({ where: { targetId: user.id, action: "auth.sign_in_failed" } });
    expect(checked).toBeLessThanOrEqual(MAX_FAILED_SIGN_INS);
  });

  it("locks unknown emails the same way (lockout reveals nothing)", async () => {
    const email = `ghost-${uid()}@test.example`;
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) await authenticate({ email, password: `guess ${i}` });
    expect(await authenticate({ email, password: "again" })).toEqual({ ok: false, error: SIGN_IN_ERROR.locked });
  });

  it("lets the user in again once the lock has expired, with a fresh count", async () => {
    const user = await newUser();
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) await authenticate({ email: user.email, password: `guess ${i}` });
    await getDb().signInThrottle.update({
      where: { email: user.email },
      data: { lockedUntil: new Date(Date.now() - 1000) },
    });
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD })).ok).toBe(true);
    expect(await getDb().signInThrottle.findUnique({ where: { email: user.email } })).toBeNull();
  });

  it("resets the failure count on a successful sign-in", async () => {
    const user = await newUser();
    await authenticate({ email: user.email, password: "wrong" });
    await authenticate({ email: user.email, password: TEST_PASSWORD });
    expect(await getDb().signInThrottle.findUnique({ where: { email: user.email } })).toBeNull();
  });

  it("refuses a disabled user who knows the password", async () => {
    const user = await newUser({ disabled: true });
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD })).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.disabled,
    });
  });

  it("audits successes and failures with the request's address", async () => {
    const user = await newUser();
    await authenticate({ email: user.email, password: "wrong" }, { ip: "203.0.113.7", userAgent: "vitest" });
    await authenticate({ email: user.email, password: TEST_PASSWORD }, { ip: "203.0.113.7", userAgent: "vitest" });
    const events = await getDb().auditEvent.findMany({ where: { targetId: user.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["auth.sign_in_failed", "auth.sign_in"]);
    expect(events.every((e) => e.ip === "203.0.113.7" && e.userAgent === "vitest")).toBe(true);
  });
});
