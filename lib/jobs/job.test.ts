import pg from "pg";
import { expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { progressWriter, RefusedRows, REJECTS_KEPT } from "@/lib/jobs/job";
import { createJointCase } from "@/tests/helpers/factories";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";
import { timelineFixture, uploadTimelineFile } from "@/tests/helpers/timeline-import";

// eslint-disable-next-line no-restricted-properties -- the test database (tests/helpers/global-setup.ts)
const DATABASE_URL = process.env.DATABASE_URL!;

// On the embedded database the held transaction would hold every other connection too.
it.skipIf(onEmbeddedTestDatabase())(
  "keeps one progress write in flight while the row is held, and writes the latest figures after",
  async () => {
    const { caseId, lead } = await createJointCase();
    const { job } = await uploadTimelineFile(lead, caseId, timelineFixture("mixed-export.csv"), "mixed-export.csv");
    const status = (await getDb().importJob.findUniqueOrThrow({ where: { id: job.id } })).status;

    // Another session holds the job's row, as the work's own transaction would on one connection.
    const holder = new pg.Client({ connectionString: DATABASE_URL });
    const observer = new pg.Client({ connectionString: DATABASE_URL }); // outside the held transaction's snapshot
    await Promise.all([holder.connect(), observer.connect()]);
    const holderPid = (await holder.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT 1 FROM "ImportJob" WHERE id = $1 FOR UPDATE`, [job.id]);
      const progress = progressWriter(job, status);
      for (let rows = 1; rows <= 12; rows++) progress.report(rows, rows * 100, true);

      const waiting = async () =>
        Number(
          (
            await observer.query(
              `SELECT count(*) AS n FROM pg_stat_activity
             WHERE $1 = ANY(pg_blocking_pids(pid)) AND query LIKE 'UPDATE "ImportJob" SET "rowsProcessed"%'`,
              [holderPid],
            )
          ).rows[0].n,
        );
      await expect.poll(waiting, { timeout: 10_000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 300)); // and no more follow
      expect(await waiting()).toBe(1);
      await holder.query("COMMIT");
    } finally {
      await Promise.all([holder.end(), observer.end()]);
    }
    await expect
      .poll(async () => (await getDb().importJob.findUniqueOrThrow({ where: { id: job.id } })).rowsProcessed)
      .toBe(12);
    expect((await getDb().importJob.findUniqueOrThrow({ where: { id: job.id } })).bytesProcessed).toBe(1200n);
  },
);

it("counts every refused row, keeps the first few by line with their reason cut to 500 characters", async () => {
  const { caseId, lead } = await createJointCase();
  const { job } = await uploadTimelineFile(lead, caseId, timelineFixture("mixed-export.csv"), "mixed-export.csv");
  const refused = new RefusedRows(job.id, 12_000); // past one INSERT of 5,000
  refused.add(2, "x".repeat(600));
  for (let line = 3; line <= 12_011; line++) refused.add(line, "Missing time");
  expect(refused.count).toBe(12_010);
  expect(await getDb().importRowError.count({ where: { jobId: job.id } })).toBe(0); // nothing until saved
  await refused.save();
  const kept = getDb().importRowError;
  expect(await kept.count({ where: { jobId: job.id } })).toBe(12_000);
  expect(await kept.aggregate({ where: { jobId: job.id }, _max: { line: true } })).toEqual({ _max: { line: 12_001 } });
  expect((await kept.findFirstOrThrow({ where: { jobId: job.id, line: 2 } })).reason).toBe("x".repeat(500));
  expect(new RefusedRows(job.id)).toMatchObject({ keep: REJECTS_KEPT });
});
