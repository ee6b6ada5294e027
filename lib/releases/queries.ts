import "server-only";
import { getDb } from "@/lib/db";
import { requireCaseAccess } from "@/lib/auth/guards";
import { canOnItem, type TCaseFacts, type TItemFacts } from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import type { TItemType } from "@/lib/releases/items";

/**
 * Where an item stands on release: its organisation's only (perhaps with a release awaiting a
 * second person's approval), released to the case's organisations, or shared with them from
 * the start (a DIRECT case where the author chose so).
 */
export type TReleaseState = "OWNER_ORG_ONLY" | "PENDING" | "RELEASED" | "SHARED";

export type TItemRelease = {
  state: TReleaseState;
  /**
   * The release awaiting approval or in force, which approve and withdraw act on. Only for
   * members of the item's organisation: the decision and its reason are theirs.
   */
  release: { id: string; status: "PENDING" | "RELEASED"; reason: string; requestedByName: string } | null;
  /** Exactly what lib/releases/mutations.ts would allow, so no refused button is shown. */
  can: { release: boolean; approve: boolean; withdraw: boolean };
};

/**
 * The release state and controls of items the actor already reads (a page of a list), one
 * query for all of them. An item's open release is its latest one still pending or in force.
 */
export async function getItemReleases(
  actor: TActor,
  caseId: string,
  itemType: TItemType,
  items: (TItemFacts & { id: string })[],
): Promise<Map<string, TItemRelease>> {
  const { facts } = await requireCaseAccess(actor, caseId, "case.read"); // memoised per render: usually no query
  const readable = items.filter((item) => canOnItem(actor, "item.read", facts, item));
  const rows = readable.length
    ? await getDb().itemRelease.findMany({
        where: { caseId, itemType, itemId: { in: readable.map((i) => i.id) }, status: { in: ["PENDING", "RELEASED"] } },
        orderBy: { createdAt: "asc" },
        select: { id: true, itemId: true, status: true, reason: true, requestedById: true },
      })
    : [];
  const names = new Map(
    (rows.length
      ? await getDb().user.findMany({
          where: { id: { in: [...new Set(rows.map((r) => r.requestedById))] } },
          select: { id: true, name: true },
        })
      : []
    ).map((u) => [u.id, u.name]),
  );
  // Oldest first, so each item keeps its latest.
  const open = new Map(rows.map((r) => [r.itemId, { ...r, requestedByName: names.get(r.requestedById) ?? "Unknown" }]));
  return new Map(readable.map((item) => [item.id, releaseOf(actor, facts, item, open.get(item.id))]));
}

type TOpen = { id: string; status: string; reason: string; requestedById: string; requestedByName: string };

function releaseOf(actor: TActor, facts: TCaseFacts, item: TItemFacts, open: TOpen | undefined): TItemRelease {
  const orgOnly = item.visibility === "OWNER_ORG_ONLY";
  const pending = orgOnly && open?.status === "PENDING" ? open : undefined;
  // An edit in a DIRECT case can make a released item org-only again without ending the release.
  const inForce = !orgOnly && open?.status === "RELEASED" ? open : undefined;
  const current = pending ?? inForce;
  const state: TReleaseState = pending ? "PENDING" : orgOnly ? "OWNER_ORG_ONLY" : inForce ? "RELEASED" : "SHARED";
  return {
    state,
    release:
      current && item.orgId === actor.orgId
        ? {
            id: current.id,
            status: pending ? "PENDING" : "RELEASED",
            reason: current.reason,
            requestedByName: current.requestedByName,
          }
        : null,
    can: {
      release: orgOnly && !pending && canOnItem(actor, "item.release", facts, item),
      approve: pending !== undefined && canOnItem(actor, "item.approve_release", facts, item, pending),
      withdraw: inForce !== undefined && canOnItem(actor, "item.withdraw_release", facts, item),
    },
  };
}
