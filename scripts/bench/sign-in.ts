// Sign-in and session costs, in a throwaway database on the local PostgreSQL (BENCH_DATABASE_URL
// for another server): the time of a wrong password beside an unknown email (they must be alike:
// no account enumeration by timing), a successful sign-in, and the per-request session check
// (resolveSession: one lookup of the session row with its user). Prints medians, p95 and ratios,
// and how many argon2id verifies/s these cores do at each of OWASP's equally strong parameter
// sets, so the app's choice (lib/auth/password.ts) can be checked on the machine it runs on.
// Then 32 users signing in at once, each as themselves, by calling the sign-in directly: no HTTP,
// no Next, no next-auth. Beside bench:load's sign-in at 32 users, it tells how much of a sign-in's
// cost is ours (the throttle, the user, the hash, the session and audit rows) and how much is the
// route's.
import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";
import { encode } from "next-auth/jwt";
import { benchDatabase, env, fmt, log, measure, sized, stats, underLoad, verdict } from "@/scripts/bench/common";

const RUNS = sized(40, 8);
const USERS = 32;
// OWASP Password Storage Cheat Sheet, argon2id: these settings "provide an equal level of
// defense"; they trade memory for passes. [MiB in KiB, passes]
const OWASP_ARGON2ID = [
  [47_104, 1],
  [19_456, 2],
  [12_288, 3],
  [9_216, 4],
  [7_168, 5],
] as const;
// Unknown email and wrong password must take alike: a median ratio this close to 1.
const ENUMERATION_BAND = [0.8, 1.25] as const;

/** argon2id verifies/s with every core busy, for `seconds`, at one parameter set. */
async function verifiesPerSecond(memoryCost: number, timeCost: number, seconds: number): Promise<number> {
  const hashed = await hash("bench-ceiling-password", { algorithm: 2, memoryCost, timeCost, parallelism: 1 });
  const { perSecond } = await underLoad(seconds, availableParallelism() * 2, () => verify(hashed, "not-the-password"));
  return perSecond;
}
const { name: dbName, url: benchUrl, onServer } = benchDatabase("signin");

async function main() {
  env.DATABASE_URL = benchUrl; // before lib/db's first use
  env.NEXTAUTH_SECRET ??= "bench-secret-that-is-at-least-32-characters-long";
  const { getDb, disconnectDb } = await import("@/lib/db");
  const { hashPassword } = await import("@/lib/auth/password");
  const { authenticate } = await import("@/lib/auth/sign-in");
  const { createSignInThrottle } = await import("@/lib/auth/throttle");
  const { resolveSession } = await import("@/lib/auth/session");
  // No progressive delay and a high limit: this measures the work of one attempt, not the back-off.
  const throttle = createSignInThrottle({
    store: "postgres",
    maxFailures: 1_000_000,
    lockSeconds: 60,
    maxFailuresPerIp: 1_000_000,
    delayMs: 0,
  });
  try {
    const org = await getDb().organization.create({ data: { name: "Bench", slug: "bench" } });
    const password = "bench-password-2026";
    const user = await getDb().user.create({
      data: {
        email: "bench@bench.example",
        name: "Bench",
        role: "INVESTIGATOR",
        orgId: org.id,
        passwordHash: await hashPassword(password),
      },
    });
    const opts = { runs: RUNS, warmup: 3, pad: 36 };
    let n = 0;
    // Interleaved, so that warm-up and background load fall on both alike.
    const samples: Record<"wrong" | "unknown", number[]> = { wrong: [], unknown: [] };
    const attempt = {
      wrong: () => authenticate({ email: user.email, password: `wrong ${n++}` }, {}, throttle),
      unknown: () => authenticate({ email: `nobody-${n++}@bench.example`, password: "wrong" }, {}, throttle),
    };
    for (let i = 0; i < opts.warmup; i++) await Promise.all([attempt.wrong(), attempt.unknown()]);
    for (let i = 0; i < RUNS; i++) {
      for (const kind of i % 2 ? (["wrong", "unknown"] as const) : (["unknown", "wrong"] as const)) {
        const t = performance.now();
        await attempt[kind]();
        samples[kind].push(performance.now() - t);
      }
    }
    const [wrong, unknown] = [stats(samples.wrong), stats(samples.unknown)];
    log(
      `${"wrong password".padEnd(36)} median ${fmt(wrong.median).padStart(8)} ms   p95 ${fmt(wrong.p95).padStart(8)} ms`,
    );
    log(
      `${"unknown email".padEnd(36)} median ${fmt(unknown.median).padStart(8)} ms   p95 ${fmt(unknown.p95).padStart(8)} ms`,
    );
    const success = await measure("right password (new session)", opts, () =>
      authenticate({ email: user.email, password }, {}, throttle),
    );
    const sessionId = (await getDb().userSession.findFirstOrThrow({ where: { userId: user.id } })).id;
    const token = await encode({ token: { sid: sessionId }, secret: env.NEXTAUTH_SECRET! });
    const check = await measure("per-request session check", { ...opts, runs: 500, warmup: 20 }, () =>
      resolveSession(token),
    );
    console.log();
    console.log(
      `  unknown email / wrong password: median ×${fmt(unknown.median / wrong.median, 2)}, p95 ×${fmt(unknown.p95 / wrong.p95, 2)}`,
    );
    console.log(`  session check: median ${fmt(check.median, 2)} ms, p95 ${fmt(check.p95, 2)} ms`);
    console.log(`  sign-in: median ${fmt(success.median)} ms (argon2id verify dominates)`);
    const [low, high] = ENUMERATION_BAND;
    const ratio = unknown.median / wrong.median;
    console.log(
      `  no enumeration by timing: unknown/wrong median ×${fmt(ratio, 2)} within ×${low}–×${high}  ${verdict(ratio >= low && ratio <= high)}`,
    );

    await concurrentSignIns(org.id, user.passwordHash, password);

    const inUse = (await hashPassword("x")).split("$")[3]; // "m=…,t=…,p=…"
    console.log(`\n  argon2id verifies/s, every core busy, at OWASP's equally strong settings:`);
    for (const [memoryCost, timeCost] of OWASP_ARGON2ID) {
      const rate = await verifiesPerSecond(memoryCost, timeCost, sized(3, 0.5));
      const params = `m=${memoryCost},t=${timeCost},p=1`;
      console.log(
        `    ${`${fmt(memoryCost / 1024, 0)} MiB × ${timeCost}`.padEnd(14)} ${fmt(rate).padStart(8)}/s${params === inUse ? "   ← the app's" : ""}`,
      );
    }
  } finally {
    await throttle.close();
    await disconnectDb();
  }

  /** USERS accounts signing in over and over, all at once, through lib/auth/sign-in.ts alone. */
  async function concurrentSignIns(orgId: string, passwordHash: string, password: string) {
    const emails = Array.from({ length: USERS }, (_, i) => `user-${i}@bench.example`);
    await getDb().user.createMany({
      data: emails.map((email, i) => ({ email, name: `User ${i}`, role: "INVESTIGATOR", orgId, passwordHash })),
    });
    const run = async (seconds: number) => {
      const cpu = process.cpuUsage();
      const { perSecond, latencies } = await underLoad(seconds, USERS, async (i) => {
        const result = await authenticate({ email: emails[i]!, password }, { ip: null, userAgent: "bench" }, throttle);
        if (!result.ok) throw new Error(`sign-in refused: ${result.error}`);
      });
      const used = process.cpuUsage(cpu);
      return { ...stats(latencies), perSecond, cpuMs: (used.user + used.system) / 1000 / latencies.length };
    };
    await run(sized(2, 0.5)); // warm-up: connections, JIT
    const r = await run(sized(10, 1));
    console.log(
      `\n  ${USERS} users signing in at once, no HTTP: ${fmt(r.perSecond)} sign-ins/s, median ${fmt(r.median)} ms, p95 ${fmt(r.p95)} ms; this process's CPU per sign-in ${fmt(r.cpuMs, 2)} ms (the hash included; PostgreSQL's not)`,
    );
  }
}

try {
  await onServer(`CREATE DATABASE "${dbName}"`);
  try {
    const { applyMigrations } = await import("@/lib/db/schema-engine");
    await applyMigrations(benchUrl);
    log(`database ${dbName} migrated`);
    await main();
  } finally {
    await onServer(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
} catch (error) {
  console.error("✖ The benchmark failed:", error);
  process.exitCode = 1;
}
