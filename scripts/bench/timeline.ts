// npm run bench:timeline [-- --keep] [-- --rows=N] [-- --small]: builds a throwaway database on
// BENCH_DATABASE_URL's server, writes a CSV of 1,000,000 timeline events (~100 MB; the test
// suite imports a 100 MB file of wider rows, lib/timeline/import.test.ts), and measures:
// the import through the real job code (upload → validate → one-transaction commit) beside
// PostgreSQL COPY of the same file into a bare table in the same run; then the list (first page
// and a deep keyset page) and the histogram aggregation over the imported case. The list and
// histogram are timed as the lib/ functions the route handlers call (as bench:cases does).
// Informational: exits 0 whether targets pass or miss; non-zero only when the run itself fails.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { TActor } from "@/lib/auth/session";
import { benchDatabase, createBenchCase, env, fmt, log, measure, sized, verdict } from "@/scripts/bench/common";

const ROWS = Number(process.argv.find((a) => a.startsWith("--rows="))?.slice(7) ?? sized(1_000_000, 5_000));
const WARMUP = sized(5, 1);
const RUNS = sized(50, 5);
const HISTOGRAM_RUNS = sized(20, 3);
const LIST_RUNS = { runs: RUNS, warmup: WARMUP, pad: 40 };
const HISTOGRAM = { runs: HISTOGRAM_RUNS, warmup: WARMUP, pad: 40 };
// The import's verdict is against PostgreSQL's own floor for this table (one INSERT…SELECT of
// the same rows into "TimelineEvent", with its indexes and keys), measured in the same run:
// end to end, upload to committed, at least half that rate (issue 15). COPY into a bare table
// is printed for reference.
const TARGET = { importToFloor: 0.5, listMs: 100, histogramMs: 500 };
const CATEGORIES = [
  "ACCOUNT_CREATION",
  "PAYMENT",
  "API_ACCESS",
  "EXTRACTION",
  "RATE_LIMITING",
  "DETECTION",
  "COMMUNICATION",
  "RESPONSE",
];

const keep = process.argv.includes("--keep");
const { name: dbName, url: benchUrl, onServer } = benchDatabase("timeline");

/** The CSV: a year of events, ISO times with Z, a quoted description with a comma in one row of ten. */
async function writeCsv(file: string): Promise<number> {
  const start = Date.UTC(2025, 0, 1);
  const step = (365 * 86_400_000) / ROWS;
  function* lines() {
    yield "time,title,category,source,description\n";
    let chunk = "";
    for (let i = 0; i < ROWS; i++) {
      const at = new Date(start + Math.floor(i * step)).toISOString();
      const description = i % 10 === 0 ? `"burst ${i}, keys rotated"` : `request batch ${i}`;
      chunk += `${at},API call ${i} from acct_${(i * 7919) % 50_000},${CATEGORIES[i % CATEGORIES.length]},gateway-${i % 20},${description}\n`;
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

async function copyBaseline(client: pg.Client, file: string): Promise<number> {
  await client.query(
    `CREATE TABLE bench_copy (occurred_at timestamp(3), title text, category text, source text, description text)`,
  );
  const t = performance.now();
  await pipeline(
    createReadStream(file),
    client.query(copyFrom(`COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)`)),
  );
  const seconds = (performance.now() - t) / 1000;
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM bench_copy`);
  if (Number(rows[0]!.n) !== ROWS) throw new Error(`COPY loaded ${rows[0]!.n} rows, expected ${ROWS}`);
  return seconds;
}

/**
 * What PostgreSQL alone needs to store these rows in the real table (its three indexes, two
 * foreign keys, time-ordered ids as the import writes them): the imported rows copied to a
 * staging table, then one INSERT…SELECT into a second case, timed, rolled back. The import
 * cannot be faster than this; the gap to it is the application's own cost.
 */
async function tableFloor(client: pg.Client, caseId: string): Promise<number> {
  await client.query(`CREATE TABLE bench_stage AS SELECT * FROM "TimelineEvent" WHERE "caseId" = $1`, [caseId]);
  await client.query(
    `INSERT INTO "Case" (id, number, title, "ownerOrgId", "createdById", "updatedAt") SELECT gen_random_uuid(), 'CB-2026-9002', 'Floor', "ownerOrgId", "createdById", now() FROM "Case" WHERE id = $1`,
    [caseId],
  );
  await client.query("CHECKPOINT");
  await client.query("BEGIN");
  const t = performance.now();
  // The copy's ids differ from the originals in their version nibble only: still unique, still in time order.
  await client.query(`INSERT INTO "TimelineEvent" (id, "caseId", "orgId", "authorId", "occurredAt", "endsAt", title, description, category, "customCategory", source, confidence, attributes, visibility, "dedupeKey", "updatedAt")
    SELECT overlay(s.id::text placing '8' from 15 for 1)::uuid, c.id, s."orgId", s."authorId", s."occurredAt", s."endsAt", s.title, s.description, s.category, s."customCategory", s.source, s.confidence, s.attributes, s.visibility, s."dedupeKey", now()
    FROM bench_stage s, "Case" c WHERE c.number = 'CB-2026-9002' ON CONFLICT ("caseId", "orgId", "dedupeKey") DO NOTHING`);
  const seconds = (performance.now() - t) / 1000;
  await client.query("ROLLBACK");
  await client.query(`DROP TABLE bench_stage`);
  return seconds;
}

async function runImport(file: string, size: number, who: TActor, caseId: string) {
  const { createImport, changeImport, getImport } = await import("@/lib/timeline/import");
  const { runImportJob } = await import("@/lib/jobs/runner");
  const t0 = performance.now();
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  const { job } = await createImport(who, caseId, { body, fileName: "bench.csv", contentLength: String(size) });
  const t1 = performance.now();
  await changeImport(who, caseId, job.id, {
    action: "validate",
    options: {
      mapping: {
        occurredAt: "time",
        title: "title",
        category: "category",
        source: "source",
        description: "description",
      },
    },
  });
  await runImportJob(job.id);
  const validated = (await getImport(who, caseId, job.id)).job;
  if (validated.status !== "VALIDATED" || validated.rowsValid !== ROWS)
    throw new Error(`validation: ${JSON.stringify(validated)}`);
  const t2 = performance.now();
  await changeImport(who, caseId, job.id, { action: "commit" });
  await runImportJob(job.id);
  const committed = (await getImport(who, caseId, job.id)).job;
  if (committed.status !== "COMMITTED" || committed.rowsInserted !== ROWS)
    throw new Error(`commit: ${JSON.stringify(committed)}`);
  const t3 = performance.now();
  return { upload: (t1 - t0) / 1000, validate: (t2 - t1) / 1000, commit: (t3 - t2) / 1000, total: (t3 - t0) / 1000 };
}

async function main(client: pg.Client, work: string) {
  const file = path.join(work, "events.csv");
  log(`writing ${ROWS.toLocaleString("en")} rows…`);
  const size = await writeCsv(file);
  log(`CSV: ${fmt(size / 1024 / 1024)} MiB`);
  const { caseId, lead, partner } = await createBenchCase(client, "Timeline bench");

  const copySeconds = await copyBaseline(client, file);
  log(`COPY into a bare table: ${fmt(copySeconds, 2)} s = ${fmt(ROWS / copySeconds, 0)} rows/s`);
  const imp = await runImport(file, size, lead, caseId);
  log(
    `import: upload ${fmt(imp.upload, 2)} s · validate ${fmt(imp.validate, 2)} s · commit ${fmt(imp.commit, 2)} s · total ${fmt(imp.total, 2)} s`,
  );
  const floorSeconds = await tableFloor(client, caseId);
  log(
    `PostgreSQL floor, the same rows INSERT…SELECT into "TimelineEvent" itself: ${fmt(floorSeconds, 2)} s = ${fmt(ROWS / floorSeconds, 0)} rows/s`,
  );
  await client.query(`VACUUM (ANALYZE) "TimelineEvent"`);

  const { listTimelineEvents, getTimelineHistogram } = await import("@/lib/timeline/queries");
  const { ZTimelineFilters } = await import("@/lib/timeline/schemas");
  const { encodeCursor } = await import("@/lib/timeline/sql");
  const all = ZTimelineFilters.parse({});
  const { rows } = await client.query<{ occurredAt: Date; id: string }>(
    `SELECT "occurredAt", id FROM "TimelineEvent" WHERE "caseId" = $1 ORDER BY "occurredAt", id OFFSET $2 LIMIT 1`,
    [caseId, Math.floor(ROWS * 0.9)],
  );
  const deep = encodeCursor(
    new Date(
      `${String(rows[0]!.occurredAt instanceof Date ? rows[0]!.occurredAt.toISOString() : rows[0]!.occurredAt)}`,
    ),
    rows[0]!.id,
  );
  const first = await measure("List · first page (100)", LIST_RUNS, () =>
    listTimelineEvents(partner, caseId, all, { limit: 100 }),
  );
  const deepStats = await measure("List · page at 90% (100)", LIST_RUNS, () =>
    listTimelineEvents(partner, caseId, all, { cursor: deep, limit: 100 }),
  );
  const filtered = await measure("List · category filter, first page", LIST_RUNS, () =>
    listTimelineEvents(partner, caseId, ZTimelineFilters.parse({ category: "PAYMENT" }), { limit: 100 }),
  );
  const histogram = await measure(`Histogram · all ${ROWS.toLocaleString("en")} events`, HISTOGRAM, () =>
    getTimelineHistogram(partner, caseId, all),
  );
  const histogramZoned = await measure(`Histogram · all, in America/Los_Angeles`, HISTOGRAM, () =>
    getTimelineHistogram(partner, caseId, all, { timeZone: "America/Los_Angeles" }),
  );
  const histogramFiltered = await measure("Histogram · one category", HISTOGRAM, () =>
    getTimelineHistogram(partner, caseId, ZTimelineFilters.parse({ category: "PAYMENT" })),
  );

  const importRate = ROWS / imp.total;
  const commitRate = ROWS / imp.commit;
  const copyRate = ROWS / copySeconds;
  const floorRate = ROWS / floorSeconds;
  console.log(
    `\nSummary (${ROWS.toLocaleString("en")} events, ${fmt(size / 1024 / 1024)} MiB CSV; N=${RUNS} list / ${HISTOGRAM_RUNS} histogram after ${WARMUP} warm-ups)`,
  );
  console.log(`  COPY into a bare table              ${fmt(copyRate, 0).padStart(10)} rows/s`);
  console.log(
    `  Import, end to end (upload+validate+commit) ${fmt(importRate, 0).padStart(10)} rows/s   ratio to floor ${fmt(importRate / floorRate, 2)}  target ≥ ${TARGET.importToFloor}  ${verdict(importRate / floorRate >= TARGET.importToFloor)}   (ratio to COPY ${fmt(importRate / copyRate, 2)})`,
  );
  console.log(
    `  Import, validate+commit (the job)   ${fmt(ROWS / (imp.validate + imp.commit), 0).padStart(10)} rows/s   ratio ${fmt(ROWS / (imp.validate + imp.commit) / copyRate, 2)}`,
  );
  console.log(
    `  Import, commit step only            ${fmt(commitRate, 0).padStart(10)} rows/s   ratio ${fmt(commitRate / copyRate, 2)}`,
  );
  console.log(
    `  PostgreSQL floor: INSERT…SELECT into "TimelineEvent" ${fmt(floorRate, 0).padStart(10)} rows/s   ratio to COPY ${fmt(floorRate / copyRate, 2)}; commit step / floor ${fmt(commitRate / floorRate, 2)}`,
  );
  for (const [label, s, limit] of [
    ["List · first page", first, TARGET.listMs],
    ["List · deep page (90%)", deepStats, TARGET.listMs],
    ["List · category filter", filtered, TARGET.listMs],
    ["Histogram · all events", histogram, TARGET.histogramMs],
    ["Histogram · all, Los Angeles days", histogramZoned, TARGET.histogramMs],
    ["Histogram · one category", histogramFiltered, TARGET.histogramMs],
  ] as const) {
    console.log(
      `  ${label.padEnd(34)} median ${fmt(s.median).padStart(7)} ms  p95 ${fmt(s.p95).padStart(7)} ms  target p95 < ${limit} ms  ${verdict(s.p95 < limit)}`,
    );
  }
  console.log();
}

let work = "";
try {
  await onServer(`CREATE DATABASE "${dbName}"`);
  work = await mkdtemp(path.join(tmpdir(), "casebridge-bench-timeline-"));
  try {
    log(`created database ${dbName}`);
    const { applyMigrations } = await import("@/lib/db/schema-engine");
    log(`applied migrations: ${(await applyMigrations(benchUrl)).join(", ")}`);
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
