import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { analyzeLoaded, getDb, withPgClient } from "@/lib/db";
import { analyzeStaleTables } from "@/lib/db/analyze";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { runImportJob } from "@/lib/jobs/runner";
import { changeImport, createImport } from "@/lib/timeline/import";
import { changeUsageImport, getUsageImport, startUsageImport } from "@/lib/usage/imports";
import { streamOf, upload } from "@/tests/helpers/evidence";
import { createJointCase } from "@/tests/helpers/factories";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";

// Bulk loads leave what they loaded analyzed before they report done (issue 16): nothing else
// gathers statistics here (PGlite has no autovacuum; this machine's server runs without it).

const lastAnalyze = async (table: string, schema = "public"): Promise<Date | null> => {
  const [row] = await getDb().$queryRaw<{ at: Date | null }[]>`
    SELECT last_analyze AS at FROM pg_stat_user_tables WHERE schemaname = ${schema} AND relname = ${table}`;
  return row?.at ?? null;
};
const dbNow = async () => (await getDb().$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`)[0]!.now;

describe("bulk loads analyze what they loaded", () => {
  it("a timeline import: TimelineEvent is analyzed by the time the job reports COMMITTED", async () => {
    const w = await createJointCase();
    const csv = Buffer.from(
      [
        "time,title",
        ...Array.from(
          { length: 300 },
          (_, i) => `2026-11-01T00:${String(i % 60).padStart(2, "0")}:${String(i % 59).padStart(2, "0")}Z,Event ${i}`,
        ),
      ].join("\n"),
    );
    const { job } = await createImport(w.lead, w.caseId, {
      body: streamOf(csv),
      fileName: "events.csv",
      contentLength: String(csv.length),
    });
    await changeImport(w.lead, w.caseId, job.id, {
      action: "validate",
      options: { mapping: { occurredAt: "time", title: "title" } },
    });
    await runImportJob(job.id);
    const before = await dbNow();
    await changeImport(w.lead, w.caseId, job.id, { action: "commit" });
    await runImportJob(job.id);
    const done = await getDb().importJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(done.status).toBe("COMMITTED");
    expect((await lastAnalyze("TimelineEvent"))!.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it("a usage load: its tables and rollups are analyzed by the time the import reports COMMITTED", async () => {
    const w = await createJointCase();
    const gateway = readFileSync(path.resolve(import.meta.dirname, "../../tests/fixtures/usage/gateway.csv"));
    const ev = await upload(w.lead, w.caseId, gateway, {
      title: "Gateway",
      fileName: "gateway.csv",
      mimeType: "text/csv",
    });
    const before = await dbNow();
    const started = await startUsageImport(w.lead, w.caseId, { evidenceId: ev.id, preset: "gateway" });
    await changeUsageImport(w.lead, w.caseId, started.job.id, {
      action: "validate",
      options: { mapping: started.mapping },
    });
    // The rollups are written (and analyzed) as the import is staged, before it is loaded.
    await runImportJob(started.job.id);
    await changeUsageImport(w.lead, w.caseId, started.job.id, { action: "commit" });
    await runImportJob(started.job.id);
    expect((await getUsageImport(w.lead, w.caseId, started.job.id)).job.status).toBe("COMMITTED");
    // Its rows and its hourly rollup are partitions of their own (lib/usage/load.ts).
    const own = started.job.id.replace(/-/g, "");
    for (const [table, schema] of [
      [`import_${own}`, "usage_partitions"],
      [`hourly_${own}`, "usage_partitions"],
      ["UsageAttribute", "public"],
      ["UsageDaily", "public"],
    ] as const)
      expect((await lastAnalyze(table, schema))!.getTime(), table).toBeGreaterThanOrEqual(before.getTime());
  });
});

describe("a whole-database analysis (the demo seed's)", () => {
  // A usage import's table is locked for as long as its rows load, on a server (lib/db/copy.ts):
  // the seed's analysis must not wait for that. (The embedded database runs one transaction at
  // a time: a lock held on another connection is not something it can show.)
  it.skipIf(onEmbeddedTestDatabase())(
    "passes over a table another session holds locked",
    async () => {
      const table = `locked_${randomUUID().replace(/-/g, "")}`;
      await withPgClient(async (holder) => {
        await holder.query(`CREATE TABLE ${table} (id int)`);
        await holder.query(`BEGIN; LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
        try {
          let timer: NodeJS.Timeout | undefined;
          const analysis = analyzeLoaded("all").then(() => "done");
          const waited = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("waited"), 20_000)));
          expect(await Promise.race([analysis, waited]).finally(() => clearTimeout(timer))).toBe("done");
        } finally {
          await holder.query("ROLLBACK");
          await holder.query(`DROP TABLE ${table}`);
        }
      });
    },
    30_000,
  );
});

describe("the embedded database", () => {
  it("is analyzed on a schedule: a table changed enough gets statistics, an unchanged one is left alone", async () => {
    const db = await startEmbeddedDatabase(undefined, { analyzeEveryMs: 200 });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query("CREATE TABLE loaded (id int PRIMARY KEY); CREATE TABLE untouched (id int)");
      await client.query("INSERT INTO loaded SELECT generate_series(1, 5000)");
      const analyzed = async () =>
        (await client.query("SELECT relname, last_analyze FROM pg_stat_user_tables ORDER BY relname")).rows;
      await expect.poll(async () => (await analyzed())[0].last_analyze, { timeout: 10_000 }).not.toBeNull();
      const [loaded, untouched] = await analyzed();
      expect(loaded.relname).toBe("loaded");
      expect(untouched).toMatchObject({ relname: "untouched", last_analyze: null });
      // Nothing changed since: the next pass finds nothing to do.
      expect(await analyzeStaleTables(client)).toEqual([]);
      const { rows } = await client.query("SELECT reltuples FROM pg_class WHERE relname = 'loaded'");
      expect(rows[0].reltuples).toBe(5000);
    } finally {
      await client.end();
      await db.stop();
    }
  });
});
