import { afterAll, describe, expect, it } from "vitest";
import { availableParallelism } from "node:os";
import { hash } from "@node-rs/argon2";
import { getDb } from "@/lib/db";
import { ownWebConcurrency } from "@/lib/env";
import { hashesAtOnce, hashPassword, hashQueue, passwordNeedsRehash, verifyPassword } from "@/lib/auth/password";
import { authenticate, SIGN_IN_ERROR } from "@/lib/auth/sign-in";
import { createSignInThrottle, type TThrottleConfig } from "@/lib/auth/throttle";
import { createOrg, createUser, TEST_PASSWORD, uid } from "@/tests/helpers/factories";

const MAX = 5;

async function newUser(opts: { disabled?: boolean } = {}) {
  const org = await createOrg();
  return createUser({ orgId: org.id, ...opts });
}

// Every rule runs against both stores the app supports: PostgreSQL (the default) and Redis
// (REDIS_URL; the machine's Redis on 127.0.0.1:6379).
describe.each(["postgres", "redis"] as const)("authenticate, limits stored in %s", (store) => {
  const throttles: ReturnType<typeof createSignInThrottle>[] = [];
  /** A throttle as one app instance would build it; instances sharing `prefix` share limits. */
  const instance = (overrides: Partial<TThrottleConfig> = {}) => {
    const throttle = createSignInThrottle({
      store,
      redisUrl: "redis://127.0.0.1:6379",
      maxFailures: MAX,
      lockSeconds: 900,
      maxFailuresPerIp: 1000,
      delayMs: 0,
      prefix: `test-${uid()}`,
      ...overrides,
    });
    throttles.push(throttle);
    return throttle;
  };
  afterAll(() => Promise.all(throttles.map((t) => t.close())));

  it("signs in with the right password, case-insensitively on the email, and opens a session", async () => {
    const user = await newUser();
    const result = await authenticate({ email: user.email.toUpperCase(), password: TEST_PASSWORD }, {}, instance());
    expect(result).toEqual({
      ok: true,
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        orgId: user.orgId,
        role: user.role,
        sessionId: expect.any(String),
        mfaPending: false,
      },
    });
    const session = await getDb().userSession.findUnique({ where: { id: result.ok ? result.user.sessionId : "" } });
    expect(session).toMatchObject({ userId: user.id, endedAt: null });
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    const throttle = instance();
    const user = await newUser();
    const wrong = await authenticate({ email: user.email, password: "not the password" }, {}, throttle);
    const unknown = await authenticate(
      { email: `nobody-${uid()}@test.example`, password: TEST_PASSWORD },
      {},
      throttle,
    );
    expect(wrong).toEqual({ ok: false, error: SIGN_IN_ERROR.invalid });
    expect(unknown).toEqual(wrong);
  });

  it("counts no attempt for malformed input", async () => {
    const throttle = instance();
    const user = await newUser();
    for (let i = 0; i < MAX + 2; i++) {
      expect(await authenticate({ email: user.email, password: "" }, {}, throttle)).toEqual({
        ok: false,
        error: SIGN_IN_ERROR.invalid,
      });
    }
    expect(await authenticate(null, {}, throttle)).toEqual({ ok: false, error: SIGN_IN_ERROR.invalid });
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle)).ok).toBe(true);
  });

  it(`locks the account at the ${MAX}th failure, refusing even the right password`, async () => {
    const throttle = instance();
    const user = await newUser();
    for (let i = 1; i < MAX; i++) {
      expect(await authenticate({ email: user.email, password: `guess ${i}` }, {}, throttle)).toEqual({
        ok: false,
        error: SIGN_IN_ERROR.invalid,
      });
    }
    expect(await authenticate({ email: user.email, password: "last guess" }, {}, throttle)).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle)).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
    expect(await throttle.lockedFor(user.email)).toBeGreaterThan(890_000);
  });

  it("holds across app instances: failures through one count on the other", async () => {
    const prefix = `test-${uid()}`;
    const [a, b] = [instance({ prefix }), instance({ prefix })];
    const user = await newUser();
    for (let i = 0; i < MAX; i++) await authenticate({ email: user.email, password: `guess ${i}` }, {}, i % 2 ? a : b);
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, a)).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, b)).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
  });

  it("a parallel burst checks at most the first five guesses; the account is then locked", async () => {
    const throttle = instance();
    const user = await newUser();
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => authenticate({ email: user.email, password: `burst ${i}` }, {}, throttle)),
    );
    expect(burst.filter((r) => !r.ok && r.error === SIGN_IN_ERROR.locked).length).toBeGreaterThanOrEqual(25);
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle)).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
    const checked = await getDb().auditEvent.count({ where: { targetId: user.id, action: "auth.sign_in_failed" } });
    expect(checked).toBeLessThanOrEqual(MAX);
  });

  it("locks unknown emails the same way (a lock reveals nothing)", async () => {
    const throttle = instance();
    const email = `ghost-${uid()}@test.example`;
    for (let i = 0; i < MAX; i++) await authenticate({ email, password: `guess ${i}` }, {}, throttle);
    expect(await authenticate({ email, password: "again" }, {}, throttle)).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
  });

  it("ends the lock by itself, with a fresh count", async () => {
    const throttle = instance({ lockSeconds: 1 });
    const user = await newUser();
    for (let i = 0; i < MAX; i++) await authenticate({ email: user.email, password: `guess ${i}` }, {}, throttle);
    expect(await throttle.lockedFor(user.email)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await throttle.lockedFor(user.email)).toBe(0);
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle)).ok).toBe(true);
  });

  it("ends the lock when unlocked (an admin's unlock, a password reset)", async () => {
    const throttle = instance();
    const user = await newUser();
    for (let i = 0; i < MAX; i++) await authenticate({ email: user.email, password: `guess ${i}` }, {}, throttle);
    expect(await throttle.unlock(user.email)).toBe(true);
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle)).ok).toBe(true);
  });

  it("resets the count on a successful sign-in", async () => {
    const throttle = instance();
    const user = await newUser();
    for (let i = 1; i < MAX; i++) await authenticate({ email: user.email, password: `guess ${i}` }, {}, throttle);
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle)).ok).toBe(true);
    for (let i = 1; i < MAX; i++) {
      expect(await authenticate({ email: user.email, password: `again ${i}` }, {}, throttle)).toEqual({
        ok: false,
        error: SIGN_IN_ERROR.invalid,
      });
    }
  });

  it("caps attempts per client address across accounts, and only when an address is known", async () => {
    const throttle = instance({ maxFailuresPerIp: 4 });
    const ip = "203.0.113.9";
    for (let i = 0; i < 4; i++) {
      const email = `spray-${uid()}@test.example`;
      expect(await authenticate({ email, password: "Winter2026!" }, { ip }, throttle)).toEqual({
        ok: false,
        error: SIGN_IN_ERROR.invalid,
      });
    }
    const user = await newUser();
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD }, { ip }, throttle)).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.throttled,
    });
    // Another address, or none (no trusted proxy configured), is not held back.
    expect(
      (await authenticate({ email: user.email, password: TEST_PASSWORD }, { ip: "198.51.100.1" }, throttle)).ok,
    ).toBe(true);
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle)).ok).toBe(true);
  });

  it("delays each further attempt progressively, known and unknown accounts alike", async () => {
    const throttle = instance({ delayMs: 100 });
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => throttle.delayFor(n))).toEqual([0, 100, 200, 400, 800, 1600, 8000]);
    for (const email of [(await newUser()).email, `ghost-${uid()}@test.example`]) {
      const took: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await authenticate({ email, password: `guess ${i}` }, {}, throttle);
        took.push(performance.now() - start);
      }
      expect(took[1]).toBeGreaterThanOrEqual(100);
      expect(took[2]).toBeGreaterThanOrEqual(200);
    }
  });

  it("refuses a disabled user who knows the password, and opens no session", async () => {
    const user = await newUser({ disabled: true });
    expect(await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, instance())).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.disabled,
    });
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);
  });

  it("audits successes and failures with the request's address", async () => {
    const throttle = instance();
    const user = await newUser();
    const meta = { ip: "203.0.113.7", userAgent: "vitest" };
    await authenticate({ email: user.email, password: "wrong" }, meta, throttle);
    await authenticate({ email: user.email, password: TEST_PASSWORD }, meta, throttle);
    const events = await getDb().auditEvent.findMany({ where: { targetId: user.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["auth.sign_in_failed", "auth.sign_in"]);
    expect(events.every((e) => e.ip === "203.0.113.7" && e.userAgent === "vitest")).toBe(true);
  });
});

describe("a password hashed with older parameters", () => {
  // The OWASP minimum the app used before (19 MiB, 2 passes): what existing accounts still hold.
  const older = () => hash(TEST_PASSWORD, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  const throttle = createSignInThrottle({
    store: "postgres",
    maxFailures: MAX,
    lockSeconds: 900,
    maxFailuresPerIp: 1000,
    delayMs: 0,
    prefix: `test-${uid()}`,
  });
  afterAll(() => throttle.close());
  const storedHash = async (id: string) =>
    (await getDb().user.findUniqueOrThrow({ where: { id }, select: { passwordHash: true } })).passwordHash;

  it("still signs in, and the sign-in stores the password at today's parameters", async () => {
    const user = await newUser();
    const old = await older();
    await getDb().user.update({ where: { id: user.id }, data: { passwordHash: old } });
    expect(passwordNeedsRehash(old)).toBe(true);

    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle)).ok).toBe(true);
    const upgraded = await storedHash(user.id);
    expect(upgraded).not.toBe(old);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=12288,t=3,p=1\$/);
    expect(passwordNeedsRehash(upgraded)).toBe(false);
    expect(await verifyPassword(upgraded, TEST_PASSWORD)).toBe(true);
    // Signing in again leaves the new hash as it is.
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle)).ok).toBe(true);
    expect(await storedHash(user.id)).toBe(upgraded);
  });

  it("is not rehashed by a wrong password or a disabled account's sign-in", async () => {
    const wrong = await newUser();
    const disabled = await newUser({ disabled: true });
    const old = await older();
    await getDb().user.updateMany({ where: { id: { in: [wrong.id, disabled.id] } }, data: { passwordHash: old } });
    expect((await authenticate({ email: wrong.email, password: "not the password" }, {}, throttle)).ok).toBe(false);
    expect((await authenticate({ email: disabled.email, password: TEST_PASSWORD }, {}, throttle)).ok).toBe(false);
    expect(await storedHash(wrong.id)).toBe(old);
    expect(await storedHash(disabled.id)).toBe(old);
  });
});

describe("password hashes under load", () => {
  it("runs no more at once than the process's share of the cores, the others in turn, each answered", async () => {
    const limit = hashesAtOnce(availableParallelism(), ownWebConcurrency());
    const hashed = await hashPassword(TEST_PASSWORD);
    expect(await verifyPassword(null, TEST_PASSWORD)).toBe(false); // the unknown email's hash, made once
    const verifies = Array.from({ length: limit + 3 }, (_, i) =>
      verifyPassword(hashed, i % 2 ? TEST_PASSWORD : "not the password"),
    );
    expect(hashQueue()).toEqual({ active: limit, waiting: 3 });
    expect(await Promise.all(verifies)).toEqual(verifies.map((_, i) => i % 2 === 1));
    expect(hashQueue()).toEqual({ active: 0, waiting: 0 });
  });
});

it("answers a code, not the server's error text, when the limits' store fails", async () => {
  // A real store that cannot be reached: nothing listens on port 1.
  const throttle = createSignInThrottle({
    store: "redis",
    redisUrl: "redis://127.0.0.1:1",
    maxFailures: MAX,
    lockSeconds: 900,
    maxFailuresPerIp: 1000,
    delayMs: 0,
  });
  try {
    const user = await newUser();
    const result = await authenticate({ email: user.email, password: TEST_PASSWORD }, {}, throttle);
    expect(result).toEqual({ ok: false, error: SIGN_IN_ERROR.unavailable });
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);
  } finally {
    await throttle.close().catch(() => {});
  }
});
