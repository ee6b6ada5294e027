import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { getDb, Prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { recordAudit } from "@/lib/audit/record";
import { ConflictError, ValidationError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { proveOwnSecret } from "@/lib/auth/own-proof";
import { seal, unseal } from "@/lib/auth/sealed";
import { endUserSessions } from "@/lib/auth/sessions";
import { getSignInThrottle, type TSignInThrottle } from "@/lib/auth/throttle";
import type { TActor } from "@/lib/auth/session";
import type { GlobalRole } from "@/lib/generated/prisma/enums";

// Two-step sign-in: TOTP (otplib, RFC 6238: SHA-1, 6 digits, 30 s, the authenticator apps'
// defaults) plus ten one-time recovery codes. Required for the roles in MFA_REQUIRED_FOR
// (default: admins and anyone who leads a case), optional for everyone else.
// - The TOTP secret is stored sealed (lib/auth/sealed.ts: AES-256-GCM, key from NEXTAUTH_SECRET), so a
//   database dump alone does not yield working codes. Rotating NEXTAUTH_SECRET therefore resets
//   everyone's MFA (they enrol again).
// - A code is accepted once: the time step of the last accepted code is stored, and a code of
//   that step or an earlier one is refused (compare-and-set, so two parallel uses cannot both win).
// - Recovery codes are stored as SHA-256 hashes and marked used in one conditional UPDATE.

type Tx = Prisma.TransactionClient;

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "Casebridge";

/** Which roles must use MFA: MFA_REQUIRED_FOR, e.g. "admin,lead" (default) or "none". */
export function mfaRequiredFor(): { admin: boolean; lead: boolean } {
  const parts = new Set(
    getEnv()
      .MFA_REQUIRED_FOR.split(",")
      .map((p) => p.trim().toLowerCase()),
  );
  return { admin: parts.has("admin"), lead: parts.has("lead") };
}

/** True when the user must sign in with a second factor: by global role, or as a case lead. */
export async function isMfaRequired(
  user: { id: string; role: GlobalRole },
  policy = mfaRequiredFor(),
): Promise<boolean> {
  if (policy.admin && user.role === "ADMIN") return true;
  if (!policy.lead) return false;
  return (await getDb().caseMember.count({ where: { userId: user.id, role: "LEAD" }, take: 1 })) > 0;
}

const normaliseRecovery = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");
// A recovery code carries 50 bits (10 of 32 symbols): below the 112 bits at which a plain hash
// would do, so it is stored as a salted argon2id hash, like a password (ASVS 5.0, 6.5.2), and
// checked against the user's unused codes one by one. Codes stored before that are unsalted
// SHA-256 (64 hex digits) and are still accepted until used or replaced.
const hashRecovery = (code: string) => hashPassword(normaliseRecovery(code));
const LEGACY_RECOVERY_HASH = /^[0-9a-f]{64}$/;

async function recoveryCodeMatches(stored: string, code: string): Promise<boolean> {
  if (!LEGACY_RECOVERY_HASH.test(stored)) return verifyPassword(stored, normaliseRecovery(code));
  const digest = createHash("sha256").update(normaliseRecovery(code)).digest();
  return timingSafeEqual(digest, Buffer.from(stored, "hex"));
}

/** A TOTP code (6 digits) or a recovery code, checked and spent. */
export async function verifySecondFactor(
  userId: string,
  code: string,
): Promise<{ ok: true; kind: "totp" | "recovery" } | { ok: false }> {
  const db = getDb();
  const digits = code.replace(/\s/g, "");
  if (/^\d{6}$/.test(digits)) {
    const user = await db.user.findUnique({
      where: { id: userId },
      select: { mfaSecret: true, mfaEnabledAt: true, mfaLastTimeStep: true },
    });
    const secret = user?.mfaEnabledAt && user.mfaSecret ? unseal("mfa", user.mfaSecret) : null;
    if (!secret) return { ok: false };
    const result = await verify({
      secret,
      token: digits,
      epochTolerance: 30,
      afterTimeStep: user!.mfaLastTimeStep ?? undefined,
    }).catch(() => ({ valid: false as const }));
    if (!result.valid || !("timeStep" in result)) return { ok: false };
    const step = result.timeStep as number;
    const claimed = await db.$executeRaw`
      UPDATE "User" SET "mfaLastTimeStep" = ${step}
      WHERE id = ${userId}::uuid AND ("mfaLastTimeStep" IS NULL OR "mfaLastTimeStep" < ${step})`;
    return claimed === 1 ? { ok: true, kind: "totp" } : { ok: false };
  }
  if (normaliseRecovery(code).length !== 10) return { ok: false };
  const unused = await db.mfaRecoveryCode.findMany({
    where: { userId, usedAt: null },
    select: { id: true, codeHash: true },
  });
  for (const row of unused) {
    if (!(await recoveryCodeMatches(row.codeHash, code))) continue;
    // Spent at most once, also when two sign-ins race with the same code.
    const used = await db.mfaRecoveryCode.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: new Date() },
    });
    return used.count === 1 ? { ok: true, kind: "recovery" } : { ok: false };
  }
  return { ok: false };
}

export type TMfaStatus = { enabled: boolean; required: boolean; recoveryCodesLeft: number };

export async function getMfaStatus(actor: TActor): Promise<TMfaStatus> {
  const [user, left, required] = await Promise.all([
    getDb().user.findUniqueOrThrow({ where: { id: actor.id }, select: { mfaEnabledAt: true } }),
    getDb().mfaRecoveryCode.count({ where: { userId: actor.id, usedAt: null } }),
    isMfaRequired(actor),
  ]);
  return { enabled: Boolean(user.mfaEnabledAt), required, recoveryCodesLeft: left };
}

export type TEnrolment = { secret: string; uri: string; qrDataUrl: string };

/**
 * The secret the actor is enrolling with (created on first call, kept until confirmed, so a
 * reload shows the same QR code). Refused when MFA is already on.
 */
export async function startEnrolment(actor: TActor): Promise<TEnrolment> {
  const user = await getDb().user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { mfaSecret: true, mfaEnabledAt: true },
  });
  if (user.mfaEnabledAt) throw new ConflictError("Two-step sign-in is already on.");
  let secret = user.mfaSecret ? unseal("mfa", user.mfaSecret) : null;
  if (!secret) {
    // Only over the value just read: of two loads at once (two tabs), the second reads back the
    // first one's secret instead of replacing the code the first tab shows.
    secret = generateSecret();
    const { count } = await getDb().user.updateMany({
      where: { id: actor.id, mfaSecret: user.mfaSecret, mfaEnabledAt: null },
      data: { mfaSecret: seal("mfa", secret) },
    });
    if (count === 0) return startEnrolment(actor);
  }
  const uri = generateURI({ issuer: ISSUER, label: actor.email, secret });
  return { secret, uri, qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 200 }) };
}

function newRecoveryCodes(): string[] {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join("");
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
}

/**
 * Turns MFA on once the user types a code from their app; returns the recovery codes, shown
 * once. The session that enrolled stops being enrolment-only.
 */
export async function confirmEnrolment(actor: TActor, rawCode: unknown): Promise<string[]> {
  const code = typeof rawCode === "string" ? rawCode.replace(/\s/g, "") : "";
  if (!/^\d{6}$/.test(code))
    throw new ValidationError("Enter the 6-digit code from your app.", { code: ["Enter the 6-digit code."] });
  const user = await getDb().user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { mfaSecret: true, mfaEnabledAt: true },
  });
  if (user.mfaEnabledAt) throw new ConflictError("Two-step sign-in is already on.");
  const secret = user.mfaSecret ? unseal("mfa", user.mfaSecret) : null;
  const result = secret ? await verify({ secret, token: code, epochTolerance: 30 }) : { valid: false as const };
  if (!result.valid || !("timeStep" in result))
    throw new ValidationError("That code is not right. Check the time on your device and try again.", {
      code: ["That code is not right."],
    });
  const codes = newRecoveryCodes();
  const hashes = await Promise.all(codes.map(hashRecovery));
  await getDb().$transaction(async (tx: Tx) => {
    await tx.user.update({
      where: { id: actor.id },
      data: { mfaEnabledAt: new Date(), mfaLastTimeStep: result.timeStep as number },
    });
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: actor.id } });
    await tx.mfaRecoveryCode.createMany({
      data: hashes.map((codeHash) => ({ userId: actor.id, codeHash })),
    });
    if (actor.sessionId)
      await tx.userSession.updateMany({ where: { id: actor.sessionId }, data: { mfaPending: false } });
    await recordAudit({ actorId: actor.id, action: "auth.mfa_enrolled", targetType: "user", targetId: actor.id }, tx);
  });
  return codes;
}

/** Clears a user's MFA (an admin's reset), inside the caller's transaction. */
export async function clearMfa(tx: Tx, userId: string): Promise<void> {
  await tx.user.update({
    where: { id: userId },
    data: { mfaSecret: null, mfaEnabledAt: null, mfaLastTimeStep: null },
  });
  await tx.mfaRecoveryCode.deleteMany({ where: { userId } });
}

/**
 * The user's own MFA change (a new phone, recovery codes used up or exposed): proven with a
 * current code or an unused recovery code, then MFA is cleared so they enrol again at once. Wrong
 * codes count towards the same lock as sign-in failures, so a stolen session cannot guess its way
 * to replacing the factor. Other sessions end; when MFA is required for the user, this session
 * becomes enrolment-only until they have enrolled again. Audited.
 */
export async function resetOwnMfa(
  actor: TActor,
  rawCode: unknown,
  throttle: TSignInThrottle = getSignInThrottle(),
): Promise<{ mustEnrol: boolean }> {
  const code = typeof rawCode === "string" ? rawCode.trim().slice(0, 64) : "";
  const user = await getDb().user.findUniqueOrThrow({ where: { id: actor.id }, select: { mfaEnabledAt: true } });
  if (!user.mfaEnabledAt) throw new ConflictError("Two-step sign-in is not on.");
  const checked = await proveOwnSecret(
    actor,
    throttle,
    async () => {
      const result = code ? await verifySecondFactor(actor.id, code) : null;
      return result?.ok ? result : null;
    },
    { action: "auth.mfa_failed", details: { during: "self_reset" } },
    {
      field: "code",
      locked: ["Too many wrong codes. Try again later, or ask an administrator.", "Too many wrong codes."],
      wrong: ["That code is not right, or was used already.", "That code is not right."],
    },
  );
  const mustEnrol = await isMfaRequired(actor);
  await getDb().$transaction(async (tx: Tx) => {
    await clearMfa(tx, actor.id);
    const sessionsEnded = await endUserSessions(tx, actor.id, "mfa_reset", actor.sessionId);
    if (mustEnrol && actor.sessionId)
      await tx.userSession.updateMany({ where: { id: actor.sessionId }, data: { mfaPending: true } });
    await recordAudit(
      {
        actorId: actor.id,
        action: "auth.mfa_reset_by_user",
        targetType: "user",
        targetId: actor.id,
        details: { proof: checked.kind, sessionsEnded, mustEnrol },
      },
      tx,
    );
  });
  return { mustEnrol };
}
