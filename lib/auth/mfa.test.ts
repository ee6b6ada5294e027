import { createHash, randomUUID } from "node:crypto";
import { generate } from "otplib";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { confirmEnrolment, isMfaRequired, RECOVERY_CODE_COUNT, resetOwnMfa, startEnrolment } from "@/lib/auth/mfa";
import { authenticate, SIGN_IN_ERROR } from "@/lib/auth/sign-in";
import { createSession } from "@/lib/auth/sessions";
import { createSignInThrottle } from "@/lib/auth/throttle";
import { resetUserMfa } from "@/lib/users/mutations";
import { createCase, createOrg, createUser, TEST_PASSWORD, uid } from "@/tests/helpers/factories";
import type { TActor } from "@/lib/auth/session";

// Two-step sign-in through the real sign-in function. The environment default applies here
// (MFA_REQUIRED_FOR unset: admins and case leads).
const throttle = createSignInThrottle({
  store: "postgres",
  maxFailures: 5,
  lockSeconds: 900,
  maxFailuresPerIp: 1000,
  delayMs: 0,
  prefix: `mfa-${uid()}`,
});
afterAll(() => throttle.close());

const signIn = (email: string, code?: string) => authenticate({ email, password: TEST_PASSWORD, code }, {}, throttle);
const now = () => Math.floor(Date.now() / 1000);

/** A user with MFA on; returns their secret and recovery codes. */
async function enrolled(role: TActor["role"] = "INVESTIGATOR") {
  const org = await createOrg();
  const user = await createUser({ orgId: org.id, role });
  const { secret } = await startEnrolment(user);
  const codes = await confirmEnrolment(user, await generate({ secret }));
  return { user, secret, codes, org };
}

describe("who must use MFA", () => {
  it("admins and case leads by default, nobody else; configurable", async () => {
    const org = await createOrg();
    const [admin, lead, investigator, legal, executive] = await Promise.all(
      (["ADMIN", "INVESTIGATOR", "INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const).map((role) =>
        createUser({ orgId: org.id, role }),
      ),
    );
    await createCase({ ownerOrgId: org.id, createdById: lead!.id, members: [{ userId: lead!.id, role: "LEAD" }] });
    expect(await Promise.all([admin, lead, investigator, legal, executive].map((u) => isMfaRequired(u!)))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(await isMfaRequired(admin!, { admin: false, lead: true })).toBe(false);
    expect(await isMfaRequired(lead!, { admin: true, lead: false })).toBe(false);
  });

  it("an admin without MFA signs in to an enrolment-only session; enrolling lifts the restriction", async () => {
    const org = await createOrg();
    const admin = await createUser({ orgId: org.id, role: "ADMIN" });
    const result = await signIn(admin.email);
    expect(result).toMatchObject({ ok: true, user: { mfaPending: true } });
    const sessionId = result.ok ? result.user.sessionId : "";
    expect(await getDb().userSession.findUnique({ where: { id: sessionId } })).toMatchObject({ mfaPending: true });

    const { secret } = await startEnrolment({ ...admin, sessionId, mfaPending: true });
    await confirmEnrolment({ ...admin, sessionId, mfaPending: true }, await generate({ secret }));
    expect(await getDb().userSession.findUnique({ where: { id: sessionId } })).toMatchObject({ mfaPending: false });
  });

  it("an investigator without MFA signs in with the password alone, to a full session", async () => {
    const org = await createOrg();
    const user = await createUser({ orgId: org.id });
    expect(await signIn(user.email)).toMatchObject({ ok: true, user: { mfaPending: false } });
  });
});

describe("enrolment", () => {
  it("shows every page loaded at once the same secret, the one stored", async () => {
    const user = await createUser({ orgId: (await createOrg()).id });
    const loads = await Promise.all(Array.from({ length: 6 }, () => startEnrolment(user)));
    const secrets = new Set(loads.map((load) => load.secret));
    expect(secrets.size).toBe(1);
    // The one stored is the one shown: a code from it turns MFA on.
    expect(await confirmEnrolment(user, await generate({ secret: loads[0]!.secret }))).toHaveLength(
      RECOVERY_CODE_COUNT,
    );
  });

  it("keeps the secret encrypted, refuses a wrong code, then turns MFA on with one-time recovery codes", async () => {
    const org = await createOrg();
    const user = await createUser({ orgId: org.id });
    const first = await startEnrolment(user);
    expect((await startEnrolment(user)).secret).toBe(first.secret);
    expect(first.uri).toMatch(/^otpauth:\/\/totp\/Casebridge:.*secret=/);
    const stored = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.mfaSecret).not.toContain(first.secret);

    await expect(confirmEnrolment(user, "000000")).rejects.toBeInstanceOf(ValidationError);
    await expect(confirmEnrolment(user, "not a code")).rejects.toBeInstanceOf(ValidationError);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).mfaEnabledAt).toBeNull();

    const codes = await confirmEnrolment(user, await generate({ secret: first.secret }));
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    await expect(startEnrolment(user)).rejects.toBeInstanceOf(ConflictError);
    const audit = await getDb().auditEvent.findFirst({ where: { action: "auth.mfa_enrolled", targetId: user.id } });
    expect(audit?.actorId).toBe(user.id);
    const hashes = await getDb().mfaRecoveryCode.findMany({ where: { userId: user.id } });
    expect(JSON.stringify(hashes)).not.toContain(codes[0]!.replace("-", ""));
    // 50 bits each: salted argon2id, as passwords are (ASVS 6.5.2), so equal codes hash apart.
    expect(hashes.every((h) => h.codeHash.startsWith("$argon2id$"))).toBe(true);
    expect(new Set(hashes.map((h) => h.codeHash.split("$").at(-2))).size).toBe(RECOVERY_CODE_COUNT);
  });
});

describe("signing in with MFA on", () => {
  it("asks for the code after the right password, and opens no session until it comes", async () => {
    const { user } = await enrolled();
    expect(await signIn(user.email)).toEqual({ ok: false, error: SIGN_IN_ERROR.mfaRequired });
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);
    // A wrong password still gets the plain answer: the code is asked only after the password.
    expect(await authenticate({ email: user.email, password: "wrong" }, {}, throttle)).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.invalid,
    });
  });

  it("accepts a current code once; the same code again is a replay and refused", async () => {
    const { user, secret } = await enrolled();
    const code = await generate({ secret, epoch: now() + 30 });
    expect((await signIn(user.email, code)).ok).toBe(true);
    expect(await signIn(user.email, code)).toEqual({ ok: false, error: SIGN_IN_ERROR.mfaInvalid });
  });

  it("refuses a wrong code, audited, and locks after five failures like passwords", async () => {
    const { user, secret } = await enrolled();
    for (let i = 1; i < 5; i++) expect(await signIn(user.email, "123456")).toMatchObject({ ok: false });
    expect(await signIn(user.email, "654321")).toEqual({ ok: false, error: SIGN_IN_ERROR.locked });
    expect(await signIn(user.email, await generate({ secret, epoch: now() + 30 }))).toEqual({
      ok: false,
      error: SIGN_IN_ERROR.locked,
    });
    expect(await getDb().auditEvent.count({ where: { action: "auth.mfa_failed", targetId: user.id } })).toBe(5);
  });

  it("accepts each recovery code once, audited", async () => {
    const { user, codes } = await enrolled();
    expect((await signIn(user.email, codes[3]!.toLowerCase())).ok).toBe(true);
    expect(await signIn(user.email, codes[3]!)).toEqual({ ok: false, error: SIGN_IN_ERROR.mfaInvalid });
    expect((await signIn(user.email, ` ${codes[4]!.replace("-", "")} `)).ok).toBe(true);
    expect(
      await getDb().auditEvent.count({ where: { action: "auth.mfa_recovery_code_used", targetId: user.id } }),
    ).toBe(2);
  });

  it("still accepts, once, a recovery code stored before codes were salted (plain SHA-256)", async () => {
    const { user } = await enrolled();
    const legacy = "ABCDE23456";
    await getDb().mfaRecoveryCode.create({
      data: { userId: user.id, codeHash: createHash("sha256").update(legacy).digest("hex") },
    });
    expect((await signIn(user.email, "abcde-23456")).ok).toBe(true);
    expect(await signIn(user.email, legacy)).toEqual({ ok: false, error: SIGN_IN_ERROR.mfaInvalid });
  });

  it("does not accept another user's recovery code", async () => {
    const mine = await enrolled();
    const theirs = await enrolled();
    expect(await signIn(mine.user.email, theirs.codes[0]!)).toEqual({ ok: false, error: SIGN_IN_ERROR.mfaInvalid });
  });
});

describe("an admin's MFA reset, from both organisations and every role", () => {
  it("clears MFA, ends the user's sessions, and is audited", async () => {
    const { user, org } = await enrolled();
    const admin = await createUser({ orgId: org.id, role: "ADMIN" });
    const sessionId = await createSession(user.id);
    await resetUserMfa(admin, user.id);
    const after = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect([after.mfaSecret, after.mfaEnabledAt]).toEqual([null, null]);
    expect(await getDb().mfaRecoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await getDb().userSession.findUniqueOrThrow({ where: { id: sessionId } })).endedReason).toBe("mfa_reset");
    expect(await getDb().auditEvent.count({ where: { action: "user.mfa_reset", targetId: user.id } })).toBe(1);
    expect((await signIn(user.email)).ok).toBe(true);
  });

  it("refuses a user who never set up MFA (409) and changes nothing: no session ends, no audit row", async () => {
    const org = await createOrg();
    const user = await createUser({ orgId: org.id });
    const admin = await createUser({ orgId: org.id, role: "ADMIN" });
    const sessionId = await createSession(user.id);
    const refusal = resetUserMfa(admin, user.id);
    await expect(refusal).rejects.toBeInstanceOf(ConflictError);
    await expect(refusal).rejects.toThrow("Two-step sign-in is not set up for this user");
    expect(await getDb().userSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      endedAt: null,
      endedReason: null,
    });
    expect(await getDb().auditEvent.count({ where: { action: "user.mfa_reset", targetId: user.id } })).toBe(0);

    // An enrolment begun but never confirmed is not "set up" either: the pending secret stays.
    const { secret } = await startEnrolment(user);
    await expect(resetUserMfa(admin, user.id)).rejects.toBeInstanceOf(ConflictError);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).mfaSecret).not.toBeNull();
    expect((await getDb().userSession.findUniqueOrThrow({ where: { id: sessionId } })).endedAt).toBeNull();

    // Once confirmed, the same admin can reset it.
    await confirmEnrolment(user, await generate({ secret }));
    await resetUserMfa(admin, user.id);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).mfaEnabledAt).toBeNull();
    expect((await getDb().userSession.findUniqueOrThrow({ where: { id: sessionId } })).endedReason).toBe("mfa_reset");
  });

  it.each(["INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const)("a %s cannot reset anyone's MFA (404)", async (role) => {
    const { user, org } = await enrolled();
    const actor = await createUser({ orgId: org.id, role });
    await expect(resetUserMfa(actor, user.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).mfaEnabledAt).not.toBeNull();
  });

  it("another organisation's admin cannot reset it (404), nor an unknown id", async () => {
    const { user } = await enrolled();
    const foreign = await createUser({ orgId: (await createOrg()).id, role: "ADMIN" });
    await expect(resetUserMfa(foreign, user.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resetUserMfa(foreign, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).mfaEnabledAt).not.toBeNull();
  });
});

describe("the user's own MFA change", () => {
  it("needs a current code; then clears MFA, ends other sessions, and lets the user enrol again", async () => {
    const { user, secret } = await enrolled();
    const here = await createSession(user.id);
    const elsewhere = await createSession(user.id);
    const actor = { ...user, sessionId: here };
    await expect(resetOwnMfa(actor, "000000", throttle)).rejects.toBeInstanceOf(ValidationError);
    await expect(resetOwnMfa(actor, "", throttle)).rejects.toBeInstanceOf(ValidationError);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).mfaEnabledAt).not.toBeNull();

    // A code of the next time step (the enrolment's own step was spent).
    expect(await resetOwnMfa(actor, await generate({ secret, epoch: now() + 30 }), throttle)).toEqual({
      mustEnrol: false,
    });
    const after = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after).toMatchObject({ mfaEnabledAt: null, mfaSecret: null });
    expect(await getDb().mfaRecoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await getDb().userSession.findUniqueOrThrow({ where: { id: elsewhere } })).endedReason).toBe("mfa_reset");
    expect(await getDb().userSession.findUniqueOrThrow({ where: { id: here } })).toMatchObject({
      endedAt: null,
      mfaPending: false,
    });
    expect(await getDb().auditEvent.count({ where: { action: "auth.mfa_reset_by_user", targetId: user.id } })).toBe(1);
    expect((await startEnrolment(user)).secret).not.toBe(secret);
  });

  it("accepts a recovery code; a user who must use MFA is sent to enrol again", async () => {
    const { user, codes } = await enrolled("ADMIN");
    const here = await createSession(user.id);
    expect(await resetOwnMfa({ ...user, sessionId: here }, codes[0], throttle)).toEqual({ mustEnrol: true });
    expect((await getDb().userSession.findUniqueOrThrow({ where: { id: here } })).mfaPending).toBe(true);
  });

  it("counts wrong codes towards the sign-in lock, and is refused without MFA on", async () => {
    const { user } = await enrolled();
    for (let i = 0; i < 5; i++)
      await expect(resetOwnMfa(user, "000000", throttle)).rejects.toBeInstanceOf(ValidationError);
    expect(await throttle.lockedFor(user.email)).toBeGreaterThan(0);
    const org = await createOrg();
    await expect(resetOwnMfa(await createUser({ orgId: org.id }), "000000", throttle)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});
