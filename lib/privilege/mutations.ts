import "server-only";
import { getDb } from "@/lib/db";
import { itemScope, recordAudit } from "@/lib/audit/record";
import { canFlagPrivilege, canOnItem } from "@/lib/auth/permissions";
import { forbiddenRefusal, loadCaseFacts, notFoundRefusal, parseId } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { ITEM_KINDS, ITEM_TYPES, type TItemType, type TPrivilegeData } from "@/lib/releases/items";
import { ZFlagPrivilege, ZUnflagPrivilege } from "@/lib/privilege/schemas";
import { parseInput } from "@/lib/validation";
import { refreshUsageAfterItemChange } from "@/lib/usage/imports";
import { forgetSignalsOver } from "@/lib/usage/signal-store";

const CONFLICT =
  "Someone else changed this item after you opened it. Reload the page to see its current state, then try again.";

/**
 * Flags an evidence item, note or timeline event privileged, with its basis and a description
 * for the privilege log (canFlagPrivilege: a legal reviewer or lead of the item's organisation).
 * Re-flagging a flagged item changes its basis or description. Versioned and audited.
 */
export async function flagPrivilege(
  actor: TActor,
  itemType: unknown,
  caseId: unknown,
  itemId: unknown,
  input: unknown,
): Promise<void> {
  const item = await loadFlaggable(actor, itemType, caseId, itemId);
  const { basis, description, version } = parseInput(ZFlagPrivilege, input);
  await save(actor, item, version, {
    privileged: true,
    privilegeBasis: basis,
    privilegeDescription: description,
    privilegedById: actor.id,
    privilegedAt: new Date(),
  });
}

/** Removes the flag: the item is readable again by everyone who sees it. Versioned and audited. */
export async function unflagPrivilege(
  actor: TActor,
  itemType: unknown,
  caseId: unknown,
  itemId: unknown,
  input: unknown,
): Promise<void> {
  const item = await loadFlaggable(actor, itemType, caseId, itemId);
  const { version } = parseInput(ZUnflagPrivilege, input);
  if (!item.privileged) throw new ValidationError("This item is not flagged privileged.");
  await save(actor, item, version, {
    privileged: false,
    privilegeBasis: null,
    privilegeDescription: null,
    privilegedById: null,
    privilegedAt: null,
  });
}

/** The item, if the actor may flag it: invisible or of another case → NotFound; visible → Forbidden. */
async function loadFlaggable(actor: TActor, type: unknown, caseId: unknown, itemId: unknown) {
  const id = parseId(itemId);
  if (!(ITEM_TYPES as unknown[]).includes(type)) throw new NotFoundError();
  const itemType = type as TItemType;
  const item = await ITEM_KINDS[itemType].load(getDb(), id);
  const access = item && (await loadCaseFacts(actor, item.caseId));
  if (!item || !access || parseId(caseId) !== item.caseId || !canOnItem(actor, "item.read", access.facts, item))
    throw await notFoundRefusal(actor, "privilege.flag", itemType, id);
  if (!canFlagPrivilege(actor, access.facts, item))
    throw await forbiddenRefusal(
      actor,
      "privilege.flag",
      { type: itemType, id, caseId: item.caseId },
      "Only a legal reviewer or lead of the item's own organisation can flag it privileged, or remove the flag.",
    );
  return { ...item, id, itemType };
}

/**
 * Writes the flag at the form's version. A legal hold does not stop it: privilege review is what
 * counsel does under a hold, and a flag removes nothing. The audit row is seen by whoever sees the item:
 * the flag, basis and description are what the privilege log shows the other side anyway, and
 * say nothing of the content.
 */
async function save(
  actor: TActor,
  item: { id: string; itemType: TItemType; caseId: string; orgId: string; visibility: string },
  version: number,
  data: TPrivilegeData,
): Promise<void> {
  await getDb().$transaction(async (tx) => {
    if (!(await ITEM_KINDS[item.itemType].setPrivilege(tx, item.id, version, data, actor.id)))
      throw new ConflictError(CONFLICT);
    if (data.privileged && item.itemType === "evidence") await forgetSignalsOver(tx, item, null);
    await recordAudit(
      {
        actorId: actor.id,
        action: data.privileged ? "privilege.flagged" : "privilege.unflagged",
        targetType: item.itemType,
        targetId: item.id,
        caseId: item.caseId,
        scope: itemScope(item),
        details: data.privileged ? { basis: data.privilegeBasis, description: data.privilegeDescription } : {},
      },
      tx,
    );
  });
  // Usage loaded from a privileged item feeds no view (lib/usage/signal-store.ts): its signals
  // went with the flag's commit; recompute what the case's usage feeds, flagged or unflagged.
  await refreshUsageAfterItemChange(item);
}
