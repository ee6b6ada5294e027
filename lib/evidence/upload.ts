import "server-only";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { itemScope, recordAudit } from "@/lib/audit/record";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { AppError, ConflictError, ValidationError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { getBlobStore, type TStagedBlob } from "@/lib/storage";
import { tooLarge } from "@/lib/storage/meter";
import { lockBlob } from "@/lib/storage/references";
import { addCustody } from "@/lib/evidence/access";
import { ZSha256, ZUploadMetadata, type TUploadMetadata } from "@/lib/evidence/schemas";
import { checkDeclaredType } from "@/lib/evidence/sniff";
import { readableItemWhere, visibleItemWhere } from "@/lib/auth/visibility";
import { privilegeReader, type TPrivilegeReader } from "@/lib/auth/permissions";
import { touchCaseFor } from "@/lib/cases/touch";

/**
 * An upload as the route handler receives it. The body is the raw file (never multipart, never
 * buffered); the metadata travels as base64url-encoded JSON in the X-Evidence-Metadata header,
 * so the file can stream straight to storage while the metadata is already validated.
 */
export type TEvidenceUpload = {
  body: ReadableStream<Uint8Array> | null;
  metadata: string | null;
  sha256: string | null;
  contentLength: string | null;
};

export type TUploadResult = { id: string; sha256: string; size: number; duplicate: boolean };

const INTERRUPTED = "The upload was interrupted before the whole file arrived. Nothing was stored; try again.";

function parseMetadata(header: string | null): TUploadMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(header ?? "", "base64url").toString("utf8"));
  } catch {
    throw new ValidationError("The upload is missing its description (X-Evidence-Metadata: base64url-encoded JSON).");
  }
  return parseInput(ZUploadMetadata, raw);
}

/** Node's file-system errors (disk full, permissions) are ours; other stream errors are the client's. */
const isLocalFailure = (error: unknown) =>
  error instanceof Error &&
  /^E[A-Z]+$/.test(String((error as { code?: string }).code)) &&
  (error as { syscall?: string }).syscall !== undefined;

async function stage(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<TStagedBlob> {
  try {
    return await getBlobStore().stage(Readable.fromWeb(body as WebReadableStream<Uint8Array>), maxBytes);
  } catch (error) {
    if (error instanceof AppError || isLocalFailure(error)) throw error;
    throw new ValidationError(INTERRUPTED);
  }
}

/**
 * Stores one evidence file. Authorizes and validates the metadata before reading a byte; streams
 * the body to staging while hashing (SHA-256) and counting; rejects — keeping nothing — an empty,
 * oversized, truncated or mis-declared file or one whose hash differs from the client's; then
 * moves the blob to its content address and only then commits the row, its custody and audit.
 * A failure after the blob is in place leaves an unreferenced blob, never a row without its
 * file; the storage sweep (lib/storage/sweep.ts) removes it after its grace period.
 */
export async function uploadEvidence(actor: TActor, caseId: unknown, upload: TEvidenceUpload): Promise<TUploadResult> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "evidence.create");
  const meta = parseMetadata(upload.metadata);
  const expected = upload.sha256 ? parseInput(ZSha256, upload.sha256) : null;
  const maxBytes = getEnv().EVIDENCE_MAX_BYTES;
  const declared = upload.contentLength === null ? null : Number(upload.contentLength);
  if (declared !== null && declared > maxBytes) throw tooLarge(maxBytes);
  if (!upload.body || declared === 0)
    throw new ValidationError("The file is empty: there is nothing to keep as evidence.");

  const staged = await stage(upload.body, maxBytes);
  try {
    if (staged.size === 0) throw new ValidationError("The file is empty: there is nothing to keep as evidence.");
    if (declared !== null && Number.isFinite(declared) && staged.size !== declared)
      throw new ValidationError(INTERRUPTED);
    if (expected && expected !== staged.sha256) {
      throw new ValidationError(
        "The file that arrived does not match the SHA-256 your browser computed: it changed or was corrupted on the way. Nothing was stored; try again.",
      );
    }
    const mimeType = checkDeclaredType(meta.mimeType, staged.head);
    await staged.commit();
    return await saveRow(actor, c, privilegeReader(actor, facts), { ...meta, mimeType }, staged, expected !== null);
  } finally {
    await staged.discard();
  }
}

async function saveRow(
  actor: TActor,
  c: { id: string; releaseMode: string },
  reader: TPrivilegeReader,
  meta: TUploadMetadata,
  blob: TStagedBlob,
  verified: boolean,
): Promise<TUploadResult> {
  const { sha256, size } = blob;
  const visibility = c.releaseMode === "DIRECT" ? meta.visibility : "OWNER_ORG_ONLY";
  return getDb().$transaction(async (tx) => {
    // Serialises with a purge or the sweep of the same blob: either they see this row and keep
    // the blob, or this sees the blob gone and refuses.
    await lockBlob(tx, sha256);
    if (!(await getBlobStore().exists(sha256)))
      throw new ConflictError("The stored file was removed at the same moment. Upload it again.");
    const existing = await tx.evidence.findFirst({
      // Not a withheld item: "already uploaded as …" would confirm what a privileged item holds.
      where: { caseId: c.id, sha256, deletedAt: null, ...visibleItemWhere(actor), AND: [readableItemWhere(reader)] },
      orderBy: { createdAt: "asc" },
      select: { id: true, orgId: true, visibility: true },
    });
    if (existing) {
      await addCustody(
        tx,
        existing.id,
        actor.id,
        "UPLOADED",
        sha256,
        `Identical bytes uploaded again as "${meta.fileName}"; no new item was created.`,
      );
      await recordAudit(
        {
          actorId: actor.id,
          action: "evidence.duplicate_upload",
          targetType: "evidence",
          targetId: existing.id,
          caseId: c.id,
          scope: itemScope(existing),
          details: { sha256 },
        },
        tx,
      );
      return { id: existing.id, sha256, size, duplicate: true };
    }
    const row = await tx.evidence.create({
      data: {
        ...meta,
        visibility,
        caseId: c.id,
        orgId: actor.orgId,
        addedById: actor.id,
        size: BigInt(size),
        sha256,
        // The client's hash matched what the server stored: that is an integrity check.
        ...(verified ? { integrity: "INTACT" as const, lastVerifiedAt: new Date() } : {}),
      },
      select: { id: true },
    });
    const collected = [
      meta.collectedBy && `by ${meta.collectedBy}`,
      meta.collectedAt && `at ${meta.collectedAt.toISOString()}`,
      meta.source && `from ${meta.source}`,
    ]
      .filter(Boolean)
      .join(" ");
    await addCustody(
      tx,
      row.id,
      actor.id,
      "COLLECTED",
      sha256,
      collected ? `Collected ${collected}.` : "Collection details not given.",
    );
    await addCustody(
      tx,
      row.id,
      actor.id,
      "UPLOADED",
      sha256,
      `Uploaded "${meta.fileName}" (${size} bytes); SHA-256 computed by the server while storing.`,
    );
    if (verified)
      await addCustody(
        tx,
        row.id,
        actor.id,
        "VERIFIED",
        sha256,
        "The stored file matches the SHA-256 the uploader's browser computed before sending it.",
      );
    await touchCaseFor(tx, c.id, { visibility });
    await recordAudit(
      {
        actorId: actor.id,
        action: "evidence.uploaded",
        targetType: "evidence",
        targetId: row.id,
        caseId: c.id,
        scope: itemScope({ visibility, orgId: actor.orgId }),
        details: { sha256, size, fileName: meta.fileName, visibility },
      },
      tx,
    );
    return { id: row.id, sha256, size, duplicate: false };
  });
}
