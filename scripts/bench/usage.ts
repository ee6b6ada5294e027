// npm run bench:usage [-- --rows=N] [-- --keep] [-- --small]: writes a gateway request log of 5,000,000
// per-request rows (~1 GB of CSV) with planted patterns (a cluster of accounts sharing a payment
// instrument that rotate keys and draw long outputs, an office NAT, ordinary accounts), then in
// one run on a throwaway database of BENCH_DATABASE_URL's server (each COPY, parse and import
// started once the writes of the step before are on disk; in a process with the server's Node
// flags) prints:
// - a plain COPY of the same file into a bare table (rows/s), the baseline (median of three:
//   one before the import, two after);
// - the import through the real job code (evidence upload, validate = parse, check and COPY into
//   the import's table with its rollups, then load = ATTACH), in rows/s and as a ratio to COPY;
// - the time to compute the signals, for each organisation of the case;
// - median and p95 of each Usage tab query;
// - this process's peak RSS during the import (the app runs the job in its own process);
// - the CPU time the whole machine spent on the import and on each COPY (from /proc/stat), and
//   so the best ratio the machine's cores allow for the work the import does.
// Then the same import of 1,000,000 rows on the embedded PGlite database (a child process), which
// has no target. Informational: exits 0 whether targets pass or miss.
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { runUsageImport } from "@/scripts/bench/usage-import";
import { SERVER_FLAGS } from "@/scripts/servers";
import {
  benchDatabase,
  createBenchCase,
  env,
  fmt,
  log,
  machineCpuSeconds,
  measure,
  settle,
  sized,
  SMALL,
  stats,
  verdict,
} from "@/scripts/bench/common";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const embedded = process.argv.includes("--embedded");
const ROWS = Number(arg("rows") ?? (embedded ? sized(1_000_000, 10_000) : sized(5_000_000, 20_000)));
const TARGET = { importRatio: 0.5, signalsSeconds: 30, queryP95: 300, rssMb: 500 };
const QUERY_RUNS = { runs: sized(20, 3), warmup: sized(3, 1), pad: 44 };
const keep = process.argv.includes("--keep");
const HEADER =
  "time,account_id,org_id,api_key_id,client_ip,user_agent,model,endpoint,input_tokens,output_tokens,status_code,rate_limited,payment_fingerprint,device_fingerprint";

/** Seven days of traffic; one row in eight is the planted cluster, one in ten the office NAT. */
async function writeLog(file: string): Promise<number> {
  const start = Date.UTC(2026, 10, 1);
  const step = (7 * 86_400_000) / ROWS;
  function* lines() {
    yield `${HEADER}\n`;
    let chunk = "";
    for (let i = 0; i < ROWS; i++) {
      const at = new Date(start + Math.floor(i * step)).toISOString();
      const hour = Math.floor((i * step) / 3_600_000);
      let row: string;
      if (i % 8 === 0) {
        const a = (i >> 3) % 8;
        row = `acct_A${a},org_sa,key_A${a}_${hour >> 3},203.0.113.${20 + a},python-httpx/0.27,${hour > 100 ? "o3-mini" : "gpt-4o"},/v1/chat/completions,${110 + (i % 40)},${2_200 + (i % 700)},200,false,pf_clusterA,dev_A7f3`;
      } else if (i % 10 === 1) {
        const b = i % 40;
        row = `acct_office_${b},org_office,key_o${b},198.51.100.1,Mozilla/5.0,gpt-4o-mini,/v1/chat/completions,${700 + (i % 300)},${200 + (i % 200)},${i % 53 ? 200 : 429},${i % 53 ? "false" : "true"},pf_o${b},dev_o${b}`;
      } else {
        const c = (i * 7919) % 2_000;
        row = `acct_${c},org_${c % 300},key_${c},192.0.2.${c % 250},curl/8.5,gpt-4o-mini,/v1/embeddings,${300 + (i % 500)},${i % 90},${i % 97 ? 200 : 429},${i % 97 ? "false" : "true"},pf_${c},dev_${c}`;
      }
      chunk += `${at},${row}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = "";
      }
    }
    yield chunk;
  }
  await pipeline(Readable.from(lines()), createWriteStream(file));
  return (await stat(file)).size;
}

async function copyBaseline(client: pg.Client, file: string): Promise<{ seconds: number; cpu: number }> {
  await client.query(
    `CREATE TABLE bench_copy (t timestamptz, account text, org text, api_key text, ip inet, ua text, model text, endpoint text,
       input bigint, output bigint, status smallint, limited boolean, payment text, device text)`,
  );
  const [t, cpu] = [performance.now(), machineCpuSeconds()];
  await pipeline(
    createReadStream(file),
    client.query(copyFrom(`COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)`)),
  );
  const seconds = (performance.now() - t) / 1000;
  const used = machineCpuSeconds() - cpu;
  await client.query(`DROP TABLE bench_copy`);
  return { seconds, cpu: used };
}

/**
 * The job's parse alone (file → checked rows → COPY data in the job's binary layout, no database,
 * nor the groups the job counts as well): the ceiling the import could reach.
 */
async function parseOnly(file: string): Promise<number> {
  const { usageCopyChunks } = await import("@/lib/usage/stage");
  const { constantColumns, createRedactor } = await import("@/lib/usage/parse");
  const { CopyLayout } = await import("@/lib/usage/load");
  const { ZUsageOptions, defaultMapping } = await import("@/lib/usage/schemas");
  const options = ZUsageOptions.parse({ preset: "gateway", mapping: defaultMapping("gateway", HEADER.split(",")) });
  const layout = new CopyLayout(constantColumns(options), true);
  let rows = 0;
  const t = performance.now();
  for await (const chunk of usageCopyChunks(
    createReadStream(file),
    options,
    createRedactor("bench"),
    { onReject: () => {} },
    layout,
  ))
    rows += chunk.rows;
  if (rows !== ROWS) throw new Error(`parse: ${rows} rows`);
  return (performance.now() - t) / 1000;
}

async function main(client: pg.Client, work: string) {
  const file = path.join(work, "usage.csv");
  log(`writing ${ROWS.toLocaleString("en")} rows…`);
  const size = await writeLog(file);
  log(`CSV: ${fmt(size / 2 ** 20)} MiB`);
  const { caseId, lead, partner, orgA } = await createBenchCase(client, "Usage bench");
  // The baseline is timed before the import and twice after it, and its median taken: on a
  // shared machine one COPY alone swung from 8.5 to 16 s between runs.
  const copyRuns: number[] = [];
  const copyCpu: number[] = [];
  // Each timed step starts once the writes of the one before are on disk (settle).
  const quiet = () => (embedded ? Promise.resolve() : settle(client));
  const timeCopy = async () => {
    await quiet();
    const { seconds, cpu } = await copyBaseline(client, file);
    copyRuns.push(seconds);
    copyCpu.push(cpu);
    log(
      `COPY into a bare table (run ${copyRuns.length}): ${fmt(seconds, 2)} s = ${fmt(ROWS / seconds, 0)} rows/s, CPU ${fmt(cpu, 2)} s`,
    );
  };
  if (!embedded) await timeCopy();
  await quiet();
  const parseSeconds = await parseOnly(file);
  log(
    `parse only (file → checked rows → binary COPY data, no database): ${fmt(parseSeconds, 2)} s = ${fmt(ROWS / parseSeconds, 0)} rows/s`,
  );
  // The least any import of this file does, on this machine: Node parses and checks it while
  // PostgreSQL COPYs it, both at once (on a second connection), and nothing else.
  let bothSeconds = NaN;
  if (!embedded) {
    const other = new pg.Client({ connectionString: env.DATABASE_URL });
    await other.connect();
    await quiet();
    const [t, cpu] = [performance.now(), machineCpuSeconds()];
    await Promise.all([copyBaseline(other, file), parseOnly(file)]).finally(() => other.end());
    bothSeconds = (performance.now() - t) / 1000;
    log(
      `parse and COPY at once: ${fmt(bothSeconds, 2)} s = ${fmt(ROWS / bothSeconds, 0)} rows/s, CPU ${fmt(machineCpuSeconds() - cpu, 2)} s`,
    );
  }
  await quiet();
  const imp = await runUsageImport(file, size, lead, caseId, ROWS, quiet);
  log(
    `import: evidence upload ${fmt(imp.upload, 2)} s · validate and stage ${fmt(imp.validate, 2)} s · load and signals ${fmt(imp.load, 2)} s · CPU ${fmt(imp.cpu, 2)} s · peak RSS ${fmt(imp.peakMb, 0)} MB`,
  );
  log(
    `validate steps: ${Object.entries(imp.steps)
      .map(([step, s]) => `${step} ${fmt(s, 2)} s`)
      .join(" · ")}`,
  );
  const jobRate = ROWS / (imp.validate + imp.load);
  if (embedded) {
    console.log(
      `\nEmbedded PGlite, ${ROWS.toLocaleString("en")} rows: import job ${fmt(jobRate, 0)} rows/s (validate ${fmt(imp.validate, 1)} s, load ${fmt(imp.load, 1)} s), peak RSS ${fmt(imp.peakMb, 0)} MB`,
    );
    return;
  }

  await timeCopy();
  await timeCopy();
  const copySeconds = stats(copyRuns).median;

  const { refreshSignals, usageImportIdsFor } = await import("@/lib/usage/signal-store");
  const t = performance.now();
  await refreshSignals(caseId);
  const signalSeconds = (performance.now() - t) / 1000;
  const { getDb } = await import("@/lib/db");
  const fired = await getDb().usageSignal.groupBy({ by: ["rule"], where: { caseId, viewerOrgId: orgA }, _count: true });
  log(
    `signals for both organisations: ${fmt(signalSeconds, 2)} s; fired: ${fired.map((f) => `${f.rule} ×${f._count}`).join(", ")}`,
  );

  const { topUsage, usageRows, usageSeries } = await import("@/lib/usage/analytics");
  const { parseUsageFilters } = await import("@/lib/usage/filters");
  const scope = { caseId, importIds: await usageImportIdsFor(partner.orgId, caseId) };
  const all = parseUsageFilters({});
  const oneAccount = parseUsageFilters({ account: "acct_A3" });
  // One of the 2,000 ordinary accounts: about ten rows an hour among thirty thousand.
  const quietAccount = parseUsageFilters({ account: "acct_17" });
  const day = parseUsageFilters({ from: "2026-11-03T00:00:00Z", to: "2026-11-04T00:00:00Z" });
  const queries: [string, () => Promise<unknown>][] = [
    ["Series · by model, all (7 days, hours)", () => usageSeries(scope, all, "model")],
    ["Series · by top accounts, all", () => usageSeries(scope, all, "account")],
    ["Series · one day (hour buckets)", () => usageSeries(scope, day, "model")],
    ["Top accounts", () => topUsage(scope, all, "account")],
    ["Top keys", () => topUsage(scope, all, "key")],
    ["Top networks", () => topUsage(scope, all, "network")],
    ["Top models", () => topUsage(scope, all, "model")],
    ["Series · one account", () => usageSeries(scope, oneAccount, "model")],
    ["Rows · first page, all", () => usageRows(scope, all)],
    ["Rows · first page, one day", () => usageRows(scope, day)],
    ["Rows · first page, one account", () => usageRows(scope, oneAccount)],
    ["Rows · first page, a quiet account", () => usageRows(scope, quietAccount)],
  ];
  const timings: [string, { median: number; p95: number }][] = [];
  for (const [label, run] of queries) timings.push([label, await measure(label, QUERY_RUNS, run)]);

  const embeddedRun = process.argv.includes("--no-embedded")
    ? { stdout: "", stderr: "skipped (--no-embedded)" }
    : spawnSync(
        process.execPath,
        [...process.execArgv, process.argv[1]!, "--embedded", ...(SMALL ? ["--small"] : ["--rows=1000000"])],
        { encoding: "utf8", env: { ...env, BENCH_PARENT: "1" } },
      );
  const embeddedLine =
    embeddedRun.stdout.split("\n").find((l) => l.startsWith("Embedded PGlite")) ??
    `embedded run failed: ${embeddedRun.stderr.slice(-500)}`;

  const copyRate = ROWS / copySeconds;
  // However its steps were scheduled, the job cannot finish before its CPU time spread over
  // every core: the best ratio this machine allows for the work it does.
  const cores = availableParallelism();
  const cpuBound = (cores * copySeconds) / imp.cpu;
  console.log(
    `\nSummary (${ROWS.toLocaleString("en")} rows, ${fmt(size / 2 ** 20)} MiB CSV; queries N=${QUERY_RUNS.runs} after ${QUERY_RUNS.warmup} warm-ups)`,
  );
  console.log(
    `  COPY into a bare table                 ${fmt(copyRate, 0).padStart(10)} rows/s   median of ${copyRuns.length} (${copyRuns.map((s) => fmt(s, 2)).join(", ")} s)`,
  );
  console.log(
    `  Import job (validate+stage, load)      ${fmt(jobRate, 0).padStart(10)} rows/s   ratio ${fmt(jobRate / copyRate, 2)}  target ≥ 0.5  ${verdict(jobRate / copyRate >= TARGET.importRatio)}`,
  );
  // The load step computes both organisations' signals after ATTACH, the same computation that
  // is timed on its own below: the import proper is the load step less that time.
  const importRate = ROWS / (imp.validate + Math.max(imp.load - signalSeconds, 0));
  console.log(
    `  Import less the signals (timed below)   ${fmt(importRate, 0).padStart(10)} rows/s   ratio ${fmt(importRate / copyRate, 2)}`,
  );
  console.log(
    `  Parse only, no database (the ceiling)  ${fmt(ROWS / parseSeconds, 0).padStart(10)} rows/s   ratio ${fmt(ROWS / parseSeconds / copyRate, 2)}`,
  );
  console.log(
    `  Parse and COPY at once, nothing else   ${fmt(ROWS / bothSeconds, 0).padStart(10)} rows/s   ratio ${fmt(ROWS / bothSeconds / copyRate, 2)}  (this machine's ceiling for any import)`,
  );
  console.log(
    `  CPU time, whole machine: import job    ${fmt(imp.cpu, 1).padStart(10)} s        ${fmt(imp.cpu / stats(copyCpu).median, 2)}× a bare COPY's (median ${fmt(stats(copyCpu).median, 1)} s)`,
  );
  console.log(
    `  … on ${cores} cores, no schedule beats    ${"".padStart(10)}          ratio ${fmt(cpuBound, 2)}  (${cores} × COPY's seconds ÷ the job's CPU seconds)`,
  );
  console.log(
    `  … with the evidence upload as well     ${fmt(ROWS / (imp.upload + imp.validate + imp.load), 0).padStart(10)} rows/s   ratio ${fmt(ROWS / (imp.upload + imp.validate + imp.load) / copyRate, 2)}`,
  );
  console.log(
    `  Signals, both organisations            ${fmt(signalSeconds, 2).padStart(10)} s        target < 30 s  ${verdict(signalSeconds < TARGET.signalsSeconds)}`,
  );
  console.log(
    `  Peak RSS during the import             ${fmt(imp.peakMb, 0).padStart(10)} MB       target < 500 MB  ${verdict(imp.peakMb < TARGET.rssMb)}`,
  );
  for (const [label, s] of timings)
    console.log(
      `  ${label.padEnd(38)} median ${fmt(s.median).padStart(7)} ms  p95 ${fmt(s.p95).padStart(7)} ms  target p95 < 300 ms  ${verdict(s.p95 < TARGET.queryP95)}`,
    );
  console.log(`  ${embeddedLine}\n`);
}

async function withDatabase(work: string, fn: (client: pg.Client) => Promise<void>) {
  const { applyMigrations } = await import("@/lib/db/schema-engine");
  if (embedded) {
    const { startEmbeddedDatabase } = await import("@/lib/db/embedded");
    // On disk, as `npm start` keeps it (scripts/runtime.ts): in memory, every page PGlite adds
    // to a table copies the table (its in-memory files grow by copying), so each 100,000 rows
    // took longer to COPY than the ones before (1.4 s at first, 24 s at a million rows).
    const db = await startEmbeddedDatabase(path.join(work, "pglite"));
    try {
      await applyMigrations(db.url);
      env.DATABASE_URL = db.url;
      env.CASEBRIDGE_DATA_DIR = path.join(work, "data");
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await fn(client).finally(() => client.end());
    } finally {
      const { disconnectDb } = await import("@/lib/db");
      await disconnectDb();
      await db.stop();
    }
    return;
  }
  const { name, url, onServer } = benchDatabase("usage");
  await onServer(`CREATE DATABASE "${name}"`);
  try {
    log(`created database ${name}; applied migrations: ${(await applyMigrations(url)).length}`);
    env.DATABASE_URL = url; // before lib/db's first use
    env.CASEBRIDGE_DATA_DIR = path.join(work, "data");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await fn(client).finally(() => client.end());
  } finally {
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
    if (keep) log(`kept database ${name}: ${url}`);
    else await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

// The import job runs in the server's processes: it is measured with the server's Node flags.
if (!SERVER_FLAGS.every((flag) => process.execArgv.includes(flag))) {
  const run = spawnSync(process.execPath, [...SERVER_FLAGS, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  if (run.error) console.error("✖ The benchmark could not start:", run.error);
  process.exit(run.status ?? 1);
}

try {
  const work = await mkdtemp(path.join(tmpdir(), "casebridge-bench-usage-"));
  try {
    await withDatabase(work, (client) => main(client, work));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
} catch (error) {
  console.error("✖ The benchmark failed:", error);
  process.exitCode = 1;
}
