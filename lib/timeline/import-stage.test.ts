import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { runImportJob } from "@/lib/jobs/runner";
import { claimJob, STAGE_GONE } from "@/lib/jobs/job";
import { timelineImportSteps } from "@/lib/jobs/timeline-import";
import { sweepStorage } from "@/lib/storage/sweep";
import { changeImport, getImport } from "@/lib/timeline/import";
import { stageTable } from "@/lib/timeline/import-stage";
import type { TActor } from "@/lib/auth/session";
import { watchBlobReads } from "@/tests/helpers/blob-reads";
import { createJointCase } from "@/tests/helpers/factories";
import { commitTimelineImport, uploadTimelineFile, validateTimelineImport } from "@/tests/helpers/timeline-import";

// The stage a validation leaves for its commit (lib/timeline/import-stage.ts): made afresh by
// each validation, moved by the commit, and gone once no commit can need it.

const MAPPING = { occurredAt: "time", title: "title", category: "category", source: "source" };

/** A CSV of rows `from`…`to`-1, one event a minute. */
function csv(from: number, to: number, extra: string[] = []): Buffer {
  const rows = [];
  for (let i = from; i < to; i++)
    rows.push(`${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()},row ${i},API_ACCESS,gw`);
  return Buffer.from(["time,title,category,source", ...rows, ...extra].join("\n") + "\n");
}

/** The same file with a row that is refused first, after its header. */
const withRefusedRow = (file: Buffer) => Buffer.from(file.toString().replace("\n", "\nnot a time,x,API_ACCESS,gw\n"));

async function validated(actor: TActor, caseId: string, bytes: Buffer, options: Record<string, unknown> = {}) {
  const { job } = await uploadTimelineFile(actor, caseId, bytes, "events.csv");
  const v = await validateTimelineImport(actor, caseId, job.id, { mapping: MAPPING, timeZone: "UTC", ...options });
  return { jobId: job.id, validated: v };
}

async function stageRows(jobId: string): Promise<number | null> {
  const table = stageTable(jobId);
  const [row] = await getDb().$queryRaw<{ present: boolean }[]>`SELECT to_regclass(${table}) IS NOT NULL AS present`;
  if (!row?.present) return null;
  const [n] = await getDb().$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
  return n!.n;
}

const events = (caseId: string) => getDb().timelineEvent.count({ where: { caseId } });

describe("timeline import stage", () => {
  it("validation stages the good rows; the commit moves them and drops the stage", async () => {
    const w = await createJointCase();
    const { jobId, validated: v } = await validated(
      w.investigator,
      w.caseId,
      csv(0, 300, ["not a time,x,API_ACCESS,gw"]),
    );
    expect(v).toMatchObject({ status: "VALIDATED", rowsValid: 300, rowsRejected: 1, rowsExisting: 0 });
    expect(await stageRows(jobId)).toBe(300);
    const done = await commitTimelineImport(w.investigator, w.caseId, jobId);
    expect(done).toMatchObject({ status: "COMMITTED", rowsInserted: 300, rowsProcessed: 301 });
    expect(await stageRows(jobId)).toBeNull();
    expect(await events(w.caseId)).toBe(300);
  });

  it("cancel drops the stage", async () => {
    const w = await createJointCase();
    const { jobId } = await validated(w.investigator, w.caseId, csv(0, 50));
    expect(await stageRows(jobId)).toBe(50);
    await changeImport(w.investigator, w.caseId, jobId, { action: "cancel" });
    expect(await stageRows(jobId)).toBeNull();
    expect(await events(w.caseId)).toBe(0);
  });

  it("a cancel leaves a validating import's stage to its run, which drops it when it finds it cancelled", async () => {
    const w = await createJointCase();
    const { jobId } = await validated(w.investigator, w.caseId, csv(0, 30));
    await changeImport(w.investigator, w.caseId, jobId, {
      action: "validate",
      options: { mapping: MAPPING, timeZone: "UTC" },
    });
    // A runner has claimed the job; the cancel comes before it starts.
    const claimed = await claimJob(jobId);
    expect(claimed?.status).toBe("VALIDATING");
    await changeImport(w.investigator, w.caseId, jobId, { action: "cancel" });
    expect(await stageRows(jobId)).toBe(30);
    await timelineImportSteps.validate(claimed!);
    expect(await stageRows(jobId)).toBeNull();
    expect((await getImport(w.investigator, w.caseId, jobId)).job.status).toBe("CANCELLED");
    expect(await events(w.caseId)).toBe(0);
  });

  it("a cancel during validation stops the run: it reads no more of the file and keeps nothing", async () => {
    const w = await createJointCase();
    // Long enough to outlast a progress write or two (a second at most) on a fast machine.
    const bytes = withRefusedRow(csv(0, 500_000));
    const { job } = await uploadTimelineFile(w.investigator, w.caseId, bytes, "events.csv");
    await changeImport(w.investigator, w.caseId, job.id, {
      action: "validate",
      options: { mapping: MAPPING, timeZone: "UTC" },
    });
    const reads = watchBlobReads();
    let running: Promise<void> | undefined;
    try {
      running = timelineImportSteps.validate((await claimJob(job.id))!); // its errors fail the test
      const state = () =>
        getDb().importJob.findUniqueOrThrow({ where: { id: job.id }, select: { status: true, rowsProcessed: true } });
      // Once the run has read some rows (its progress shows), and while it still runs.
      await expect.poll(async () => (await state()).rowsProcessed > 0, { timeout: 60_000, interval: 10 }).toBe(true);
      expect((await state()).status).toBe("VALIDATING");
      await changeImport(w.investigator, w.caseId, job.id, { action: "cancel" });
      await running;
      expect((await state()).status).toBe("CANCELLED");
      expect(await stageRows(job.id)).toBeNull();
      // The file was closed with part of it unread; a run read to the end reads it all.
      const stream = await reads.lastFile();
      expect(stream.destroyed).toBe(true);
      expect(stream.bytesRead).toBeLessThan(bytes.length);
      // Nothing is kept: no events, nor the refused row.
      expect(await events(w.caseId)).toBe(0);
      expect(await getDb().importRowError.count({ where: { jobId: job.id } })).toBe(0);
    } finally {
      reads.restore();
      await running?.catch(() => {});
    }
  }, 120_000);

  it("a run that is not cancelled reads its whole file, closes it, and keeps its refused rows", async () => {
    const w = await createJointCase();
    const bytes = withRefusedRow(csv(0, 20_000));
    const reads = watchBlobReads();
    try {
      const { jobId } = await validated(w.investigator, w.caseId, bytes);
      const stream = await reads.lastFile();
      expect(stream.bytesRead).toBe(bytes.length);
      expect(stream.destroyed).toBe(true);
      expect(await getDb().importRowError.findMany({ where: { jobId }, select: { line: true } })).toEqual([
        { line: 2 },
      ]);
    } finally {
      reads.restore();
    }
  });

  it("already on the timeline is exact: the importing organisation's rows, repeats counted once", async () => {
    const w = await createJointCase();
    const first = await validated(w.investigator, w.caseId, csv(0, 100));
    await commitTimelineImport(w.investigator, w.caseId, first.jobId);
    // 50 of these exist; row 120 appears twice (a repeat, not "existing"); 50 are new.
    const twice = csv(120, 121).toString().split("\n")[1]!;
    const { jobId, validated: v } = await validated(w.investigator, w.caseId, csv(50, 150, [twice]));
    expect(v).toMatchObject({ rowsValid: 100, rowsDuplicate: 1, rowsExisting: 50 });
    const done = await commitTimelineImport(w.investigator, w.caseId, jobId);
    expect(done).toMatchObject({ status: "COMMITTED", rowsInserted: 50, rowsExisting: 50 });
    expect(await events(w.caseId)).toBe(150);
    // The partner's equal rows are its own: none of ours counts as theirs.
    const partner = await validated(w.partnerInvestigator, w.caseId, csv(0, 150));
    expect(partner.validated).toMatchObject({ rowsValid: 150, rowsExisting: 0 });
    // Importing the same file again adds nothing.
    const again = await validated(w.investigator, w.caseId, csv(0, 150));
    expect(again.validated).toMatchObject({ rowsValid: 150, rowsExisting: 150 });
    expect(await commitTimelineImport(w.investigator, w.caseId, again.jobId)).toMatchObject({ rowsInserted: 0 });
    expect(await events(w.caseId)).toBe(150);
  });

  it("a new validation replaces the stage", async () => {
    const w = await createJointCase();
    const { jobId } = await validated(w.investigator, w.caseId, csv(0, 80));
    expect(await stageRows(jobId)).toBe(80);
    // Read again with a time format that refuses every row: nothing of the first run is left.
    const v = await validateTimelineImport(w.investigator, w.caseId, jobId, {
      mapping: MAPPING,
      timeZone: "UTC",
      timeFormat: "epoch_s",
    });
    expect(v).toMatchObject({ status: "VALIDATED", rowsValid: 0, rowsRejected: 80 });
    expect(await stageRows(jobId)).toBe(0);
    const back = await validateTimelineImport(w.investigator, w.caseId, jobId, { mapping: MAPPING, timeZone: "UTC" });
    expect(back).toMatchObject({ rowsValid: 80 });
    expect(await stageRows(jobId)).toBe(80);
    expect(await commitTimelineImport(w.investigator, w.caseId, jobId)).toMatchObject({ rowsInserted: 80 });
  });

  it("a runner that died between validation and commit: the next run commits from the stage", async () => {
    const w = await createJointCase();
    const { jobId } = await validated(w.investigator, w.caseId, csv(0, 120));
    // The commit was asked for, and its process died before doing anything: a stale heartbeat.
    await changeImport(w.investigator, w.caseId, jobId, { action: "commit" });
    await getDb().importJob.update({ where: { id: jobId }, data: { heartbeatAt: new Date(Date.now() - 10 * 60_000) } });
    await getImport(w.investigator, w.caseId, jobId);
    await expect
      .poll(async () => (await getImport(w.investigator, w.caseId, jobId)).job.status, { timeout: 20_000 })
      .toBe("COMMITTED");
    expect(await events(w.caseId)).toBe(120);
    expect(await stageRows(jobId)).toBeNull();
  });

  it("a commit without its stage fails and asks for a new validation, which then imports", async () => {
    const w = await createJointCase();
    const { jobId } = await validated(w.investigator, w.caseId, csv(0, 40));
    await getDb().$executeRawUnsafe(`DROP TABLE ${stageTable(jobId)}`);
    const failed = await commitTimelineImport(w.investigator, w.caseId, jobId);
    expect(failed).toMatchObject({ status: "FAILED", error: STAGE_GONE });
    expect(await events(w.caseId)).toBe(0);
    await validateTimelineImport(w.investigator, w.caseId, jobId, { mapping: MAPPING, timeZone: "UTC" });
    expect(await commitTimelineImport(w.investigator, w.caseId, jobId)).toMatchObject({ rowsInserted: 40 });
  });

  it("the sweep drops the stages no commit can use, and keeps those that may still be committed", async () => {
    const w = await createJointCase();
    const kept = await validated(w.investigator, w.caseId, csv(0, 10));
    const failed = await validated(w.investigator, w.caseId, csv(10, 20));
    const stale = await validated(w.investigator, w.caseId, csv(20, 30));
    await getDb().importJob.update({ where: { id: failed.jobId }, data: { status: "FAILED" } });
    await getDb().importJob.update({ where: { id: stale.jobId }, data: { updatedAt: new Date(Date.UTC(2020, 0, 1)) } });
    const result = await sweepStorage({ graceMs: 60_000 });
    expect(result?.stagesDropped).toBeGreaterThanOrEqual(2);
    expect(await stageRows(kept.jobId)).toBe(10);
    expect(await stageRows(failed.jobId)).toBeNull();
    expect(await stageRows(stale.jobId)).toBeNull();
    await runImportJob(kept.jobId); // not running: nothing to claim
    expect(await commitTimelineImport(w.investigator, w.caseId, kept.jobId)).toMatchObject({ rowsInserted: 10 });
  });
});
