import "server-only";
import { z } from "zod";
import { getDb, type Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { canOnItem, type TItemAction } from "@/lib/auth/permissions";
import { touchCaseFor } from "@/lib/cases/touch";
import { notFoundRefusal, loadCaseFacts, parseId } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { ITEM_KINDS, ITEM_TYPES, type TItemType } from "@/lib/releases/items";
import { refreshUsageAfterItemChange } from "@/lib/usage/imports";
import { forgetSignalsOver } from "@/lib/usage/signal-store";

const reason = z
  .string({ message: "Say what is released and why." })
  .trim()
  .min(3, { message: "Say what is released and why (at least 3 characters)." })
  .max(2000, { message: "The reason can be at most 2,000 characters." });

const ZRequestRelease = z.object({
  itemType: z.enum(ITEM_TYPES as [TItemType, ...TItemType[]]),
  itemId: z.string().uuid(),
  reason,
});
const ZDecide = z.object({ approve: z.enum(["approve", "reject"]).transform((v) => v === "approve") });
const ZWithdraw = z.object({ reason });

/** Loads an item and its case as the actor sees it; not visible → NotFound. */
async function loadItem(actor: TActor, itemType: TItemType, itemId: string) {
  const item = await ITEM_KINDS[itemType].load(getDb(), itemId);
  if (!item) throw await notFoundRefusal(actor, "item.release", itemType, itemId);
  const access = await loadCaseFacts(actor, item.caseId);
  if (!access || !canOnItem(actor, "item.read", access.facts, item))
    throw await notFoundRefusal(actor, "item.release", itemType, itemId);
  return { item, access };
}

function requireItem(allowed: boolean, message: string) {
  if (!allowed) throw new ForbiddenError(message);
}

/** One release decision per item at a time, until the transaction ends. */
async function lockItemReleases(tx: Prisma.TransactionClient, itemId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${itemId}))`;
}

const ALREADY_SHARED = "This item is already visible to every organisation on the case.";

/**
 * The item becomes every organisation's: the partner now sees something new on the case, so the
 * case's updated time moves (an owner-only item's creation did not move it). Looked at again in
 * the caller's transaction, after its lock: an item released meanwhile (a second click) or
 * deleted is refused, and nothing of the release is kept.
 */
async function releaseItem(
  tx: Prisma.TransactionClient,
  itemType: TItemType,
  item: { id: string; caseId: string },
  actorId: string,
  why: string,
): Promise<void> {
  const current = await ITEM_KINDS[itemType].load(tx, item.id);
  if (!current) throw new NotFoundError();
  if (current.visibility !== "OWNER_ORG_ONLY") throw new ValidationError(ALREADY_SHARED);
  await ITEM_KINDS[itemType].setVisibility(tx, item.id, "ALL_CASE_ORGS", actorId, why);
  await touchCaseFor(tx, item.caseId, { visibility: "ALL_CASE_ORGS", was: current.visibility });
}

/**
 * Releases an owner-organisation-only item to the case's other organisations. In TWO_PERSON
 * cases this only requests the release; a second person of the item's organisation approves.
 */
export async function requestRelease(
  actor: TActor,
  input: unknown,
): Promise<{ releaseId: string; status: "PENDING" | "RELEASED" }> {
  const { itemType, itemId, reason: why } = parseInput(ZRequestRelease, input);
  const { item, access } = await loadItem(actor, itemType, itemId);
  requireItem(
    canOnItem(actor, "item.release", access.facts, item),
    "Only a lead of the item's organisation can release it.",
  );
  if (item.visibility !== "OWNER_ORG_ONLY") throw new ValidationError(ALREADY_SHARED);
  const status: "PENDING" | "RELEASED" = access.case.releaseMode === "TWO_PERSON" ? "PENDING" : "RELEASED";
  const result = await getDb().$transaction(async (tx) => {
    // One release decision per item at a time: two concurrent requests cannot both pass the check.
    await lockItemReleases(tx, itemId);
    const pending = await tx.itemRelease.findFirst({
      where: { itemType, itemId, status: "PENDING" },
      select: { id: true },
    });
    if (pending) throw new ValidationError("A release of this item is already waiting for approval.");
    const release = await tx.itemRelease.create({
      data: {
        caseId: item.caseId,
        itemType,
        itemId,
        status,
        reason: why,
        requestedById: actor.id,
        ...(status === "RELEASED" ? { decidedById: actor.id, decidedAt: new Date() } : {}),
      },
      select: { id: true },
    });
    if (status === "RELEASED") await releaseItem(tx, itemType, { id: itemId, caseId: item.caseId }, actor.id, why);
    await recordAudit(
      {
        actorId: actor.id,
        action: status === "RELEASED" ? "item.released" : "item.release_requested",
        targetType: itemType,
        targetId: itemId,
        caseId: item.caseId,
        scope: { org: item.orgId },
        details: { releaseId: release.id, reason: why },
      },
      tx,
    );
    return { releaseId: release.id, status };
  });
  if (status === "RELEASED") await refreshUsageAfterItemChange({ itemType, id: itemId, caseId: item.caseId });
  return result;
}

async function loadRelease(actor: TActor, releaseId: unknown, action: TItemAction) {
  const release = await getDb().itemRelease.findUnique({ where: { id: parseId(releaseId) } });
  if (!release || !(release.itemType in ITEM_KINDS)) throw new NotFoundError();
  const itemType = release.itemType as TItemType;
  const { item, access } = await loadItem(actor, itemType, release.itemId); // NotFound unless the item (and so the case) is readable
  return { release, itemType, item, allowed: canOnItem(actor, action, access.facts, item, release) };
}

/** The second person's decision on a pending release. */
export async function decideRelease(actor: TActor, releaseId: unknown, input: unknown): Promise<void> {
  const { approve } = parseInput(ZDecide, input);
  const { release, itemType, item, allowed } = await loadRelease(actor, releaseId, "item.approve_release");
  if (release.requestedById === actor.id)
    throw new ForbiddenError("A release needs a second person: someone else must approve it.");
  requireItem(allowed, "Only a lead or investigator of the item's organisation can approve its release.");
  await getDb().$transaction(async (tx) => {
    await lockItemReleases(tx, release.itemId);
    const { count } = await tx.itemRelease.updateMany({
      where: { id: release.id, status: "PENDING" },
      data: { status: approve ? "RELEASED" : "REJECTED", decidedById: actor.id, decidedAt: new Date() },
    });
    if (count === 0) throw new ValidationError("This release has already been decided.");
    if (approve)
      await releaseItem(tx, itemType, { id: release.itemId, caseId: release.caseId }, actor.id, release.reason);
    await recordAudit(
      {
        actorId: actor.id,
        action: approve ? "item.release_approved" : "item.release_rejected",
        targetType: itemType,
        targetId: release.itemId,
        caseId: release.caseId,
        scope: { org: item.orgId },
        details: { releaseId: release.id },
      },
      tx,
    );
  });
  if (approve) await refreshUsageAfterItemChange({ itemType, id: release.itemId, caseId: release.caseId });
}

/**
 * Takes a release back: the item is owner-organisation-only again. Copies the partner already
 * downloaded stay recorded in the custody and audit history.
 */
export async function withdrawRelease(actor: TActor, releaseId: unknown, input: unknown): Promise<void> {
  const { reason: why } = parseInput(ZWithdraw, input);
  const { release, itemType, item, allowed } = await loadRelease(actor, releaseId, "item.withdraw_release");
  requireItem(allowed, "Only a lead of the item's organisation can withdraw its release.");
  await getDb().$transaction(async (tx) => {
    const { count } = await tx.itemRelease.updateMany({
      where: { id: release.id, status: "RELEASED" },
      data: { status: "WITHDRAWN", withdrawnById: actor.id, withdrawnAt: new Date(), withdrawReason: why },
    });
    if (count === 0) throw new ValidationError("Only a release in force can be withdrawn.");
    await ITEM_KINDS[itemType].setVisibility(tx, release.itemId, "OWNER_ORG_ONLY", actor.id, why);
    if (itemType === "evidence")
      await forgetSignalsOver(tx, { id: release.itemId, caseId: release.caseId }, item.orgId);
    await recordAudit(
      {
        actorId: actor.id,
        action: "item.release_withdrawn",
        targetType: itemType,
        targetId: release.itemId,
        caseId: release.caseId,
        scope: { org: item.orgId },
        details: { releaseId: release.id, reason: why },
      },
      tx,
    );
  });
  await refreshUsageAfterItemChange({ itemType, id: release.itemId, caseId: release.caseId });
}
