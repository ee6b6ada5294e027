import "server-only";
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { getPgPool } from "@/lib/db";
import { getEnv } from "@/lib/env";

// Sign-in limits with rate-limiter-flexible, stored where every app instance sees them: Redis
// when REDIS_URL is set, else PostgreSQL (table "SignInLimit", its layout made by a migration).
// - Per typed account (normalised email, hashed into the key, whether or not such a user
//   exists, so a lock reveals nothing): each attempt is counted BEFORE the password is checked,
//   in one atomic store operation, so a parallel burst cannot slip past the limit. The
//   maxFailures-th failure locks the account for SIGN_IN_LOCK_MINUTES; the lock then ends by itself (a
//   fresh count) or by an admin's unlock. A success clears the count.
// - Per client address (only when a trusted proxy supplies it, lib/request-meta.ts): a cap on
//   attempts across accounts (password spraying); a success gives its attempt back.
// - Progressive delay: the n-th attempt in a row waits delayMs·2^(n-2) (at most 8 s) before the
//   password is checked, the same for known and unknown accounts.
// If the store is unreachable, sign-in fails (closed), with the generic error.

export type TThrottleConfig = {
  store: "postgres" | "redis";
  redisUrl?: string;
  maxFailures: number;
  lockSeconds: number;
  maxFailuresPerIp: number;
  delayMs: number;
  /** Key namespace (tests use their own). */
  prefix?: string;
};

export type TClaim =
  { ok: true; attempt: number; ipCounted: boolean } | { ok: false; reason: "account" | "ip"; retryAfterMs: number };

const MAX_DELAY_MS = 8_000;
const COUNT_WINDOW_SECONDS = 24 * 3600;

const accountKey = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");

function isRejection(error: unknown): error is RateLimiterRes {
  return error instanceof RateLimiterRes;
}

export function createSignInThrottle(config: TThrottleConfig) {
  const prefix = config.prefix ?? "signin";
  const { lockSeconds } = config;
  const clients: Redis[] = [];
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
    const common = { keyPrefix: `${prefix}:${keyPrefix}`, points, duration, blockDuration: lockSeconds };
    if (config.store === "redis") {
      if (!config.redisUrl) throw new Error("The Redis sign-in store needs REDIS_URL.");
      const client = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
      client.on("error", (error) => console.error("[auth] redis:", error.message));
      clients.push(client);
      return new RateLimiterRedis({ ...common, storeClient: client });
    }
    return new RateLimiterPostgres({
      ...common,
      storeClient: getPgPool(),
      storeType: "pool",
      tableName: "SignInLimit",
      tableCreated: true,
      clearExpiredByTimeout: true,
    });
  };
  const byAccount = make("acct", config.maxFailures, COUNT_WINDOW_SECONDS);
  const byIp = make("ip", config.maxFailuresPerIp, 3600);

  return {
    /** Counts one attempt before the password is checked; refuses when locked. */
    async claim(email: string, ip: string | null): Promise<TClaim> {
      let ipCounted = false;
      if (ip) {
        try {
          await byIp.consume(ip);
          ipCounted = true;
        } catch (error) {
          if (isRejection(error)) return { ok: false, reason: "ip", retryAfterMs: error.msBeforeNext };
          throw error;
        }
      }
      try {
        const res = await byAccount.consume(accountKey(email));
        return { ok: true, attempt: res.consumedPoints, ipCounted };
      } catch (error) {
        if (isRejection(error)) return { ok: false, reason: "account", retryAfterMs: error.msBeforeNext };
        throw error;
      }
    },

    /** The wait before attempt number `attempt` is checked. */
    delayFor(attempt: number): number {
      return attempt <= 1 ? 0 : Math.min(config.delayMs * 2 ** (attempt - 2), MAX_DELAY_MS);
    },

    /** After a wrong password: true when this failure locks the account. */
    async failed(email: string, attempt: number): Promise<boolean> {
      if (attempt < config.maxFailures) return false;
      await byAccount.block(accountKey(email), lockSeconds);
      return true;
    },

    async succeeded(email: string, ip: string | null, ipCounted: boolean): Promise<void> {
      await byAccount.delete(accountKey(email));
      if (ip && ipCounted) await byIp.reward(ip, 1);
    },

    /** Milliseconds left of the account's lock (0: not locked). */
    async lockedFor(email: string): Promise<number> {
      const res = await byAccount.get(accountKey(email));
      return res && res.consumedPoints > config.maxFailures ? res.msBeforeNext : 0;
    },

    /** An admin's unlock (and a password reset): the account starts a fresh count. */
    async unlock(email: string): Promise<boolean> {
      return byAccount.delete(accountKey(email));
    },

    /** Closes Redis connections (tests, scripts). */
    async close(): Promise<void> {
      await Promise.all(clients.map((client) => client.quit()));
    },
  };
}

export type TSignInThrottle = ReturnType<typeof createSignInThrottle>;

const globalForThrottle = globalThis as unknown as { casebridgeThrottle?: TSignInThrottle };

/** The app's sign-in throttle, configured from the environment. */
export function getSignInThrottle(): TSignInThrottle {
  const env = getEnv();
  globalForThrottle.casebridgeThrottle ??= createSignInThrottle({
    store: env.REDIS_URL ? "redis" : "postgres",
    redisUrl: env.REDIS_URL,
    maxFailures: env.SIGN_IN_MAX_FAILURES,
    lockSeconds: env.SIGN_IN_LOCK_MINUTES * 60,
    maxFailuresPerIp: env.SIGN_IN_MAX_FAILURES_PER_IP,
    delayMs: env.SIGN_IN_DELAY_MS,
  });
  return globalForThrottle.casebridgeThrottle;
}

/** How long a lock lasts, for the sign-in page's message. */
export function signInLockMinutes(): number {
  return getEnv().SIGN_IN_LOCK_MINUTES;
}
