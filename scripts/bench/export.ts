// npm run bench:export [-- --small | --keep]: a legal review export of a case with 10,000
// evidence items of mixed sizes (2 GB in all) and 100,000 timeline events, through the real
// job code (startProduction → runProduction), against a throwaway database on
// BENCH_DATABASE_URL's server, blobs in a temporary folder. In the same run, a plain `zip -0`
// of the same blob files is the baseline. Prints the export time, its throughput, the ratio to
// plain zip (target ≥ 0.5) and the peak RSS of this process during the export (target < 400 MB),
// then checks the bundle with the app's verifier. Informational: exits 0 whether the targets are
// met or not; non-zero only when the run itself fails.
import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { benchDatabase, createBenchCase, env, fmt, log, sized, verdict } from "@/scripts/bench/common";

const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : undefined;
};
const ITEMS = arg("--items") ?? sized(10_000, 50);
const EVENTS = arg("--events") ?? sized(100_000, 1_000);
const TOTAL_BYTES = (arg("--mb") ?? sized(2_000, 2)) * 1e6;
const TARGET = { ratio: 0.5, rssMb: 400 };
const keep = process.argv.includes("--keep");
const { name: dbName, url: benchUrl, onServer } = benchDatabase("export");
const MB = 1e6;

/**
 * Mixed sizes adding up to TOTAL_BYTES: one item in 200 large (45% of the bytes), one in ten
 * medium (45%), the rest small (10%): logs and screenshots beside a few captures.
 */
function sizes(): number[] {
  const large = Math.ceil(ITEMS / 200);
  const medium = Math.ceil(ITEMS / 10) - large;
  const small = ITEMS - large - medium;
  return Array.from({ length: ITEMS }, (_, i) => {
    const [share, count] = i % 200 === 0 ? [0.45, large] : i % 10 === 0 ? [0.45, medium] : [0.1, small];
    const mean = (TOTAL_BYTES * share) / count;
    return Math.max(64, Math.round(mean * (0.5 + ((i * 7919) % 1000) / 1000)));
  });
}

async function seed(client: pg.Client, caseId: string, orgId: string, userId: string): Promise<number> {
  const { getBlobStore } = await import("@/lib/storage");
  const store = getBlobStore();
  const pool = randomBytes(16 * 1024 * 1024);
  const rows: { id: string; sha256: string; size: number; i: number }[] = [];
  let bytes = 0;
  for (const [i, size] of sizes().entries()) {
    // Unique bytes per item: a header with its number, then a slice of the random pool.
    function* chunks() {
      yield Buffer.from(`item ${i} ${randomUUID()}\n`);
      for (let done = 0; done < size;) {
        const n = Math.min(size - done, pool.length - (done % pool.length), 1 << 20);
        yield pool.subarray(done % pool.length, (done % pool.length) + n);
        done += n;
      }
    }
    const staged = await store.stage(Readable.from(chunks()), Number.MAX_SAFE_INTEGER);
    await staged.commit();
    rows.push({ id: randomUUID(), sha256: staged.sha256, size: staged.size, i });
    bytes += staged.size;
    if ((i + 1) % 1000 === 0) log(`  ${i + 1} blobs, ${fmt(bytes / MB, 0)} MB`);
  }
  const kinds = ["API_LOG_EXPORT", "SCREENSHOT", "NETWORK_CAPTURE", "DOCUMENT", "OTHER"];
  const exts = ["csv", "png", "pcap", "pdf", "bin"];
  for (let at = 0; at < rows.length; at += 2_000) {
    const batch = rows.slice(at, at + 2_000);
    await client.query(
      `INSERT INTO "Evidence" (id, "caseId", "orgId", "addedById", title, kind, "collectedAt", "collectedBy", "fileName", "mimeType", size, sha256, "updatedAt", "createdAt")
       SELECT r.id, $1, $2, $3, 'Item ' || r.i, r.kind::"EvidenceKind", timestamp '2026-10-01' + r.i * interval '1 minute', 'SOC',
              'item-' || r.i || '.' || r.ext, 'application/octet-stream', r.size, r.sha256, now(), timestamp '2026-11-01' + r.i * interval '1 second'
       FROM json_to_recordset($4::json) AS r(id uuid, i int, kind text, ext text, size bigint, sha256 text)`,
      [caseId, orgId, userId, JSON.stringify(batch.map((r) => ({ ...r, kind: kinds[r.i % 5], ext: exts[r.i % 5] })))],
    );
  }
  await client.query(
    `INSERT INTO "CustodyEvent" ("evidenceId", "actorId", action, sha256, note)
     SELECT id, $2, a.action::"CustodyAction", sha256, '' FROM "Evidence", (VALUES ('COLLECTED'), ('UPLOADED')) a(action) WHERE "caseId" = $1`,
    [caseId, userId],
  );
  await client.query(
    `INSERT INTO "TimelineEvent" (id, "caseId", "orgId", "authorId", "occurredAt", title, category, source, "updatedAt")
     SELECT gen_random_uuid(), $1, $2, $3, timestamp '2026-10-01' + g * interval '26 seconds', 'API call batch ' || g,
            'API_ACCESS', 'gateway-' || (g % 20), now()
     FROM generate_series(1, $4::int) g`,
    [caseId, orgId, userId, EVENTS],
  );
  await client.query(`ANALYZE`);
  return bytes;
}

function timed(command: string, args: string[], cwd: string): number {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} failed`);
  return performance.now() - start;
}

async function main(client: pg.Client, work: string) {
  const { caseId, orgA, lead } = await createBenchCase(client, "Export bench");
  log(
    `writing ${ITEMS.toLocaleString("en")} blobs (${fmt(TOTAL_BYTES / MB, 0)} MB) and ${EVENTS.toLocaleString("en")} events…`,
  );
  const bytes = await seed(client, caseId, orgA, lead.id);
  log(`seeded: ${fmt(bytes / MB, 0)} MB in ${ITEMS} items`);
  const blobs = path.join(work, "data", "evidence");

  // Baseline, same files, same run, page cache warm: `zip -0` of the blob folder.
  timed("sh", ["-c", "find blobs -type f -exec cat {} + > /dev/null"], blobs);
  const zipMs = timed("zip", ["-0", "-q", "-r", path.join(work, "plain.zip"), "blobs"], blobs);
  const plainSize = (await stat(path.join(work, "plain.zip"))).size;
  await rm(path.join(work, "plain.zip"));
  log(`zip -0: ${fmt(zipMs / 1000, 2)} s = ${fmt(bytes / MB / (zipMs / 1000))} MB/s (${fmt(plainSize / MB, 0)} MB)`);

  const { startProduction } = await import("@/lib/productions/mutations");
  const { runProduction } = await import("@/lib/productions/runner");
  const { getDb } = await import("@/lib/db");
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const { id } = await startProduction(lead, caseId, {
    scope: { kind: "case" },
    batesPrefix: "BENCH",
    batesStart: 1,
    receivingParty: "Benchmark counsel",
  });
  await runProduction(id);
  const exportMs = performance.now() - t0;
  clearInterval(sampler);
  const p = await getDb().production.findUniqueOrThrow({ where: { id } });
  if (p.status !== "COMPLETE") throw new Error(`the production ${p.status}: ${p.error}`);
  const zipBytes = Number(p.size);
  log(
    `export: ${fmt(exportMs / 1000, 2)} s = ${fmt(bytes / MB / (exportMs / 1000))} MB/s (ZIP ${fmt(zipBytes / MB, 0)} MB)`,
  );

  const { verifyProductionZip } = await import("@/lib/productions/verify");
  const t1 = performance.now();
  const zipPath = path.join(blobs, "blobs", p.sha256!.slice(0, 2), p.sha256!);
  const checked = await verifyProductionZip(zipPath);
  const verifyMs = performance.now() - t1;
  log(`verify: ${checked.ok ? "OK" : `${checked.problems.length} problems`} in ${fmt(verifyMs / 1000, 2)} s`);

  const exportRate = bytes / MB / (exportMs / 1000);
  const zipRate = bytes / MB / (zipMs / 1000);
  const ratio = exportRate / zipRate;
  const peakMb = peakRss / MB;
  console.log(
    `\nSummary (${ITEMS.toLocaleString("en")} items, ${fmt(bytes / MB, 0)} MB, ${EVENTS.toLocaleString("en")} events)`,
  );
  console.log(`  plain zip -0                 ${fmt(zipMs / 1000, 2).padStart(8)} s  ${fmt(zipRate).padStart(8)} MB/s`);
  console.log(
    `  export (job, end to end)     ${fmt(exportMs / 1000, 2).padStart(8)} s  ${fmt(exportRate).padStart(8)} MB/s   ratio to zip -0 ${fmt(ratio, 2)}  target ≥ ${TARGET.ratio}  ${verdict(ratio >= TARGET.ratio)}`,
  );
  console.log(
    `  peak RSS during the export   ${fmt(peakMb, 0).padStart(8)} MB (process at start ${fmt(baseRss / MB, 0)} MB)   target < ${TARGET.rssMb} MB  ${verdict(peakMb < TARGET.rssMb)}`,
  );
  console.log(
    `  verifier over the bundle     ${fmt(verifyMs / 1000, 2).padStart(8)} s  ${checked.ok ? "OK" : "FAILED"}  ${verdict(checked.ok)}`,
  );
  console.log();
}

let work = "";
try {
  await onServer(`CREATE DATABASE "${dbName}"`);
  work = await mkdtemp(path.join(tmpdir(), "casebridge-bench-export-"));
  try {
    log(`created database ${dbName}`);
    const { applyMigrations } = await import("@/lib/db/schema-engine");
    log(`applied migrations: ${(await applyMigrations(benchUrl)).length}`);
    env.DATABASE_URL = benchUrl; // before lib/db's first use
    env.CASEBRIDGE_DATA_DIR = path.join(work, "data");
    const client = new pg.Client({ connectionString: benchUrl });
    await client.connect();
    try {
      await main(client, work);
    } finally {
      await client.end();
    }
  } finally {
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
    await rm(work, { recursive: true, force: true });
    if (keep) log(`kept database ${dbName}: ${benchUrl}`);
    else {
      await onServer(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      log(`dropped database ${dbName}`);
    }
  }
} catch (error) {
  console.error("✖ The benchmark failed:", error);
  process.exitCode = 1;
}
