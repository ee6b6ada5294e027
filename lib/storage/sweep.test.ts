import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb, withAdvisoryLock } from "@/lib/db";
import { deleteEvidence, purgeEvidence } from "@/lib/evidence/mutations";
import { runImportJob } from "@/lib/jobs/runner";
import { LocalBlobStore } from "@/lib/storage/local";
import { sweepStorage } from "@/lib/storage/sweep";
import { IMPORT_FILE_KEPT_MS } from "@/lib/storage/references";
import { timelineVersion } from "@/lib/timeline/derived-cache";
import { changeImport, createImport, getImport } from "@/lib/timeline/import";
import type { TActor } from "@/lib/auth/session";
import { blobPath, sha256, streamOf, upload } from "@/tests/helpers/evidence";
import { createJointCase, createUser, uid } from "@/tests/helpers/factories";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";

// Real PostgreSQL and the local storage backend. Test files share one storage folder and run in
// parallel, so the sweep here runs with a 10-minute grace period and only the files these tests
// age (by moving their time back an hour) are old enough to be candidates.
const GRACE = { graceMs: 10 * 60_000 };
const HOUR_AGO = () => new Date(Date.now() - 60 * 60_000);
const age = (hash: string) => utimes(blobPath(hash), HOUR_AGO(), HOUR_AGO());
const csv = () => Buffer.from(`time,title\n2026-01-15T09:00:00Z,burst ${uid()}\n`);
const MAPPING = { occurredAt: "time", title: "title" };

async function startImport(actor: TActor, caseId: string, bytes: Buffer) {
  const { job } = await createImport(actor, caseId, {
    body: streamOf(bytes),
    fileName: "events.csv",
    contentLength: String(bytes.length),
  });
  return job.id;
}

async function validate(actor: TActor, caseId: string, jobId: string) {
  await changeImport(actor, caseId, jobId, { action: "validate", options: { mapping: MAPPING } });
  await runImportJob(jobId);
  return (await getImport(actor, caseId, jobId)).job;
}

describe("stored files are kept while any use needs them, and swept after", () => {
  it("purging evidence keeps the file a pending import of the same bytes reads; the sweep removes it after", async () => {
    const w = await createJointCase();
    const admin = await createUser({ orgId: w.ownerOrg.id, role: "ADMIN" });
    await getDb().caseMember.create({ data: { caseId: w.caseId, userId: admin.id, role: "VIEWER" } });
    const bytes = csv();
    const e = await upload(w.investigator, w.caseId, bytes, { fileName: "events.csv" });
    const jobId = await startImport(w.lead, w.caseId, bytes);
    await deleteEvidence(w.lead, w.caseId, e.id, { reason: "wrong case" });
    expect(await purgeEvidence(admin, w.caseId, e.id, { reason: "wrong case" })).toEqual({ blobRemoved: false });
    expect(existsSync(blobPath(e.sha256))).toBe(true);

    const validated = await validate(w.lead, w.caseId, jobId);
    expect(validated).toMatchObject({ status: "VALIDATED", rowsValid: 1 });
    await age(e.sha256);
    await sweepStorage(GRACE);
    expect(existsSync(blobPath(e.sha256)), "the validated import still needs it").toBe(true);
    await changeImport(w.lead, w.caseId, jobId, { action: "commit" });
    await runImportJob(jobId);
    expect((await getImport(w.lead, w.caseId, jobId)).job.status).toBe("COMMITTED");
    await sweepStorage(GRACE);
    expect(existsSync(blobPath(e.sha256)), "nothing uses it any more").toBe(false);
  });

  it("import files are swept after commit and cancel, and after a failed or idle job's keeping time", async () => {
    const w = await createJointCase();
    const [committed, cancelled, pending, failed, idle] = [csv(), csv(), csv(), csv(), csv()];
    const ids = {
      committed: await startImport(w.investigator, w.caseId, committed),
      cancelled: await startImport(w.investigator, w.caseId, cancelled),
      pending: await startImport(w.investigator, w.caseId, pending),
      failed: await startImport(w.investigator, w.caseId, failed),
      idle: await startImport(w.investigator, w.caseId, idle),
    };
    await validate(w.investigator, w.caseId, ids.committed);
    await changeImport(w.investigator, w.caseId, ids.committed, { action: "commit" });
    await runImportJob(ids.committed);
    await changeImport(w.investigator, w.caseId, ids.cancelled, { action: "cancel" });
    const longAgo = new Date(Date.now() - IMPORT_FILE_KEPT_MS - 60_000);
    await getDb().importJob.updateMany({ where: { id: ids.failed }, data: { status: "FAILED" } });
    await getDb().$executeRaw`UPDATE "ImportJob" SET "updatedAt" = ${longAgo} WHERE id = ${ids.idle}::uuid`;
    for (const bytes of [committed, cancelled, pending, failed, idle]) await age(sha256(bytes));

    const version = await timelineVersion(w.caseId, w.lead);
    const result = await sweepStorage(GRACE);
    expect(result?.blobsRemoved).toBeGreaterThanOrEqual(3);
    // The committed import's change row is folded into the case's count: its version stays.
    expect(result?.timelineChangesFolded).toBeGreaterThanOrEqual(1);
    expect(await getDb().timelineChange.count({ where: { caseId: w.caseId } })).toBe(0);
    expect(await timelineVersion(w.caseId, w.lead)).toBe(version);
    const kept = (bytes: Buffer) => existsSync(blobPath(sha256(bytes)));
    expect({
      committed: kept(committed),
      cancelled: kept(cancelled),
      pending: kept(pending),
      failed: kept(failed),
      idle: kept(idle),
    }).toEqual({ committed: false, cancelled: false, pending: true, failed: true, idle: false });
    // The idle job, taken up again, says why its file is gone rather than failing obscurely.
    const job = await validate(w.investigator, w.caseId, ids.idle);
    expect(job).toMatchObject({ status: "FAILED", error: expect.stringMatching(/no longer kept/) });
  });

  it("never removes a file younger than the grace period, nor one still evidence", async () => {
    const w = await createJointCase();
    const young = csv();
    const jobId = await startImport(w.investigator, w.caseId, young);
    await changeImport(w.investigator, w.caseId, jobId, { action: "cancel" });
    const evidence = await upload(w.investigator, w.caseId, Buffer.from(`evidence ${uid()}`));
    await age(evidence.sha256);
    await sweepStorage(GRACE);
    expect(existsSync(blobPath(sha256(young))), "unreferenced but young: an upload may be writing its row").toBe(true);
    expect(existsSync(blobPath(evidence.sha256))).toBe(true);
  });

  it("a new upload of bytes already stored refreshes the file's time, so the sweep leaves it alone", async () => {
    const w = await createJointCase();
    const bytes = csv();
    const first = await startImport(w.investigator, w.caseId, bytes);
    await changeImport(w.investigator, w.caseId, first, { action: "cancel" });
    await age(sha256(bytes));
    // The same bytes again: the stored copy is reused and marked as just written.
    await startImport(w.investigator, w.caseId, bytes);
    await getDb().importJob.updateMany({ where: { caseId: w.caseId }, data: { status: "CANCELLED" } });
    await sweepStorage(GRACE);
    expect(existsSync(blobPath(sha256(bytes)))).toBe(true);
  });

  it("removes staged uploads left by a crash, not one being written", async () => {
    // A store of its own: the shared one's staging folder is watched by the upload tests.
    const store = new LocalBlobStore(await mkdtemp(path.join(tmpdir(), "casebridge-sweep-")));
    const tmp = path.join(store.root, "tmp");
    await mkdir(tmp, { recursive: true });
    const [stale, fresh] = [path.join(tmp, `${uid()}.part`), path.join(tmp, `${uid()}.part`)];
    await writeFile(stale, "half an upload");
    await writeFile(fresh, "an upload in flight");
    await utimes(stale, HOUR_AGO(), HOUR_AGO());
    expect(await store.removeStaleStaging(new Date(Date.now() - GRACE.graceMs))).toBe(1);
    expect([existsSync(stale), existsSync(fresh)]).toEqual([false, true]);
    await rm(store.root, { recursive: true, force: true });
  });

  it.skipIf(onEmbeddedTestDatabase())(
    "one instance sweeps at a time: another finds the lock taken and does nothing",
    async () => {
      const w = await createJointCase();
      const bytes = csv();
      const jobId = await startImport(w.investigator, w.caseId, bytes);
      await changeImport(w.investigator, w.caseId, jobId, { action: "cancel" });
      await age(sha256(bytes));
      const inner = await withAdvisoryLock("casebridge:storage-sweep", () => sweepStorage(GRACE));
      expect(inner).toBeNull();
      expect(existsSync(blobPath(sha256(bytes)))).toBe(true);
      expect(await sweepStorage(GRACE)).not.toBeNull();
      expect(existsSync(blobPath(sha256(bytes)))).toBe(false);
    },
  );
});
