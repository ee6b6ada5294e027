import "server-only";
import type { Prisma } from "@/lib/db";
import type { TItemFacts } from "@/lib/auth/permissions";
import type { Visibility } from "@/lib/generated/prisma/enums";

type Tx = Prisma.TransactionClient;

/**
 * The item kinds that can be owner-organisation-only and released to the partner. Each later
 * kind (evidence, timeline event, link) adds an entry; the release mechanism stays the same.
 */
type TItemKind = {
  load(tx: Tx, id: string): Promise<(TItemFacts & { caseId: string }) | null>;
  setVisibility(tx: Tx, id: string, visibility: Visibility): Promise<void>;
};

export const ITEM_KINDS = {
  note: {
    async load(tx, id) {
      return tx.note.findFirst({
        where: { id, deletedAt: null },
        select: { caseId: true, orgId: true, visibility: true, authorId: true },
      });
    },
    async setVisibility(tx, id, visibility) {
      await tx.note.update({ where: { id }, data: { visibility, version: { increment: 1 } } });
    },
  },
} satisfies Record<string, TItemKind>;

export type TItemType = keyof typeof ITEM_KINDS;
export const ITEM_TYPES = Object.keys(ITEM_KINDS) as TItemType[];
