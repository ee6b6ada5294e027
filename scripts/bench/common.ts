// What every benchmark script shares: a throwaway database on BENCH_DATABASE_URL's server, a
// timestamped log, number formatting, and median/p95 timing after warm-up runs.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TActor } from "@/lib/auth/session";

// eslint-disable-next-line no-restricted-properties -- a script configures the environment the app reads
export const env = process.env;

/** A new database name and URL on the benchmark server (`kind` goes into the name). */
export function benchDatabase(kind: string) {
  const serverUrl = env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = `casebridge_bench_${kind ? `${kind}_` : ""}${Date.now()}`;
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  /** One statement on the server's default database (CREATE / DROP DATABASE). */
  const onServer = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  return { name, url, onServer };
}

/**
 * Runs a benchmark's `main` in a fresh, migrated database of its own (kept with --keep) and a
 * scratch folder for the app's files, then removes both; a failure is printed and sets the exit
 * code. The app's DATABASE_URL points at that database before lib/db is first used.
 */
export async function runInBenchDatabase(
  kind: string,
  main: (client: pg.Client, work: string) => Promise<void>,
): Promise<void> {
  const keep = process.argv.includes("--keep");
  try {
    const work = await mkdtemp(path.join(tmpdir(), `casebridge-bench-${kind}-`));
    const { name, url, onServer } = benchDatabase(kind);
    await onServer(`CREATE DATABASE "${name}"`);
    try {
      const { applyMigrations } = await import("@/lib/db/schema-engine");
      log(`created database ${name}; applied migrations: ${(await applyMigrations(url)).length}`);
      env.DATABASE_URL = url;
      env.CASEBRIDGE_DATA_DIR = path.join(work, "data");
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await main(client, work).finally(() => client.end());
    } finally {
      const { disconnectDb } = await import("@/lib/db");
      await disconnectDb();
      if (keep) log(`kept database ${name}: ${url}`);
      else await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await rm(work, { recursive: true, force: true });
    }
  } catch (error) {
    console.error("✖ The benchmark failed:", error);
    process.exitCode = 1;
  }
}

/**
 * `--small`: every benchmark runs at a size that takes seconds, so CI can run it (`npm run
 * bench:smoke`) and a benchmark cannot rot unnoticed. Its figures then mean nothing.
 */
export const SMALL = process.argv.includes("--small");
/** The full-size value, or the small one under --small. */
export const sized = <T>(full: T, small: T): T => (SMALL ? small : full);

const started = performance.now();
export const log = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
export const fmt = (n: number, digits = 1) =>
  n.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const verdict = (pass: boolean) => (pass ? "PASS" : "MISS");

/** Linux counts CPU time in /proc/stat in these ticks (USER_HZ, 100 on every common build). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds the whole machine has spent busy since boot (every core, every process: this
 * script, PostgreSQL's backends and the rest), from /proc/stat; NaN where there is none. The
 * difference across a step is what the step cost in CPU, on a machine otherwise idle.
 */
export function machineCpuSeconds(): number {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8")
      .split("\n", 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user! + nice! + system! + irq! + softirq!) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** Kilobytes of the page cache not yet written to disk (Dirty and Writeback in /proc/meminfo). */
function unwrittenKb(): number {
  try {
    const info = readFileSync("/proc/meminfo", "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(info)?.[1] ?? 0);
    return kb("Dirty") + kb("Writeback");
  } catch {
    return 0;
  }
}

let checkpointRefused = false;

/**
 * Waits until the writes of the step before have reached the disk (PostgreSQL's checkpoint,
 * then the kernel's dirty pages, for 60 s at most), so that their writeback does not run, and
 * count, in the next timed step. A role that may not CHECKPOINT (superusers and pg_checkpoint
 * may) waits for the kernel's pages alone. Not at --small sizes, whose steps take seconds.
 */
export async function settle(client: pg.Client): Promise<void> {
  if (SMALL) return;
  if (!checkpointRefused)
    await client.query("CHECKPOINT").catch((error: unknown) => {
      checkpointRefused = true;
      log(`no CHECKPOINT between steps (${error instanceof Error ? error.message : String(error)})`);
    });
  spawnSync("sync");
  const until = performance.now() + 60_000;
  while (unwrittenKb() > 16_384 && performance.now() < until) await new Promise((r) => setTimeout(r, 250));
}

/**
 * `workers` loops, each calling `work` (given its number) over and over for `seconds`: calls
 * completed per second, and each call's time in milliseconds.
 */
export async function underLoad(
  seconds: number,
  workers: number,
  work: (worker: number) => Promise<unknown>,
): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < until) {
        const t = performance.now();
        await work(worker);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { perSecond: latencies.length / ((performance.now() - started) / 1000), latencies };
}

export type TStats = { median: number; p95: number };

export function stats(samples: number[]): TStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, p95: sorted[Math.ceil(sorted.length * 0.95) - 1]! };
}

/** `runs` timed runs of `fn` (ms) after `warmup` untimed ones; logs and returns median and p95. */
export async function measure(
  label: string,
  opts: { runs: number; warmup: number; pad?: number },
  fn: () => Promise<unknown>,
): Promise<TStats> {
  for (let i = 0; i < opts.warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  const s = stats(samples);
  log(`${label.padEnd(opts.pad ?? 44)} median ${fmt(s.median).padStart(8)} ms   p95 ${fmt(s.p95).padStart(8)} ms`);
  return s;
}

/**
 * Two organisations, an investigator in each, and a case owned by the first and shared with the
 * second (its lead and a partner investigator as members), written in SQL.
 */
export async function createBenchCase(client: pg.Client, title: string) {
  const [orgA, orgB, lead, partner] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  await client.query(
    `INSERT INTO "Organization" (id, name, slug) VALUES ($1, 'Bench A', 'bench-a'), ($2, 'Bench B', 'bench-b')`,
    [orgA, orgB],
  );
  await client.query(
    `INSERT INTO "User" (id, email, name, "passwordHash", "orgId", role, "updatedAt") VALUES
     ($1, 'lead@bench.example', 'Bench Lead', 'x', $3, 'INVESTIGATOR', now()), ($2, 'partner@bench.example', 'Bench Partner', 'x', $4, 'INVESTIGATOR', now())`,
    [lead, partner, orgA, orgB],
  );
  const caseId = randomUUID();
  await client.query(
    `INSERT INTO "Case" (id, number, title, "ownerOrgId", "createdById", "updatedAt") VALUES ($1, 'CB-2026-9001', $4, $2, $3, now())`,
    [caseId, orgA, lead, title],
  );
  await client.query(`INSERT INTO "CaseOrganization" ("caseId", "orgId", "sharedById") VALUES ($1, $2, $3)`, [
    caseId,
    orgB,
    lead,
  ]);
  await client.query(
    `INSERT INTO "CaseMember" ("caseId", "userId", role) VALUES ($1, $2, 'LEAD'), ($1, $3, 'INVESTIGATOR')`,
    [caseId, lead, partner],
  );
  const actor = (id: string, orgId: string, name: string): TActor => ({
    id,
    orgId,
    name,
    email: `${name}@bench.example`,
    role: "INVESTIGATOR",
    orgName: orgId === orgA ? "Bench A" : "Bench B",
  });
  return { caseId, orgA, orgB, lead: actor(lead, orgA, "lead"), partner: actor(partner, orgB, "partner") };
}
