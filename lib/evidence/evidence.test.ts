import { chmodSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { buffer } from "node:stream/consumers";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { setLegalHold } from "@/lib/cases/mutations";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { deleteEvidence, purgeEvidence, updateEvidence } from "@/lib/evidence/mutations";
import { getEvidence, listEvidence, openEvidenceFile } from "@/lib/evidence/queries";
import { ZEvidenceFilters } from "@/lib/evidence/schemas";
import { verifyCaseEvidence, verifyEvidence } from "@/lib/evidence/verify";
import { requestRelease } from "@/lib/releases/mutations";
import { blobPath, readEvidence, sha256, stagedFiles, upload } from "@/tests/helpers/evidence";
import { createJointCase, createUser, uid } from "@/tests/helpers/factories";

const ALL = ZEvidenceFilters.parse({});
const custody = async (id: string) =>
  (await getDb().custodyEvent.findMany({ where: { evidenceId: id }, orderBy: { id: "asc" } })).map((c) => c.action);
const download = async (...args: Parameters<typeof openEvidenceFile>) =>
  buffer((await openEvidenceFile(...args)).stream);

describe("evidence", () => {
  it("stores the file under the SHA-256 of its bytes, serves identical bytes, and records custody", async () => {
    const w = await createJointCase();
    const bytes = Buffer.from(`ts,account,tokens\n2026-01-01T00:00:00Z,acct_${uid()},1200\n`);
    const result = await upload(w.investigator, w.caseId, bytes, {
      title: "Usage export",
      kind: "API_LOG_EXPORT",
      fileName: "usage.csv",
      mimeType: "text/csv",
      tags: "usage, Keys",
      collectedBy: "SOC",
      source: "API gateway",
    });
    expect(result).toMatchObject({ sha256: sha256(bytes), size: bytes.length, duplicate: false });
    expect(existsSync(blobPath(result.sha256))).toBe(true);
    expect((await download(w.partnerLead, w.caseId, result.id, "download")).equals(bytes)).toBe(true);
    const item = await readEvidence(w.lead, w.caseId, result.id);
    expect(item).toMatchObject({
      sha256: sha256(bytes),
      size: bytes.length,
      mimeType: "text/csv",
      tags: ["usage", "keys"],
      addedByName: w.investigator.name,
    });
    expect(item.preview).toMatchObject({ kind: "csv", rows: [["ts", "account", "tokens"], expect.any(Array)] });
    expect(await custody(result.id)).toEqual(["COLLECTED", "UPLOADED", "DOWNLOADED", "VIEWED"]);
    const audit = (await getDb().auditEvent.findMany({ where: { targetId: result.id }, orderBy: { id: "asc" } })).map(
      (a) => a.action,
    );
    expect(audit).toEqual(["evidence.uploaded", "evidence.downloaded", "evidence.viewed"]);
    expect(stagedFiles()).toEqual([]);
  });

  it("shows the cited line of the stored file (gzip or not) with its neighbours, and audits that it did", async () => {
    const w = await createJointCase();
    const text = ["time,account", ...Array.from({ length: 20 }, (_, i) => `2026-11-02T10:00:${i}Z,acct_${i + 2}`)].join(
      "\r\n",
    );
    const plain = await upload(w.investigator, w.caseId, Buffer.from(`${uid()}\r\n${text}`), { fileName: "u.csv" });
    const packed = await upload(w.investigator, w.caseId, gzipSync(`${uid()}\n${text}`), {
      fileName: "u.csv.gz",
      mimeType: "application/gzip",
    });
    for (const item of [plain, packed]) {
      const e = await readEvidence(w.partnerInvestigator, w.caseId, item.id, { line: "12" });
      expect(e.sourceLines).toEqual({
        line: 12,
        lines: [10, 11, 12, 13, 14].map((n) => ({ n, text: expect.stringMatching(new RegExp(`,acct_${n - 1}$`)) })),
      });
    }
    const near = await readEvidence(w.lead, w.caseId, plain.id, { line: "22" }); // the last line
    expect(near.sourceLines!.lines.map((l) => l.n)).toEqual([20, 21, 22]);
    // No line, or a malformed one, reads nothing more than the page.
    expect((await readEvidence(w.lead, w.caseId, plain.id, { line: "x" })).sourceLines).toBeNull();
    expect((await readEvidence(w.lead, w.caseId, plain.id)).sourceLines).toBeNull();
    const audit = await getDb().auditEvent.findFirst({
      where: {
        action: "evidence.viewed",
        targetId: plain.id,
        actorId: w.lead.id,
        details: { path: ["line"], equals: 22 },
      },
    });
    expect(audit).not.toBeNull();
  });

  it("identical bytes uploaded again to the same case point to the existing item", async () => {
    const w = await createJointCase();
    const bytes = Buffer.from(`same bytes ${uid()}`);
    const first = await upload(w.investigator, w.caseId, bytes);
    const again = await upload(w.lead, w.caseId, bytes, { title: "Again", fileName: "copy.txt" });
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    expect(await getDb().evidence.count({ where: { caseId: w.caseId } })).toBe(1);
    expect(await custody(first.id)).toEqual(["COLLECTED", "UPLOADED", "UPLOADED"]);
    // Another case gets its own item (sharing the stored blob).
    const other = await createJointCase();
    expect((await upload(other.lead, other.caseId, bytes)).duplicate).toBe(false);
  });

  it("owner-org-only evidence does not exist for the other organisation: list, counts, item, download", async () => {
    const w = await createJointCase();
    const shared = await upload(w.investigator, w.caseId, Buffer.from(`shared ${uid()}`), { title: "Shared" });
    const secret = await upload(w.investigator, w.caseId, Buffer.from(`secret ${uid()}`), {
      title: "Ours",
      visibility: "OWNER_ORG_ONLY",
    });
    const mine = await listEvidence(w.viewer, w.caseId, ALL);
    expect(mine.total).toBe(2);
    const theirs = await listEvidence(w.partnerLead, w.caseId, ALL);
    expect(theirs.total).toBe(1);
    expect(theirs.items.map((i) => i.id)).toEqual([shared.id]);
    await expect(getEvidence(w.partnerLead, w.caseId, secret.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(openEvidenceFile(w.partnerInvestigator, w.caseId, secret.id, "download")).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(verifyEvidence(w.partnerLead, w.caseId, secret.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await verifyCaseEvidence(w.partnerLead, w.caseId)).checked).toBe(1);
    // Released by a lead of its organisation, it reaches the partner, and custody says so.
    await requestRelease(w.lead, { itemType: "evidence", itemId: secret.id, reason: "needed for joint analysis" });
    expect((await listEvidence(w.partnerLead, w.caseId, ALL)).total).toBe(2);
    expect(await custody(secret.id)).toContain("RELEASED");
  });

  it("non-members get 404 for everything, including by guessed ids", async () => {
    const w = await createJointCase();
    const e = await upload(w.investigator, w.caseId, Buffer.from(`x ${uid()}`));
    const other = await createJointCase();
    await expect(listEvidence(w.outsider, w.caseId, ALL)).rejects.toBeInstanceOf(NotFoundError);
    await expect(upload(w.outsider, w.caseId, Buffer.from("y"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(getEvidence(w.outsider, w.caseId, e.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(openEvidenceFile(w.outsider, w.caseId, e.id, "download")).rejects.toBeInstanceOf(NotFoundError);
    // A lead of another case naming that case in the URL gets nothing either.
    await expect(getEvidence(other.lead, other.caseId, e.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteEvidence(other.lead, other.caseId, e.id, { reason: "nope" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getEvidence(w.lead, w.caseId, "not-a-uuid")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a changed or missing blob is reported by verification and recorded in custody and audit", async () => {
    const w = await createJointCase();
    const good = await upload(w.investigator, w.caseId, Buffer.from(`good ${uid()}`));
    const bad = await upload(w.investigator, w.caseId, Buffer.from(`tampered ${uid()}`));
    const gone = await upload(w.investigator, w.caseId, Buffer.from(`gone ${uid()}`));
    expect(await verifyEvidence(w.lead, w.caseId, good.id)).toMatchObject({ status: "INTACT" });
    chmodSync(blobPath(bad.sha256), 0o600);
    writeFileSync(blobPath(bad.sha256), "something else entirely");
    rmSync(blobPath(gone.sha256));
    const summary = await verifyCaseEvidence(w.investigator, w.caseId);
    expect(summary).toMatchObject({ checked: 3, intact: 1, mismatch: 1, missing: 1 });
    expect(await getDb().evidence.findUniqueOrThrow({ where: { id: bad.id } })).toMatchObject({
      integrity: "MISMATCH",
    });
    const failed = await getDb().custodyEvent.findFirstOrThrow({
      where: { evidenceId: bad.id, action: "VERIFICATION_FAILED" },
    });
    expect(failed.sha256).toBe(sha256("something else entirely"));
    expect(await getDb().auditEvent.count({ where: { action: "evidence.integrity_failed", caseId: w.caseId } })).toBe(
      2,
    );
    await expect(openEvidenceFile(w.lead, w.caseId, gone.id, "download")).rejects.toThrow(/missing/);
  });

  it("metadata edits are versioned; the file is immutable", async () => {
    const w = await createJointCase();
    const e = await upload(w.investigator, w.caseId, Buffer.from(`edit ${uid()}`));
    await updateEvidence(w.investigator, w.caseId, e.id, { version: 1, title: "Renamed", kind: "EMAIL", tags: "a,b" });
    await expect(
      updateEvidence(w.lead, w.caseId, e.id, { version: 1, title: "Stale", kind: "EMAIL" }),
    ).rejects.toBeInstanceOf(ConflictError);
    const row = await getDb().evidence.findUniqueOrThrow({ where: { id: e.id } });
    expect(row).toMatchObject({ title: "Renamed", kind: "EMAIL", tags: ["a", "b"], version: 2, sha256: e.sha256 });
    expect(await custody(e.id)).toContain("METADATA_CHANGED");
  });

  it("delete: lead only, with a reason, refused under legal hold; the tombstone keeps record and custody", async () => {
    const w = await createJointCase();
    const e = await upload(w.investigator, w.caseId, Buffer.from(`delete ${uid()}`));
    await expect(deleteEvidence(w.investigator, w.caseId, e.id, { reason: "not needed" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(deleteEvidence(w.partnerLead, w.caseId, e.id, { reason: "not ours" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(deleteEvidence(w.lead, w.caseId, e.id, { reason: "" })).rejects.toBeInstanceOf(ValidationError);
    const { version } = await getDb().case.findUniqueOrThrow({ where: { id: w.caseId } });
    await setLegalHold(w.lead, w.caseId, { version, legalHold: "on" });
    await expect(deleteEvidence(w.lead, w.caseId, e.id, { reason: "cleanup" })).rejects.toThrow(/legal hold/);
    await setLegalHold(w.lead, w.caseId, { version: version + 1, legalHold: "off" });
    await deleteEvidence(w.lead, w.caseId, e.id, { reason: "uploaded to the wrong case" });
    expect((await listEvidence(w.lead, w.caseId, ALL)).total).toBe(0);
    expect((await listEvidence(w.lead, w.caseId, ZEvidenceFilters.parse({ deleted: "1" }))).total).toBe(1);
    const tomb = await readEvidence(w.lead, w.caseId, e.id);
    expect(tomb).toMatchObject({ sha256: e.sha256, deleteReason: "uploaded to the wrong case", deleted: true });
    expect(tomb.custody.map((c) => c.action)).toEqual(["COLLECTED", "UPLOADED", "DELETED", "VIEWED"]);
    await expect(openEvidenceFile(w.lead, w.caseId, e.id, "download")).rejects.toBeInstanceOf(NotFoundError);
    expect(existsSync(blobPath(e.sha256))).toBe(true);
  });

  it("purge: an admin member only, only a tombstone, never under legal hold; a shared blob stays", async () => {
    const w = await createJointCase();
    const admin = await createUser({ orgId: w.ownerOrg.id, role: "ADMIN" });
    await getDb().caseMember.create({ data: { caseId: w.caseId, userId: admin.id, role: "VIEWER" } });
    const bytes = Buffer.from(`purge ${uid()}`);
    const e = await upload(w.investigator, w.caseId, bytes);
    await expect(purgeEvidence(admin, w.caseId, e.id, { reason: "unlawful content" })).rejects.toThrow(
      /Only deleted evidence/,
    );
    await deleteEvidence(w.lead, w.caseId, e.id, { reason: "unlawful content" });
    await expect(purgeEvidence(w.lead, w.caseId, e.id, { reason: "unlawful content" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const { version } = await getDb().case.findUniqueOrThrow({ where: { id: w.caseId } });
    await setLegalHold(w.lead, w.caseId, { version, legalHold: "on" });
    await expect(purgeEvidence(admin, w.caseId, e.id, { reason: "unlawful content" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await setLegalHold(w.lead, w.caseId, { version: version + 1, legalHold: "off" });
    // Same bytes in another case: the blob must survive this purge.
    const other = await createJointCase();
    await upload(other.lead, other.caseId, bytes);
    expect(await purgeEvidence(admin, w.caseId, e.id, { reason: "unlawful content" })).toEqual({ blobRemoved: false });
    expect(existsSync(blobPath(e.sha256))).toBe(true);
    expect(await custody(e.id)).toEqual(["COLLECTED", "UPLOADED", "DELETED", "PURGED"]);
    const only = await upload(w.investigator, w.caseId, Buffer.from(`only copy ${uid()}`));
    await deleteEvidence(w.lead, w.caseId, only.id, { reason: "duplicate" });
    expect(await purgeEvidence(admin, w.caseId, only.id, { reason: "duplicate" })).toEqual({ blobRemoved: true });
    expect(existsSync(blobPath(only.sha256))).toBe(false);
    expect(await getDb().evidence.findUniqueOrThrow({ where: { id: only.id } })).toMatchObject({ sha256: only.sha256 });
  });
});
