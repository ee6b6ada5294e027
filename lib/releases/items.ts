import "server-only";
import type { Prisma } from "@/lib/db";
import type { TItemFacts } from "@/lib/auth/permissions";
import type { PrivilegeBasis, Visibility } from "@/lib/generated/prisma/enums";

type Tx = Prisma.TransactionClient;

/**
 * The item kinds that can be owner-organisation-only and released to the partner. Each later
 * kind (evidence, timeline event, link) adds an entry; the release mechanism stays the same.
 */
type TLoadedItem = TItemFacts & { caseId: string; version: number; privileged: boolean };
export type TPrivilegeData = {
  privileged: boolean;
  privilegeBasis: PrivilegeBasis | null;
  privilegeDescription: string | null;
  privilegedById: string | null;
  privilegedAt: Date | null;
};

type TItemKind = {
  load(tx: Tx, id: string): Promise<TLoadedItem | null>;
  /** Sets the privilege fields at `version` (optimistic concurrency); false when it moved on. */
  setPrivilege(tx: Tx, id: string, version: number, data: TPrivilegeData, actorId: string): Promise<boolean>;
  /** `reason` is the release's (or the withdrawal's) reason, kept where the kind keeps history. */
  setVisibility(tx: Tx, id: string, visibility: Visibility, actorId: string, reason: string): Promise<void>;
};

/** What every item loader reads: the policy's facts (visibility and privilege) and the version. */
export const ITEM_FACTS_SELECT = {
  caseId: true,
  orgId: true,
  visibility: true,
  privileged: true,
  privilegeBasis: true,
  version: true,
} as const;

export const ITEM_KINDS = {
  note: {
    async load(tx, id) {
      // visibility: one item by id; lib/releases/mutations.ts decides with canOnItem.
      return tx.note.findFirst({
        where: { id, deletedAt: null },
        select: { ...ITEM_FACTS_SELECT, authorId: true },
      });
    },
    async setPrivilege(tx, id, version, data) {
      // Raw, like a release: privilege changes who reads the note, not what it says.
      const n = await tx.$executeRaw`UPDATE "Note" SET privileged = ${data.privileged},
        "privilegeBasis" = ${data.privilegeBasis}::"PrivilegeBasis", "privilegeDescription" = ${data.privilegeDescription},
        "privilegedById" = ${data.privilegedById}::uuid, "privilegedAt" = ${data.privilegedAt},
        version = version + 1 WHERE id = ${id}::uuid AND version = ${version} AND "deletedAt" IS NULL`;
      return n === 1;
    },
    async setVisibility(tx, id, visibility) {
      // Raw, so that "updatedAt" (which the notes page shows as "edited") stays: a release
      // changes who sees the note, not what it says.
      await tx.$executeRaw`UPDATE "Note" SET visibility = ${visibility}::"Visibility", version = version + 1 WHERE id = ${id}::uuid`;
    },
  },
  evidence: {
    async load(tx, id) {
      // visibility: one item by id; lib/releases/mutations.ts decides with canOnItem.
      const e = await tx.evidence.findFirst({
        where: { id, deletedAt: null },
        select: { ...ITEM_FACTS_SELECT, addedById: true },
      });
      return e && { ...e, authorId: e.addedById };
    },
    async setPrivilege(tx, id, version, data, actorId) {
      const { count } = await tx.evidence.updateMany({
        where: { id, version, deletedAt: null },
        data: { ...data, version: { increment: 1 } },
      });
      if (count === 0) return false;
      // visibility: the item the caller just authorized and updated.
      const { sha256 } = await tx.evidence.findUniqueOrThrow({ where: { id }, select: { sha256: true } });
      const note = data.privileged ? `Flagged privileged (${data.privilegeBasis}).` : "Privilege flag removed.";
      await tx.custodyEvent.create({ data: { evidenceId: id, actorId, action: "METADATA_CHANGED", sha256, note } });
      return true;
    },
    async setVisibility(tx, id, visibility, actorId, reason) {
      const e = await tx.evidence.update({
        where: { id },
        data: { visibility, version: { increment: 1 } },
        select: { sha256: true },
      });
      await tx.custodyEvent.create({
        data: {
          evidenceId: id,
          actorId,
          action: "RELEASED",
          sha256: e.sha256,
          note: `${
            visibility === "ALL_CASE_ORGS"
              ? "Released to every organisation on the case"
              : "Release withdrawn: owner organisation only"
          }. Reason: ${reason}`,
        },
      });
    },
  },
  timeline_event: {
    async load(tx, id) {
      // visibility: one item by id; lib/releases/mutations.ts decides with canOnItem.
      return tx.timelineEvent.findFirst({
        where: { id, deletedAt: null },
        select: { ...ITEM_FACTS_SELECT, authorId: true },
      });
    },
    async setPrivilege(tx, id, version, data) {
      const { count } = await tx.timelineEvent.updateMany({
        where: { id, version, deletedAt: null },
        data: { ...data, version: { increment: 1 } },
      });
      return count === 1;
    },
    async setVisibility(tx, id, visibility) {
      await tx.timelineEvent.update({ where: { id }, data: { visibility, version: { increment: 1 } } });
    },
  },
} satisfies Record<string, TItemKind>;

export type TItemType = keyof typeof ITEM_KINDS;
export const ITEM_TYPES = Object.keys(ITEM_KINDS) as TItemType[];

/**
 * An edit ends the item's open release (pending or in force): what was approved is not what is
 * there now. Inside the edit's transaction; the reason is kept on the release.
 */
export async function endOpenReleases(
  tx: Tx,
  itemType: TItemType,
  itemId: string,
  actorId: string,
  reason: string,
): Promise<void> {
  await tx.itemRelease.updateMany({
    where: { itemType, itemId, status: { in: ["PENDING", "RELEASED"] } },
    data: { status: "WITHDRAWN", withdrawnById: actorId, withdrawnAt: new Date(), withdrawReason: reason },
  });
}
