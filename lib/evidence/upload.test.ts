// Bad input to the upload: each is refused with a clear message and leaves nothing behind — no
// row, no staged file, no blob. The size limit is set small through the environment (this file
// runs in its own process, so the change is local to it).
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ForbiddenError, NotFoundError, TooLargeError, ValidationError } from "@/lib/errors";
import { blobPath, sha256, stagedFiles, upload } from "@/tests/helpers/evidence";
import { createJointCase, uid } from "@/tests/helpers/factories";

// eslint-disable-next-line no-restricted-properties -- the limit under test comes from the environment
process.env.EVIDENCE_MAX_BYTES = "1024";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(uid())]);

async function expectNothingStored(caseId: string, bytes: Buffer) {
  expect(await getDb().evidence.count({ where: { caseId } })).toBe(0);
  expect(stagedFiles()).toEqual([]);
  expect(existsSync(blobPath(sha256(bytes)))).toBe(false);
}

describe("evidence upload refuses bad input and keeps nothing", () => {
  it("empty file", async () => {
    const w = await createJointCase();
    await expect(upload(w.lead, w.caseId, Buffer.alloc(0))).rejects.toThrow(/empty/);
    await expect(upload(w.lead, w.caseId, Buffer.alloc(0), {}, { contentLength: null })).rejects.toThrow(/empty/);
    await expectNothingStored(w.caseId, Buffer.alloc(0));
  });

  it("over the size limit: 413, whether or not the length was announced", async () => {
    const w = await createJointCase();
    const big = Buffer.alloc(1025, uid());
    await expect(upload(w.lead, w.caseId, big)).rejects.toBeInstanceOf(TooLargeError);
    await expect(upload(w.lead, w.caseId, big, {}, { contentLength: null })).rejects.toBeInstanceOf(TooLargeError);
    await expectNothingStored(w.caseId, big);
    expect((await upload(w.lead, w.caseId, Buffer.alloc(1024, uid()))).size).toBe(1024);
  });

  it.each([
    ["path traversal", "../../etc/passwd"],
    ["a directory", "logs/usage.csv"],
    ["a Windows path", "C:\\evidence.txt"],
    ["control characters", "report\u0000.txt"],
    ["a newline", "report\n.txt"],
  ])("file name with %s", async (_what, fileName) => {
    const w = await createJointCase();
    const bytes = Buffer.from(`name ${uid()}`);
    await expect(upload(w.lead, w.caseId, bytes, { fileName })).rejects.toBeInstanceOf(ValidationError);
    await expectNothingStored(w.caseId, bytes);
  });

  it("declared type that does not match the content's magic bytes", async () => {
    const w = await createJointCase();
    const html = Buffer.from(`<html><script>alert(1)</script>${uid()}</html>`);
    await expect(upload(w.lead, w.caseId, html, { fileName: "shot.png", mimeType: "image/png" })).rejects.toThrow(
      /declared as image\/png/,
    );
    await expect(upload(w.lead, w.caseId, PNG, { fileName: "notes.pdf", mimeType: "application/pdf" })).rejects.toThrow(
      /PNG image/,
    );
    await expect(upload(w.lead, w.caseId, PNG, { fileName: "notes.txt", mimeType: "text/plain" })).rejects.toThrow(
      /PNG image/,
    );
    await expectNothingStored(w.caseId, html);
    await expectNothingStored(w.caseId, PNG);
    expect(await upload(w.lead, w.caseId, PNG, { fileName: "shot.png", mimeType: "image/png" })).toMatchObject({
      duplicate: false,
    });
  });

  it("an interrupted upload (the connection dropped mid-stream)", async () => {
    const w = await createJointCase();
    const bytes = Buffer.alloc(900, uid());
    await expect(upload(w.lead, w.caseId, bytes, {}, { failAfter: 300 })).rejects.toThrow(/interrupted/);
    // A body that ends early without an error, shorter than announced, is just as incomplete.
    await expect(upload(w.lead, w.caseId, bytes.subarray(0, 500), {}, { contentLength: 900 })).rejects.toThrow(
      /interrupted/,
    );
    await expectNothingStored(w.caseId, bytes);
  });

  it("a SHA-256 from the client that differs from the bytes that arrived", async () => {
    const w = await createJointCase();
    const bytes = Buffer.from(`hash ${uid()}`);
    await expect(upload(w.lead, w.caseId, bytes, {}, { sha256: sha256("other") })).rejects.toThrow(
      /does not match the SHA-256/,
    );
    await expect(upload(w.lead, w.caseId, bytes, {}, { sha256: "xyz" })).rejects.toBeInstanceOf(ValidationError);
    await expectNothingStored(w.caseId, bytes);
    expect((await upload(w.lead, w.caseId, bytes, {}, { sha256: sha256(bytes) })).sha256).toBe(sha256(bytes));
  });

  it("missing or invalid metadata, checked before a byte is read", async () => {
    const w = await createJointCase();
    const bytes = Buffer.from(`meta ${uid()}`);
    await expect(upload(w.lead, w.caseId, bytes, { title: "" })).rejects.toBeInstanceOf(ValidationError);
    await expect(upload(w.lead, w.caseId, bytes, { kind: "PHOTO" })).rejects.toBeInstanceOf(ValidationError);
    await expect(upload(w.lead, w.caseId, bytes, { collectedAt: "2999-01-01T00:00:00Z" })).rejects.toThrow(/correct/);
    await expectNothingStored(w.caseId, bytes);
  });

  it.each([
    ["lead", "lead", null],
    ["investigator", "investigator", null],
    ["partner investigator", "partnerInvestigator", null],
    ["viewer", "viewer", ForbiddenError],
    ["non-member", "outsider", NotFoundError],
  ] as const)("upload permission: %s", async (_label, who, refused) => {
    const w = await createJointCase();
    const result = upload(w[who], w.caseId, Buffer.from(`perm ${uid()}`));
    if (refused) await expect(result).rejects.toBeInstanceOf(refused);
    else await expect(result).resolves.toMatchObject({ duplicate: false });
  });
});
