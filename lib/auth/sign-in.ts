import "server-only";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { credentialStamp, verifyPassword } from "@/lib/auth/password";
import type { GlobalRole } from "@/lib/generated/prisma/enums";

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;

/** Codes the sign-in page turns into messages. Bad email and bad password share one code. */
export const SIGN_IN_ERROR = {
  invalid: "CredentialsSignin",
  locked: "AccountLocked",
  disabled: "AccountDisabled",
} as const;

export const ZCredentials = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});

export type TSessionUser = { id: string; email: string; name: string; orgId: string; role: GlobalRole; stamp: string };

type TRequestMeta = { ip?: string | null; userAgent?: string | null };

export type TSignInResult =
  { ok: true; user: TSessionUser } | { ok: false; error: (typeof SIGN_IN_ERROR)[keyof typeof SIGN_IN_ERROR] };

type ThrottleRow = { failures: number; lockedUntil: Date | null };

// One atomic statement counts this attempt BEFORE the password is checked, so a burst of
// parallel guesses cannot all slip past the limit: each gets its own number, and only the first
// MAX_FAILED_SIGN_INS are checked at all. An expired lock starts a fresh count. A success
// deletes the row; a failure leaves the attempt counted.
async function claimAttempt(email: string): Promise<ThrottleRow> {
  const rows = await getDb().$queryRaw<ThrottleRow[]>`
    INSERT INTO "SignInThrottle" (email, failures, "lockedUntil", "updatedAt")
    VALUES (${email}, 1, NULL, now())
    ON CONFLICT (email) DO UPDATE SET
      failures = CASE WHEN "SignInThrottle"."lockedUntil" IS NOT NULL AND "SignInThrottle"."lockedUntil" <= now()
                      THEN 1 ELSE "SignInThrottle".failures + 1 END,
      "lockedUntil" = CASE WHEN "SignInThrottle"."lockedUntil" IS NOT NULL AND "SignInThrottle"."lockedUntil" <= now()
                           THEN NULL ELSE "SignInThrottle"."lockedUntil" END,
      "updatedAt" = now()
    RETURNING failures, "lockedUntil"`;
  return rows[0]!;
}

async function lock(email: string): Promise<void> {
  await getDb().$executeRaw`
    UPDATE "SignInThrottle" SET "lockedUntil" = now() + make_interval(mins => ${LOCKOUT_MINUTES}), "updatedAt" = now()
    WHERE email = ${email} AND ("lockedUntil" IS NULL OR "lockedUntil" <= now())`;
}

/**
 * Checks credentials. Unknown email and wrong password give the same answer in the same time;
 * lockout is counted per typed email whether or not the account exists, so it reveals nothing.
 */
export async function authenticate(raw: unknown, meta: TRequestMeta = {}): Promise<TSignInResult> {
  const parsed = ZCredentials.safeParse(raw);
  if (!parsed.success) return { ok: false, error: SIGN_IN_ERROR.invalid };
  const { email, password } = parsed.data;

  const attempt = await claimAttempt(email);
  if (attempt.lockedUntil && attempt.lockedUntil > new Date()) return { ok: false, error: SIGN_IN_ERROR.locked };
  if (attempt.failures > MAX_FAILED_SIGN_INS) {
    await lock(email);
    return { ok: false, error: SIGN_IN_ERROR.locked };
  }

  const user = await getDb().user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, orgId: true, role: true, passwordHash: true, disabledAt: true },
  });
  const valid = await verifyPassword(user?.passwordHash ?? null, password);

  if (!user || !valid) {
    const locked = attempt.failures >= MAX_FAILED_SIGN_INS;
    if (locked) await lock(email);
    await recordAudit({
      actorId: user?.id ?? null,
      action: "auth.sign_in_failed",
      targetType: "user",
      targetId: user?.id ?? null,
      ...meta,
      details: { email, failures: attempt.failures, locked },
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

  await getDb().signInThrottle.deleteMany({ where: { email } });
  await recordAudit({ actorId: user.id, action: "auth.sign_in", targetType: "user", targetId: user.id, ...meta });
  const { passwordHash, disabledAt: _disabled, ...sessionUser } = user;
  return { ok: true, user: { ...sessionUser, stamp: credentialStamp(passwordHash) } };
}
