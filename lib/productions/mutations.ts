import "server-only";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { visibleItemWhere } from "@/lib/auth/visibility";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";
import { lockBlob, referencedBlobs } from "@/lib/storage/references";
import { parseInput } from "@/lib/validation";
import { formatBates, ZStartProduction, type TProductionOptions } from "@/lib/productions/schemas";

// Starting and deleting productions. Starting writes a QUEUED row; the caller runs it after
// the response (lib/productions/runner.ts). Deleting is a lead's, of their own organisation's
// production, never while the case is under legal hold; the ZIP goes when nothing else uses it.

/** Starts a legal review export of the case; answers its id (run it with runProduction). */
export async function startProduction(actor: TActor, caseId: unknown, input: unknown): Promise<{ id: string }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "production.create");
  const data = parseInput(ZStartProduction, input);
  const db = getDb();
  if (data.scope.kind === "evidence") {
    const ids = [...new Set(data.scope.ids)];
    const found = await db.evidence.count({
      where: { id: { in: ids }, caseId: c.id, deletedAt: null, purgedAt: null, ...visibleItemWhere(actor) },
    });
    if (found !== ids.length)
      throw new ValidationError("Some of the chosen evidence is not in this case (or was deleted): choose again.", {
        scope: ["Some of the chosen evidence is not in this case (or was deleted): choose again."],
      });
    data.scope.ids = ids;
  }
  // Bates numbers are the producing organisation's: this checks, and names, its own numbers
  // only; another organisation's productions of the prefix are neither a conflict nor shown.
  const counter = await db.batesCounter.findUnique({
    where: { orgId_prefix: { orgId: actor.orgId, prefix: data.batesPrefix } },
  });
  if (counter && data.batesStart <= counter.last) {
    const message = `${formatBates(data.batesPrefix, 1)} to ${formatBates(data.batesPrefix, counter.last)} are already used: start at ${counter.last + 1} or later.`;
    throw new ValidationError(message, { batesStart: [message] });
  }
  const options: TProductionOptions = { delimiters: data.delimiters, requestedStart: data.batesStart };
  return db.$transaction(async (tx) => {
    const p = await tx.production.create({
      data: {
        caseId: c.id,
        orgId: actor.orgId,
        createdById: actor.id,
        scope: data.scope as object,
        batesPrefix: data.batesPrefix,
        receivingParty: data.receivingParty,
        options: options as object,
        legalHold: c.legalHold,
      },
      select: { id: true },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "production.created",
        targetType: "production",
        targetId: p.id,
        caseId: c.id,
        // What the organisation chose to produce (its own items among them) is its own business.
        scope: { org: actor.orgId },
        details: { scope: data.scope.kind, batesPrefix: data.batesPrefix, receivingParty: data.receivingParty },
      },
      tx,
    );
    return p;
  });
}

/** Deletes a finished (or failed) production of the lead's organisation; refused under legal hold. */
export async function deleteProduction(actor: TActor, caseId: unknown, productionId: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "production.delete");
  const id = parseId(productionId);
  const db = getDb();
  // A partner's production is another organisation's business: not found, like a missing one.
  const p = await db.production.findFirst({
    where: { id, caseId: c.id, orgId: actor.orgId, deletedAt: null },
    select: { id: true, status: true, sha256: true },
  });
  if (!p) throw new NotFoundError("No such production in this case.");
  if (p.status === "QUEUED" || p.status === "RUNNING")
    throw new ConflictError("This production is still running: wait until it finishes, then delete it.");
  await db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<{ legalHold: boolean }[]>`
      SELECT "legalHold" FROM "Case" WHERE id = ${c.id}::uuid FOR UPDATE`;
    if (lock?.legalHold)
      throw new ConflictError("The case is under legal hold: productions cannot be deleted until the hold is lifted.");
    if (p.sha256) await lockBlob(tx, p.sha256);
    const { count } = await tx.production.updateMany({
      where: { id: p.id, deletedAt: null },
      data: { deletedAt: new Date(), deletedById: actor.id },
    });
    if (count === 0) throw new NotFoundError("No such production in this case.");
    await recordAudit(
      {
        actorId: actor.id,
        action: "production.deleted",
        targetType: "production",
        targetId: p.id,
        caseId: c.id,
        scope: { org: actor.orgId },
        details: { sha256: p.sha256 },
      },
      tx,
    );
    // Last, so a failed removal rolls the deletion back.
    if (p.sha256 && (await referencedBlobs(tx, [p.sha256])).size === 0) await getBlobStore().remove(p.sha256);
  });
}
