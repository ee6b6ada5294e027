// The policy: every permission Casebridge grants, decided in one place from (user, action,
// resource). Pure functions, no I/O: the guards (lib/auth/guards.ts) load the facts from the
// database and ask here. Deny by default: an action missing from a map is refused.
import type { CaseRole, GlobalRole, PrivilegeBasis, Tlp, Visibility } from "@/lib/generated/prisma/enums";

export const GLOBAL_ROLES = ["ADMIN", "INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const satisfies readonly GlobalRole[];
export const CASE_ROLES = ["LEAD", "INVESTIGATOR", "LEGAL_REVIEWER", "VIEWER"] as const satisfies readonly CaseRole[];

/** Actions on the platform, decided by global role alone. */
export const GLOBAL_ACTIONS = [
  "case.create",
  "case.list_all", // list metadata of cases beyond one's memberships (scoped by canListCaseMetadata)
  "user.manage", // users of the actor's own organisation only (lib/users)
  "audit.read",
  "audit.verify",
  "evidence.purge",
  "summary.view", // the portfolio summary (lib/summary); leads of a case may open it too (canViewSummary)
] as const;
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
  "evidence.create", // upload evidence
  "evidence.verify", // re-hash evidence and record the outcome
  "evidence.delete", // tombstone evidence of the lead's own organisation
  "timeline.create", // add (and import) timeline events
  "timeline.categories", // rename, recolour, delete the organisation's own case categories
  "usage.import", // import API usage logs from evidence the actor can see
  "usage.configure", // set the case's signal thresholds and limits
  "linkage.review", // add entities and links, accept or reject proposals, merge, name clusters
  "linkage.configure", // set the case's linkage rule settings
  "production.create", // start a legal review export; list and download its organisation's
  "production.delete", // delete a finished export of the lead's organisation (not under legal hold)
  "brief.write", // write the case brief's key findings and next steps (a new version each time)
  "enforcement.record", // record an enforcement action taken against the case's subjects
] as const;
export type TCaseAction = (typeof CASE_ACTIONS)[number];

/** Actions on one item of a case (a note now; evidence, events and links later). */
export const ITEM_ACTIONS = [
  "item.read",
  "item.edit",
  "item.delete",
  "item.release",
  "item.approve_release",
  "item.withdraw_release",
  /** A new version of a link (its confidence, or its retraction): the link's own organisation's reviewers. */
  "item.revise_link",
] as const;
export type TItemAction = (typeof ITEM_ACTIONS)[number];

const GLOBAL_PERMISSIONS: Record<GlobalRole, readonly TGlobalAction[]> = {
  ADMIN: ["case.list_all", "user.manage", "audit.read", "audit.verify", "evidence.purge", "summary.view"],
  INVESTIGATOR: ["case.create"],
  LEGAL: [],
  EXECUTIVE: ["case.list_all", "summary.view"],
};

/** Decisions about the case itself belong to its owner organisation's leads, not a partner's. */
const OWNER_LEAD_ACTIONS: readonly TCaseAction[] = [
  "case.update",
  "case.set_status",
  "case.set_legal_hold",
  "case.share",
];

const CASE_PERMISSIONS: Record<CaseRole, readonly TCaseAction[]> = {
  LEAD: CASE_ACTIONS,
  INVESTIGATOR: [
    "case.read",
    "note.create",
    "evidence.create",
    "evidence.verify",
    "timeline.create",
    "usage.import",
    "linkage.review",
  ],
  LEGAL_REVIEWER: ["case.read", "note.create", "evidence.verify", "production.create"],
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

export type TItemFacts = {
  orgId: string;
  visibility: Visibility;
  authorId: string;
  /** The privilege flag (lib/auth/permissions.ts#canReadPrivileged); absent counts as not privileged. */
  privileged?: boolean;
  privilegeBasis?: PrivilegeBasis | null;
};

export function can(actor: TPolicyActor, action: TGlobalAction): boolean {
  return GLOBAL_PERMISSIONS[actor.role]?.includes(action) ?? false;
}

export function isCaseOrg(facts: Pick<TCaseFacts, "ownerOrgId" | "sharedOrgIds">, orgId: string): boolean {
  return facts.ownerOrgId === orgId || facts.sharedOrgIds.includes(orgId);
}

/**
 * Is the actor an admin of one of the case's organisations, with a say over it? A TLP:RED case
 * is for named members: only its owner organisation's admins reach it without membership.
 * Admins have no power over cases their organisation takes no part in: there is no operator
 * above the organisations.
 */
function isCaseOrgAdmin(actor: TPolicyActor, facts: Omit<TCaseFacts, "memberRole">): boolean {
  if (actor.role !== "ADMIN" || !isCaseOrg(facts, actor.orgId)) return false;
  return facts.tlp !== "RED" || facts.ownerOrgId === actor.orgId;
}

/**
 * Membership is the only way into a case's contents, whatever the global role or TLP, and it
 * counts only while the member's organisation is still one of the case's. The one exception:
 * an admin of one of the case's organisations may manage its membership (to recover a case
 * whose leads left) without reading it, and only for their own people (canManageMemberOf).
 */
export function canOnCase(actor: TPolicyActor, action: TCaseAction, facts: TCaseFacts): boolean {
  const role = effectiveCaseRole(actor, facts);
  const ownerDecision = OWNER_LEAD_ACTIONS.includes(action) && actor.orgId !== facts.ownerOrgId;
  if (role && CASE_PERMISSIONS[role].includes(action) && !ownerDecision) return true;
  return action === "case.manage_members" && isCaseOrgAdmin(actor, facts);
}

const ROLE_RANK: readonly CaseRole[] = CASE_ROLES;

/**
 * The case role that counts: the stored one, capped by what the user's global role may hold
 * now (a lead later demoted to executive acts as a viewer), and none at all from an
 * organisation the case is no longer shared with.
 */
export function effectiveCaseRole(
  actor: TPolicyActor,
  facts: Pick<TCaseFacts, "memberRole" | "ownerOrgId" | "sharedOrgIds">,
): CaseRole | null {
  if (!facts.memberRole || !isCaseOrg(facts, actor.orgId)) return null;
  const holdable = HOLDABLE_CASE_ROLES[actor.role] ?? [];
  return ROLE_RANK.slice(ROLE_RANK.indexOf(facts.memberRole)).find((r) => holdable.includes(r)) ?? null;
}

/**
 * Whose membership may the actor change (add, change role, remove)? An owner-organisation lead:
 * anyone's. A partner organisation's lead, and any admin: only their own organisation's people.
 * Admins manage others, never their own place on the case (they would read it by adding
 * themselves). `target.userId` null asks about someone of that organisation in general.
 */
export function canManageMemberOf(
  actor: TPolicyActor,
  facts: TCaseFacts,
  target: { userId: string | null; orgId: string },
): boolean {
  if (!canOnCase(actor, "case.manage_members", facts)) return false;
  const asLead = effectiveCaseRole(actor, facts) === "LEAD";
  if (target.userId === actor.id && !asLead) return false;
  return (asLead && actor.orgId === facts.ownerOrgId) || actor.orgId === target.orgId;
}

/**
 * May the actor see the case in lists without being a member? Admins and executives: cases
 * their organisation owns or is shared into, except TLP:RED (named members only) — which an
 * admin of the owner organisation still sees, to recover it. visibleCasesWhere is the SQL form.
 */
export function canListCaseMetadata(actor: TPolicyActor, facts: Omit<TCaseFacts, "memberRole">): boolean {
  if (!can(actor, "case.list_all")) return false;
  if (actor.role === "ADMIN") return isCaseOrgAdmin(actor, facts);
  return facts.tlp !== "RED" && isCaseOrg(facts, actor.orgId);
}

/**
 * Items marked owner-organisation-only exist only for members of that organisation. Editing,
 * deleting, releasing, approving and withdrawing are decisions of the item's own organisation:
 * another organisation's item is read-only, whatever the reader's role there (a partner's lead
 * moderates the partner's notes, never the owner's).
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
  // A privileged item someone may not read exists for them as a stub: nothing to act on.
  if (action !== "item.read" && !canReadPrivileged(actor, facts, item)) return false;
  switch (action) {
    case "item.read":
      return true;
    case "item.edit":
      return sameOrg && item.authorId === actor.id && canOnCase(actor, "note.create", facts);
    case "item.delete":
      return (
        sameOrg &&
        ((item.authorId === actor.id && canOnCase(actor, "note.create", facts)) ||
          canOnCase(actor, "note.moderate", facts))
      );
    case "item.release":
    case "item.withdraw_release":
      return sameOrg && effectiveCaseRole(actor, facts) === "LEAD";
    case "item.revise_link":
      return sameOrg && canOnCase(actor, "linkage.review", facts);
    case "item.approve_release": {
      const role = effectiveCaseRole(actor, facts);
      return (
        sameOrg &&
        (role === "LEAD" || role === "INVESTIGATOR") &&
        release !== undefined &&
        release.requestedById !== actor.id
      );
    }
    default:
      return false;
  }
}

export const PRIVILEGE_BASES = [
  "ATTORNEY_CLIENT",
  "WORK_PRODUCT",
  "COMMON_INTEREST",
] as const satisfies readonly PrivilegeBasis[];

/**
 * Flagging (and unflagging) an item privileged is a decision of the item's own organisation:
 * its legal reviewers and leads (effective case role), who must see the item. A partner's
 * reviewer cannot withhold the owner's item from its own people.
 */
export function canFlagPrivilege(actor: TPolicyActor, facts: TCaseFacts, item: TItemFacts): boolean {
  if (!canOnItem(actor, "item.read", facts, item) || item.orgId !== actor.orgId) return false;
  const role = effectiveCaseRole(actor, facts);
  return role === "LEAD" || role === "LEGAL_REVIEWER";
}

/** What the actor may read of privileged items on one case: the input of readableItemSql/Where. */
export type TPrivilegeReader = {
  orgId: string;
  /** Reads its own organisation's privileged items (a lead or legal reviewer). */
  ownOrg: boolean;
  /** Reads any organisation's items privileged under common interest (a legal reviewer). */
  commonInterest: boolean;
};

export function privilegeReader(actor: TPolicyActor, facts: TCaseFacts): TPrivilegeReader {
  const role = canOnCase(actor, "case.read", facts) ? effectiveCaseRole(actor, facts) : null;
  return {
    orgId: actor.orgId,
    ownOrg: role === "LEAD" || role === "LEGAL_REVIEWER",
    commonInterest: role === "LEGAL_REVIEWER",
  };
}

/**
 * May the actor read the content of an item they see exists? Anything not privileged: yes. A
 * privileged item: its organisation's legal reviewers and leads; under common interest also
 * the partner organisation's legal reviewers (not its leads or investigators). Everyone else
 * sees a withheld stub (lib/privilege/withhold.ts): id, date, kind and basis, nothing more.
 */
export function canReadPrivileged(actor: TPolicyActor, facts: TCaseFacts, item: TItemFacts): boolean {
  if (!item.privileged) return true;
  const reader = privilegeReader(actor, facts);
  return (
    (reader.ownOrg && item.orgId === actor.orgId) ||
    (reader.commonInterest && item.privilegeBasis === "COMMON_INTEREST")
  );
}

export const EVIDENCE_ACTIONS = [
  "evidence.read", // that it exists: the stub of a privileged item
  "evidence.read_content", // metadata, preview, download (canReadPrivileged)
  "evidence.edit", // every metadata field
  "evidence.flag_privilege", // the privilege flag alone (canFlagPrivilege)
  "evidence.verify",
  "evidence.delete",
  "evidence.purge",
] as const;
export type TEvidenceAction = (typeof EVIDENCE_ACTIONS)[number];

/**
 * Evidence is an item (visibility and release exactly as notes) with its own rules on top, all
 * from the effective case role (a capped role counts as what it is capped to): metadata is
 * edited by the uploader, a lead or a legal reviewer of its organisation; privilege is flagged
 * by canFlagPrivilege; a privileged item's content, and every action but flagging and purging,
 * are for those who may read it (canReadPrivileged); only a lead of its organisation tombstones it; only an admin purges the
 * blob of a tombstone, and only as a member who can see it. The legal hold is checked by the
 * mutation (a state of the case, not a permission).
 */
export function canOnEvidence(
  actor: TPolicyActor,
  action: TEvidenceAction,
  facts: TCaseFacts,
  item: TItemFacts,
): boolean {
  if (!canOnItem(actor, "item.read", facts, item)) return false;
  const sameOrg = item.orgId === actor.orgId;
  const role = effectiveCaseRole(actor, facts);
  const content = canReadPrivileged(actor, facts, item);
  switch (action) {
    case "evidence.read":
      return true;
    case "evidence.read_content":
      return content;
    case "evidence.verify":
      return content && canOnCase(actor, "evidence.verify", facts);
    case "evidence.edit":
      return (
        content &&
        sameOrg &&
        ((item.authorId === actor.id && canOnCase(actor, "evidence.create", facts)) ||
          role === "LEAD" ||
          role === "LEGAL_REVIEWER")
      );
    case "evidence.flag_privilege":
      return canFlagPrivilege(actor, facts, item);
    case "evidence.delete":
      return content && sameOrg && canOnCase(actor, "evidence.delete", facts);
    case "evidence.purge":
      return can(actor, "evidence.purge");
    default:
      return false;
  }
}

export const TIMELINE_ACTIONS = ["event.read", "event.edit", "event.delete"] as const;
export type TTimelineAction = (typeof TIMELINE_ACTIONS)[number];

/**
 * A timeline event is an item (visibility and release exactly as notes). The timeline is built
 * together, so any member of the event's organisation who may add events may also correct
 * them (optimistic concurrency keeps one edit from overwriting another); deleting is for its
 * author or a lead of its organisation. Another organisation's events are read-only. The legal
 * hold is checked by the mutation.
 */
export function canOnTimelineEvent(
  actor: TPolicyActor,
  action: TTimelineAction,
  facts: TCaseFacts,
  item: TItemFacts,
): boolean {
  if (!canOnItem(actor, "item.read", facts, item)) return false;
  const sameOrg = item.orgId === actor.orgId;
  const writer = canOnCase(actor, "timeline.create", facts) && canReadPrivileged(actor, facts, item);
  switch (action) {
    case "event.read":
      return true;
    case "event.edit":
      return sameOrg && writer;
    case "event.delete":
      return sameOrg && writer && (item.authorId === actor.id || effectiveCaseRole(actor, facts) === "LEAD");
    default:
      return false;
  }
}

export function canHoldCaseRole(globalRole: GlobalRole, caseRole: CaseRole): boolean {
  return HOLDABLE_CASE_ROLES[globalRole]?.includes(caseRole) ?? false;
}

/**
 * May the actor open the portfolio summary? Executives and admins, and anyone who leads a case
 * (`leadsACase`: an effective LEAD role somewhere). What it shows is scoped by briefAccess.
 */
export function canViewSummary(actor: TPolicyActor, leadsACase: boolean): boolean {
  return can(actor, "summary.view") || leadsACase;
}

/**
 * How much of one case's brief and figures the actor may see (lib/summary/scope.ts#summaryCasesSql
 * is the SQL form). Members who read the case: "full". An executive or admin whose organisation
 * owns or is shared into it (canListCaseMetadata): "aggregate" — its figures and the leads'
 * written findings, never raw evidence, notes, usage rows, entity values or file names. A
 * TLP:RED case is never "aggregate": to non-members it is only a count. Anyone else: null (404).
 */
export function briefAccess(actor: TPolicyActor, facts: TCaseFacts): "full" | "aggregate" | null {
  if (canOnCase(actor, "case.read", facts)) return "full";
  if (facts.tlp !== "RED" && canListCaseMetadata(actor, facts)) return "aggregate";
  return null;
}
