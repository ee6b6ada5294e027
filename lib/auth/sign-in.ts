import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "@/lib/auth/password";
import { isMfaRequired, verifySecondFactor } from "@/lib/auth/mfa";
import { startSignedInSession } from "@/lib/auth/sessions";
import { getSignInThrottle, type TSignInThrottle } from "@/lib/auth/throttle";
import type { GlobalRole } from "@/lib/generated/prisma/enums";

/** Codes the sign-in page turns into messages. Bad email and bad password share one code. */
export const SIGN_IN_ERROR = {
  invalid: "CredentialsSignin",
  locked: "AccountLocked",
  throttled: "TooManyAttempts",
  disabled: "AccountDisabled",
  /** The password was right; now the second factor (asked for by the sign-in form). */
  mfaRequired: "MfaRequired",
  mfaInvalid: "MfaInvalid",
  /** Something failed on the server (logged there); its text never reaches the client. */
  unavailable: "SignInUnavailable",
} as const;

export type TSignInError = (typeof SIGN_IN_ERROR)[keyof typeof SIGN_IN_ERROR];

export const ZCredentials = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  // Its message reaches the sign-in form as it is (the only field a person can overfill there).
  password: z.string().min(1).max(1024, "A password is at most 1,024 characters: this one is longer."),
  // A TOTP or recovery code, on the second submit of an account with MFA on.
  code: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((c) => c || undefined),
});

export type TSessionUser = {
  id: string;
  email: string;
  name: string;
  orgId: string;
  role: GlobalRole;
  /** The server-side session created for this sign-in (lib/auth/sessions.ts). */
  sessionId: string;
  /** MFA is required but not set up: the session may only enrol (lib/auth/mfa.ts). */
  mfaPending: boolean;
};

type TRequestMeta = { ip?: string | null; userAgent?: string | null };

export type TSignInResult = { ok: true; user: TSessionUser } | { ok: false; error: TSignInError };

/**
 * Checks credentials and, when they are right, opens a server-side session. Unknown email and
 * wrong password take the same path (the same limits, delays, a password hash verified, an
 * audit row) and give the same answer; limits are counted per typed email whether or not the
 * account exists, and per client address (lib/auth/throttle.ts).
 */
export async function authenticate(
  raw: unknown,
  meta: TRequestMeta = {},
  throttle?: TSignInThrottle,
): Promise<TSignInResult> {
  // A failure on the server is one code for the client: a database error's text would tell
  // anyone who signs in how the server is built.
  return checkCredentials(raw, meta, throttle).catch((error: unknown) => {
    console.error("[auth] sign-in failed on the server:", error);
    return { ok: false, error: SIGN_IN_ERROR.unavailable } as const;
  });
}

async function checkCredentials(
  raw: unknown,
  meta: TRequestMeta,
  throttle = getSignInThrottle(),
): Promise<TSignInResult> {
  const parsed = ZCredentials.safeParse(raw);
  if (!parsed.success) return { ok: false, error: SIGN_IN_ERROR.invalid };
  const { email, password, code } = parsed.data;
  const ip = meta.ip ?? null;

  const claim = await throttle.claim(email, ip);
  if (!claim.ok) return { ok: false, error: claim.reason === "ip" ? SIGN_IN_ERROR.throttled : SIGN_IN_ERROR.locked };
  await sleep(throttle.delayFor(claim.attempt));

  const user = await getDb().user.findUnique({
    where: { email },
    select: {
      id: true,
      email: true,
      name: true,
      orgId: true,
      role: true,
      passwordHash: true,
      disabledAt: true,
      mfaEnabledAt: true,
    },
  });
  const valid = await verifyPassword(user?.passwordHash ?? null, password);

  if (!user || !valid) {
    const locked = await throttle.failed(email, claim.attempt);
    await recordAudit({
      actorId: user?.id ?? null,
      action: "auth.sign_in_failed",
      targetType: "user",
      targetId: user?.id ?? null,
      ...meta,
      details: { email, failures: claim.attempt, locked },
    });
    return { ok: false, error: locked ? SIGN_IN_ERROR.locked : SIGN_IN_ERROR.invalid };
  }
  if (user.disabledAt) {
    await recordAudit({
      actorId: user.id,
      action: "auth.sign_in_refused_disabled",
      targetType: "user",
      targetId: user.id,
      ...meta,
    });
    return { ok: false, error: SIGN_IN_ERROR.disabled };
  }

  // Second factor. Asking for it reveals that the password was right, as in every two-step
  // sign-in; a wrong code counts as a failure towards the lock like a wrong password.
  let secondFactor: "totp" | "recovery" | null = null;
  if (user.mfaEnabledAt) {
    if (!code) return { ok: false, error: SIGN_IN_ERROR.mfaRequired };
    const checked = await verifySecondFactor(user.id, code);
    if (!checked.ok) {
      const locked = await throttle.failed(email, claim.attempt);
      await recordAudit({
        actorId: user.id,
        action: "auth.mfa_failed",
        targetType: "user",
        targetId: user.id,
        ...meta,
        details: { failures: claim.attempt, locked },
      });
      return { ok: false, error: locked ? SIGN_IN_ERROR.locked : SIGN_IN_ERROR.mfaInvalid };
    }
    secondFactor = checked.kind;
  }
  const mfaPending = !user.mfaEnabledAt && (await isMfaRequired(user));

  await throttle.succeeded(email, ip, claim.ipCounted);
  if (passwordNeedsRehash(user.passwordHash)) await upgradePasswordHash(user.id, user.passwordHash, password);
  if (secondFactor === "recovery")
    await recordAudit({
      actorId: user.id,
      action: "auth.mfa_recovery_code_used",
      targetType: "user",
      targetId: user.id,
      ...meta,
    });
  const sessionId = await startSignedInSession(
    user.id,
    meta,
    { secondFactor, ...(mfaPending ? { mfaEnrolmentRequired: true } : {}) },
    { mfaPending },
  );
  const { passwordHash: _hash, disabledAt: _disabled, mfaEnabledAt: _mfa, ...sessionUser } = user;
  return { ok: true, user: { ...sessionUser, sessionId, mfaPending } };
}

/**
 * Stores the password again at today's hash parameters, once it has been proved. Only if the
 * hash is still the one just verified: a password changed meanwhile is never overwritten.
 */
async function upgradePasswordHash(userId: string, verifiedHash: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await getDb().user.updateMany({ where: { id: userId, passwordHash: verifiedHash }, data: { passwordHash } });
}
