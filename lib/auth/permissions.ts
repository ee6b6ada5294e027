// The policy: every permission Casebridge grants, decided in one place from (user, action,
// resource). Pure functions, no I/O: the guards (lib/auth/guards.ts) load the facts from the
// database and ask here. Deny by default: an action missing from a map is refused.
import type { CaseRole, GlobalRole, Tlp, Visibility } from "@/lib/generated/prisma/enums";

export const GLOBAL_ROLES = ["ADMIN", "INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const satisfies readonly GlobalRole[];
export const CASE_ROLES = ["LEAD", "INVESTIGATOR", "LEGAL_REVIEWER", "VIEWER"] as const satisfies readonly CaseRole[];

/** Actions on the platform, decided by global role alone. */
export const GLOBAL_ACTIONS = ["case.create", "case.list_all", "user.manage", "audit.read", "audit.verify"] as const;
export type TGlobalAction = (typeof GLOBAL_ACTIONS)[number];

/** Actions on one case, decided by the actor's membership of it (and their organisation). */
export const CASE_ACTIONS = [
  "case.read", // open the case: overview, notes, activity
  "case.update", // title, summary, severity, TLP, release mode
  "case.set_status",
  "case.set_legal_hold",
  "case.share", // share with, or unshare from, another organisation
  "case.manage_members",
  "note.create",
  "note.moderate", // delete other people's notes
] as const;
export type TCaseAction = (typeof CASE_ACTIONS)[number];

/** Actions on one item of a case (a note now; evidence, events and links later). */
export const ITEM_ACTIONS = ["item.read", "item.edit", "item.release", "item.approve_release", "item.withdraw_release"] as const;
export type TItemAction = (typeof ITEM_ACTIONS)[number];

const GLOBAL_PERMISSIONS: Record<GlobalRole, readonly TGlobalAction[]> = {
  ADMIN: ["case.list_all", "user.manage", "audit.read", "audit.verify"],
  INVESTIGATOR: ["case.create"],
  LEGAL: [],
  EXECUTIVE: ["case.list_all"],
};

const CASE_PERMISSIONS: Record<CaseRole, readonly TCaseAction[]> = {
  LEAD: CASE_ACTIONS,
  INVESTIGATOR: ["case.read", "note.create"],
  LEGAL_REVIEWER: ["case.read", "note.create"],
  VIEWER: ["case.read"],
};

/** Which case roles a user of each global role may hold: a lead cannot grant beyond these. */
const HOLDABLE_CASE_ROLES: Record<GlobalRole, readonly CaseRole[]> = {
  ADMIN: CASE_ROLES,
  INVESTIGATOR: CASE_ROLES,
  LEGAL: ["LEGAL_REVIEWER", "VIEWER"],
  EXECUTIVE: ["VIEWER"],
};

export type TPolicyActor = { id: string; role: GlobalRole; orgId: string };

/** The facts about a case that decide access: the actor's membership and the case's orgs. */
export type TCaseFacts = {
  memberRole: CaseRole | null;
  ownerOrgId: string;
  sharedOrgIds: readonly string[];
  tlp: Tlp;
};

export type TItemFacts = { orgId: string; visibility: Visibility; authorId: string };

export function can(actor: TPolicyActor, action: TGlobalAction): boolean {
  return GLOBAL_PERMISSIONS[actor.role]?.includes(action) ?? false;
}

export function isCaseOrg(facts: Pick<TCaseFacts, "ownerOrgId" | "sharedOrgIds">, orgId: string): boolean {
  return facts.ownerOrgId === orgId || facts.sharedOrgIds.includes(orgId);
}

/**
 * Membership is the only way into a case's contents, whatever the global role or TLP, and it
 * counts only while the member's organisation is still one of the case's. The one exception:
 * admins may manage membership of any case (to recover a case whose leads left) without
 * reading it.
 */
export function canOnCase(actor: TPolicyActor, action: TCaseAction, facts: TCaseFacts): boolean {
  if (facts.memberRole && isCaseOrg(facts, actor.orgId)) {
    return CASE_PERMISSIONS[facts.memberRole].includes(action);
  }
  return action === "case.manage_members" && actor.role === "ADMIN";
}

/**
 * May the actor see the case in lists without being a member? Admins see every case's
 * metadata; executives those of their organisation's cases, except TLP:RED (named members only).
 */
export function canListCaseMetadata(actor: TPolicyActor, facts: Omit<TCaseFacts, "memberRole">): boolean {
  if (!can(actor, "case.list_all")) return false;
  if (actor.role === "ADMIN") return true;
  return facts.tlp !== "RED" && isCaseOrg(facts, actor.orgId);
}

/**
 * Items marked owner-organisation-only exist only for members of that organisation. Releasing,
 * approving and withdrawing are decisions of the item's own organisation.
 */
export function canOnItem(
  actor: TPolicyActor,
  action: TItemAction,
  facts: TCaseFacts,
  item: TItemFacts,
  release?: { requestedById: string },
): boolean {
  if (!canOnCase(actor, "case.read", facts)) return false;
  const sameOrg = item.orgId === actor.orgId;
  if (!sameOrg && item.visibility === "OWNER_ORG_ONLY") return false;
  switch (action) {
    case "item.read":
      return true;
    case "item.edit":
      return item.authorId === actor.id && canOnCase(actor, "note.create", facts);
    case "item.release":
    case "item.withdraw_release":
      return sameOrg && facts.memberRole === "LEAD";
    case "item.approve_release":
      return (
        sameOrg &&
        (facts.memberRole === "LEAD" || facts.memberRole === "INVESTIGATOR") &&
        release !== undefined &&
        release.requestedById !== actor.id
      );
    default:
      return false;
  }
}

export function canHoldCaseRole(globalRole: GlobalRole, caseRole: CaseRole): boolean {
  return HOLDABLE_CASE_ROLES[globalRole]?.includes(caseRole) ?? false;
}
