import "server-only";
import { getDb } from "@/lib/db";
import { itemScope, recordAudit } from "@/lib/audit/record";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, ValidationError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { getBlobStore } from "@/lib/storage";
import { requireNoLegalHold } from "@/lib/cases/hold";
import { lockBlob, referencedBlobs } from "@/lib/storage/references";
import { addCustody, loadEvidence, type TEvidenceFacts } from "@/lib/evidence/access";
import {
  EVIDENCE_METADATA_FIELDS,
  ZDeleteEvidence,
  ZPurgeEvidence,
  ZUpdateEvidence,
  type TUpdateEvidence,
} from "@/lib/evidence/schemas";

const CONFLICT =
  "Someone else changed this evidence after you opened it. Your changes are still in the form: reload the page and apply them again.";
const HOLD = "This case is under legal hold: evidence cannot be deleted or purged until a lead lifts the hold.";

/** Edits the metadata (the file itself is immutable), refusing a stale version or a legal hold. */
export async function updateEvidence(
  actor: TActor,
  caseId: unknown,
  evidenceId: unknown,
  input: unknown,
): Promise<void> {
  const { evidence: e } = await loadEvidence(actor, evidenceId, "evidence.edit", caseId);
  const { version, ...data } = parseInput(ZUpdateEvidence, input);
  await saveMetadata(actor, e, version, data);
}

async function saveMetadata(
  actor: TActor,
  e: TEvidenceFacts,
  version: number,
  data: Partial<Omit<TUpdateEvidence, "version">>,
): Promise<void> {
  if (e.deletedAt) throw new ValidationError("Deleted evidence cannot be edited.");
  await getDb().$transaction(async (tx) => {
    await requireNoLegalHold(tx, e.caseId, "its evidence cannot be edited");
    // visibility: re-reads the item loadEvidence just authorized.
    const before = await tx.evidence.findUniqueOrThrow({
      where: { id: e.id },
      select: Object.fromEntries(EVIDENCE_METADATA_FIELDS.map((f) => [f, true])) as Record<
        (typeof EVIDENCE_METADATA_FIELDS)[number],
        true
      >,
    });
    const { count } = await tx.evidence.updateMany({
      where: { id: e.id, version, deletedAt: null },
      data: { ...data, version: { increment: 1 } },
    });
    if (count === 0) throw new ConflictError(CONFLICT);
    const changed = EVIDENCE_METADATA_FIELDS.filter(
      (f) => f in data && JSON.stringify(before[f]) !== JSON.stringify(data[f as keyof typeof data]),
    );
    await addCustody(
      tx,
      e.id,
      actor.id,
      "METADATA_CHANGED",
      e.sha256,
      changed.length ? `Changed: ${changed.join(", ")}.` : "Saved without changes.",
    );
    await recordAudit(
      {
        actorId: actor.id,
        action: "evidence.updated",
        targetType: "evidence",
        targetId: e.id,
        caseId: e.caseId,
        scope: itemScope(e),
        details: { changed },
      },
      tx,
    );
  });
}

/** Tombstones evidence: the record, hash and custody stay; the file is no longer served. */
export async function deleteEvidence(
  actor: TActor,
  caseId: unknown,
  evidenceId: unknown,
  input: unknown,
): Promise<void> {
  const { evidence: e, access } = await loadEvidence(actor, evidenceId, "evidence.delete", caseId);
  const { reason } = parseInput(ZDeleteEvidence, input);
  if (access.case.legalHold) throw new ConflictError(HOLD);
  if (e.deletedAt) throw new ValidationError("This evidence is already deleted.");
  await getDb().$transaction(async (tx) => {
    // Re-read under a row lock: a legal hold set since the check above wins.
    const [c] = await tx.$queryRaw<
      { legalHold: boolean }[]
    >`SELECT "legalHold" FROM "Case" WHERE id = ${e.caseId}::uuid FOR UPDATE`;
    if (c?.legalHold) throw new ConflictError(HOLD);
    const { count } = await tx.evidence.updateMany({
      where: { id: e.id, deletedAt: null },
      data: { deletedAt: new Date(), deletedById: actor.id, deleteReason: reason, version: { increment: 1 } },
    });
    if (count === 0) throw new ValidationError("This evidence is already deleted.");
    await addCustody(tx, e.id, actor.id, "DELETED", e.sha256, reason);
    await recordAudit(
      {
        actorId: actor.id,
        action: "evidence.deleted",
        targetType: "evidence",
        targetId: e.id,
        caseId: e.caseId,
        scope: itemScope(e),
        details: { reason },
      },
      tx,
    );
  });
}

/**
 * Removes the blob of a tombstone (an admin's decision, e.g. unlawful content). The blob is
 * content-addressed and may serve other uses (evidence in any case, a pending timeline import):
 * it is removed only when no use is left (lib/storage/references.ts); otherwise the storage
 * sweep removes it once the last use ends. Refused under legal hold.
 */
export async function purgeEvidence(
  actor: TActor,
  caseId: unknown,
  evidenceId: unknown,
  input: unknown,
): Promise<{ blobRemoved: boolean }> {
  const { evidence: e, access } = await loadEvidence(actor, evidenceId, "evidence.purge", caseId);
  const { reason } = parseInput(ZPurgeEvidence, input);
  if (access.case.legalHold) throw new ConflictError(HOLD);
  if (!e.deletedAt)
    throw new ValidationError("Only deleted evidence can be purged: a lead deletes it first, giving a reason.");
  if (e.purgedAt) throw new ValidationError("This file has already been purged.");
  return getDb().$transaction(async (tx) => {
    const [c] = await tx.$queryRaw<
      { legalHold: boolean }[]
    >`SELECT "legalHold" FROM "Case" WHERE id = ${e.caseId}::uuid FOR UPDATE`;
    if (c?.legalHold) throw new ConflictError(HOLD);
    await lockBlob(tx, e.sha256);
    const { count } = await tx.evidence.updateMany({
      where: { id: e.id, purgedAt: null },
      data: { purgedAt: new Date(), version: { increment: 1 } },
    });
    if (count === 0) throw new ValidationError("This file has already been purged.");
    const inUse = (await referencedBlobs(tx, [e.sha256])).size > 0;
    await addCustody(
      tx,
      e.id,
      actor.id,
      "PURGED",
      e.sha256,
      inUse
        ? `${reason} (The same bytes are still in use elsewhere, so the stored file stays until nothing uses it.)`
        : reason,
    );
    await recordAudit(
      {
        actorId: actor.id,
        action: "evidence.purged",
        targetType: "evidence",
        targetId: e.id,
        caseId: e.caseId,
        scope: itemScope(e),
        details: { reason, blobRemoved: !inUse },
      },
      tx,
    );
    // Last, so a failed removal rolls the purge back; a crash after it leaves a purged row
    // whose blob is gone, which is the intended end state.
    if (!inUse) await getBlobStore().remove(e.sha256);
    return { blobRemoved: !inUse };
  });
}
