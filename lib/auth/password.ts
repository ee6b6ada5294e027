import "server-only";
import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import pLimit, { type LimitFunction } from "p-limit";
import { ownWebConcurrency } from "@/lib/env";

// argon2id at one of the configurations OWASP's Password Storage Cheat Sheet lists as equally
// strong (12 MiB, 3 passes, 1 lane; the first listed is 19 MiB and 2 passes). Their cost in CPU
// is about the same, but 12 MiB fits these servers' caches: a verify takes about half the time
// it does at 19 MiB (`npm run bench:sign-in`), and sign-in under load is bound by it.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 12_288, timeCost: 3, parallelism: 1 } as const;
const CURRENT_PARAMETERS = `$argon2id$v=19$m=${OPTIONS.memoryCost},t=${OPTIONS.timeCost},p=${OPTIONS.parallelism}$`;

export const MIN_PASSWORD_LENGTH = 12;

/**
 * How many hashes one server process computes at once: the cores it has to itself, at least one.
 * `processes` is WEB_CONCURRENCY, which npm start sets for each of its server processes.
 */
export function hashesAtOnce(cores: number, processes = 1): number {
  return Math.max(1, Math.floor(cores / processes));
}

// A hash at 12 MiB fills a core's cache, so more at once than there are cores each take longer:
// 7.1 ms of CPU with two at once on two cores, 8.7 ms with eight (libuv's four threads in each of
// two server processes). The others wait their turn, first come first served, and libuv's other
// threads stay free for file reads and compression during a burst of sign-ins. At 32 users
// signing in on two cores (`npm run bench:load`), sign-in's p95 was 433–555 ms in six rounds,
// against 567–624 ms in three before, on a machine whose speed moved by a fifth meanwhile.
let limit: LimitFunction | undefined;
const hashing = () => (limit ??= pLimit(hashesAtOnce(availableParallelism(), ownWebConcurrency())));

/** Hashes running and waiting in this process (tests). */
export const hashQueue = () => ({ active: hashing().activeCount, waiting: hashing().pendingCount });

export function hashPassword(password: string): Promise<string> {
  return hashing()(() => hash(password, OPTIONS));
}

// Verified against when no such user exists, so an unknown email costs the same time as a
// wrong password (no user enumeration by timing).
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hashPassword("casebridge-timing-equaliser");
  const target = passwordHash ?? (await dummyHash);
  const ok = await hashing()(() => verify(target, password)).catch(() => false);
  return passwordHash !== null && ok;
}

/**
 * True when a stored hash was made with other parameters than today's (e.g. before the change
 * above): the sign-in that proves the password then stores a new hash (lib/auth/sign-in.ts).
 * Until it has, a wrong password for that account costs the older hash's time, not the unknown
 * email's: a difference of milliseconds that tells which accounts have not signed in since.
 */
export function passwordNeedsRehash(passwordHash: string): boolean {
  return !passwordHash.startsWith(CURRENT_PARAMETERS);
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
