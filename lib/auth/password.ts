import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";

// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when no such user exists, so an unknown email costs the same time as a
// wrong password (no user enumeration by timing).
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hashPassword("casebridge-timing-equaliser");
  const target = passwordHash ?? (await dummyHash);
  const ok = await verify(target, password).catch(() => false);
  return passwordHash !== null && ok;
}

// The common-password list shipped with zxcvbn-ts (about 49,000 leaked passwords, maintained
// upstream; updated with the package).
let commonPasswords: Set<string> | undefined;

/**
 * True for a password that is on the common list, or is one with only digits and symbols around
 * it ("password1234!"), or repeats one short unit ("abcabcabcabc"). Checked whenever a password
 * is set (lib/users/schemas.ts), not at sign-in.
 */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary["passwords-common"]);
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower)) return true;
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
  if (core.length >= 3 && commonPasswords.has(core)) return true;
  return /^(.{1,4})\1+$/su.test(lower);
}
