// npm start: the whole app from one command. Uses DATABASE_URL when set, else (outside
// production) starts the embedded PostgreSQL under the data folder; applies migrations; seeds
// demo data into an empty database (never in production); builds the app when the build is
// missing or older than the sources; then serves it with `next start` (or `next dev` with
// --dev), sweeping unreferenced stored files at start and every STORAGE_SWEEP_EVERY_MINUTES.
// In production the server is WEB_CONCURRENCY `next start` processes on one port (scripts/servers.ts).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { applyMigrations } from "@/lib/db/schema-engine";
import { READY, SERVER_FLAGS, serverProcesses, startServers, type TServers } from "@/scripts/servers";
import { DATA_DIR, fail, openDatabase, resolveAuthSecret } from "@/scripts/runtime";

// eslint-disable-next-line no-restricted-properties -- the launcher builds the app's environment
const env = process.env;
const require = createRequire(import.meta.url);
const NEXT_CLI = require.resolve("next/dist/bin/next");
const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "proxy.ts",
  "next.config.js",
  "postcss.config.mjs",
  "package-lock.json",
];

function newestMtime(entry: string): number {
  if (!existsSync(entry) || entry === path.join("lib", "generated")) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

function buildIsStale(): boolean {
  const buildId = path.join(".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  return BUILD_INPUTS.some((entry) => newestMtime(entry) > builtAt);
}

// pg_advisory_lock key of the start-up work (migrations, demo seed): "Case" in ASCII.
const STARTUP_LOCK = 0x43617365;

/**
 * Runs the start-up work one instance at a time. Instances started together on one database
 * queue here on a session advisory lock, each waiting up to CASEBRIDGE_STARTUP_WAIT_SECONDS
 * (default 600) with a message; the next one in finds the schema current and the data seeded,
 * and serves. (Prisma's own migration lock made a second instance give up after 10 s.) The
 * lock goes with this connection's session, so an instance that dies mid-migration frees it.
 */
async function oneInstanceAtATime<T>(url: string, work: () => Promise<T>): Promise<T> {
  const { startupWaitSeconds } = await import("@/lib/env");
  let waitSeconds: number;
  try {
    waitSeconds = startupWaitSeconds(env.CASEBRIDGE_STARTUP_WAIT_SECONDS);
  } catch (error) {
    fail((error as Error).message);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const since = Date.now();
    for (let attempt = 0; ; attempt++) {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
        STARTUP_LOCK,
      ]);
      if (rows[0]?.locked) break;
      if (attempt === 0)
        console.log(
          `• Another instance is migrating or seeding this database: waiting for it (up to ${waitSeconds} s)…`,
        );
      if (Date.now() - since > waitSeconds * 1000)
        fail(
          `Gave up after ${waitSeconds} s waiting for another instance to finish migrating and seeding this database. ` +
            `If none is starting, find the session holding advisory lock ${STARTUP_LOCK} in pg_locks; ` +
            "set CASEBRIDGE_STARTUP_WAIT_SECONDS to wait longer.",
        );
      await sleep(1_000);
    }
    return await work();
  } finally {
    await client.end(); // ends the session, and with it the lock
  }
}

export type TStartOptions = { port?: number; dev?: boolean; onShutdown?: () => Promise<void> };

export async function startCasebridge({
  port = Number(env.PORT ?? 3000),
  dev = false,
  onShutdown,
}: TStartOptions = {}) {
  const started = Date.now();
  const secret = await resolveAuthSecret();
  // Without DATABASE_URL the embedded database starts next: one server process.
  const processes = dev ? { count: 1 } : howManyServers(!env.DATABASE_URL);
  const { url, embedded } = await openDatabase();
  console.log(
    embedded
      ? `• Embedded PostgreSQL (PGlite) in ${path.relative(".", DATA_DIR)}/pglite, on ${new URL(url).host}`
      : "• PostgreSQL from DATABASE_URL",
  );

  env.DATABASE_URL = url;
  const { isDatabaseEmpty, seedDemoData, DEMO_ACCOUNTS, DEMO_PASSWORD } = await import("@/lib/seed/demo");
  const { disconnectDb } = await import("@/lib/db");
  // The embedded database belongs to this one process; a server may have other instances.
  const startUp = async () => {
    const applied = await applyMigrations(url).catch((error: Error) =>
      fail(`Could not apply migrations: ${error.message}`),
    );
    console.log(applied.length ? `• Applied migrations: ${applied.join(", ")}` : "• Database schema is up to date");
    if (env.NODE_ENV === "production" || env.CASEBRIDGE_SEED_DEMO === "false" || !(await isDatabaseEmpty()))
      return false;
    await seedDemoData().catch((error: Error) => fail(`Could not seed the demo data: ${error.message}`));
    console.log("• Seeded demo data into the empty database");
    return true;
  };
  const seeded = embedded ? await startUp() : await oneInstanceAtATime(url, startUp);
  await disconnectDb();

  const childEnv = {
    ...env,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: url,
    NEXTAUTH_SECRET: secret,
    NEXTAUTH_URL: env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    // The embedded database runs one transaction at a time: a request during a long import
    // commit waits for it (up to 10 minutes) instead of failing.
    ...(embedded && !env.DATABASE_CONNECT_TIMEOUT_MS ? { DATABASE_CONNECT_TIMEOUT_MS: "600000" } : {}),
    // The embedded database is the demo (never production): its shared demo accounts sign in
    // with the password alone unless MFA_REQUIRED_FOR says otherwise. Anywhere else the default
    // (admins and case leads) holds.
    ...(embedded && !env.MFA_REQUIRED_FOR ? { MFA_REQUIRED_FOR: "none" } : {}),
  };
  if (!dev && buildIsStale()) {
    console.log("• Building the app (first start or changed sources; about a minute)…");
    const build = spawnSync(process.execPath, [NEXT_CLI, "build"], {
      stdio: "inherit",
      env: { ...childEnv, NODE_ENV: "production" },
    });
    if (build.status !== 0) fail("The build failed; see the output above.");
  }

  // Files of finished imports, purged evidence and crashed uploads: removed at start and then
  // on a schedule (with several instances, one sweeps at a time; see lib/storage/sweep.ts).
  // Started after the build, which blocks this process (and so any query it has in flight).
  const { runStorageSweep } = await import("@/lib/storage/sweep");
  const { getEnv } = await import("@/lib/env");
  const sweepMinutes = getEnv().STORAGE_SWEEP_EVERY_MINUTES;
  let sweeping: Promise<void> = sweepMinutes > 0 ? runStorageSweep() : Promise.resolve();
  const sweepTimer =
    sweepMinutes > 0
      ? setInterval(() => {
          sweeping = sweeping.then(runStorageSweep);
        }, sweepMinutes * 60_000)
      : undefined;
  sweepTimer?.unref();

  const banner = () => {
    console.log(
      `\n  Casebridge is ready at http://localhost:${port}  (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    if (seeded || embedded) {
      console.log(`  Demo accounts (password "${DEMO_PASSWORD}"):`);
      for (const a of DEMO_ACCOUNTS) console.log(`    ${a.email.padEnd(30)} ${a.role}`);
    }
    console.log("  Press Ctrl+C to stop.\n");
  };
  const server = dev ? devServer(port, childEnv, banner) : productionServers(port, childEnv, processes.count, banner);

  let stopping = false;
  async function shutdown(code: number) {
    if (stopping) return;
    stopping = true;
    clearInterval(sweepTimer);
    await server.stop();
    await sweeping;
    await disconnectDb();
    // The embedded database must close cleanly to keep its files consistent.
    await embedded?.stop();
    await onShutdown?.();
    process.exit(code);
  }
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  void server.exited.then(shutdown);
}

/** `next dev`, one process. */
function devServer(port: number, childEnv: NodeJS.ProcessEnv, onReady: () => void): TServers {
  const server = spawn(process.execPath, [...SERVER_FLAGS, NEXT_CLI, "dev", "-p", String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
    env: childEnv,
  });
  let announced = false;
  server.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && READY.test(chunk.toString())) {
      announced = true;
      onReady();
    }
  });
  const exited = new Promise<number>((resolve) => server.on("exit", (code) => resolve(code ?? 0)));
  return {
    exited,
    stop: async () => {
      server.kill("SIGTERM");
      await exited;
    },
  };
}

/** WEB_CONCURRENCY, checked before any work is done (scripts/servers.ts). */
function howManyServers(embedded: boolean): { count: number } {
  try {
    const processes = serverProcesses(env.WEB_CONCURRENCY, embedded);
    if (processes.note) console.log(`• ${processes.note}`);
    return processes;
  } catch (error) {
    fail((error as Error).message);
  }
}

/** `next start` in `workers` processes (scripts/servers.ts). */
function productionServers(port: number, childEnv: NodeJS.ProcessEnv, workers: number, onReady: () => void): TServers {
  if (workers > 1) console.log(`• ${workers} server processes (WEB_CONCURRENCY)`);
  return startServers({
    cli: NEXT_CLI,
    args: ["start", "-p", String(port)],
    execArgv: SERVER_FLAGS,
    // Each process is told how many there are, to share the cores out (lib/auth/password.ts).
    env: { ...childEnv, WEB_CONCURRENCY: String(workers) },
    workers,
    onReady,
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await startCasebridge({ dev: process.argv.includes("--dev") });
}
