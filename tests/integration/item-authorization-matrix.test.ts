// Who may do what to an item — a note, an evidence item, a timeline event — by case role,
// capped role (a stored role the user's global role can no longer hold), admin, organisation
// and visibility. Part 1 asks the pure policy for every cell; part 2 runs a representative
// subset through the real lib mutations on PostgreSQL, so the mutations and the policy agree.
// Items are decided relative to the item's organisation, never the case owner's: each row is
// checked from both organisations (the owner's people on owner items and partner items, and
// the partner's on both).
import { beforeAll, describe, expect, it } from "vitest";
import {
  canFlagPrivilege,
  canOnEvidence,
  canOnItem,
  canOnTimelineEvent,
  type TCaseFacts,
  type TItemFacts,
  type TPolicyActor,
} from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { deleteEvidence, updateEvidence } from "@/lib/evidence/mutations";
import { flagPrivilege } from "@/lib/privilege/mutations";
import type { CaseRole, GlobalRole, Visibility } from "@/lib/generated/prisma/enums";
import { createNote, deleteNote, updateNote } from "@/lib/notes/mutations";
import { decideRelease, requestRelease, withdrawRelease } from "@/lib/releases/mutations";
import type { TItemType } from "@/lib/releases/items";
import { createTimelineEvent, deleteTimelineEvent, updateTimelineEvent } from "@/lib/timeline/mutations";
import { upload } from "@/tests/helpers/evidence";
import { createCase, createOrg, createUser, uid } from "@/tests/helpers/factories";

const KINDS = ["note", "evidence", "event"] as const;
type TKind = (typeof KINDS)[number];
const ACTIONS = ["read", "edit", "delete", "release", "approve", "withdraw", "flag_privilege"] as const;
type TAction = (typeof ACTIONS)[number];
type TAllowed = Partial<Record<TKind, TAction[]>>;

// ---------------------------------------------------------------------------------------------
// Part 1: the policy, every cell.

/** The actors, the same in each organisation: [label, global role, stored case role]. */
const ACTORS: [string, GlobalRole, CaseRole | null][] = [
  ["lead", "INVESTIGATOR", "LEAD"],
  ["investigator", "INVESTIGATOR", "INVESTIGATOR"],
  ["legal reviewer", "LEGAL", "LEGAL_REVIEWER"],
  ["viewer", "EXECUTIVE", "VIEWER"],
  ["lead whose global role is EXECUTIVE (acts as viewer)", "EXECUTIVE", "LEAD"],
  ["lead whose global role is LEGAL (acts as legal reviewer)", "LEGAL", "LEAD"],
  ["admin, member as lead", "ADMIN", "LEAD"],
  ["admin, not a member", "ADMIN", null],
];

const READ: TAllowed = { note: ["read"], evidence: ["read"], event: ["read"] };
// Privilege is flagged by a legal reviewer or lead of the item's own organisation, on every kind.
const REVIEWER_OWN: TAllowed = {
  note: ["read", "flag_privilege"],
  evidence: ["read", "edit", "flag_privilege"],
  event: ["read", "flag_privilege"],
};
const REVIEWER_OTHER: TAllowed = READ;
const LEAD_OWN: TAllowed = {
  note: ["read", "delete", "release", "approve", "withdraw", "flag_privilege"],
  evidence: ["read", "edit", "delete", "release", "approve", "withdraw", "flag_privilege"],
  event: ["read", "edit", "delete", "release", "approve", "withdraw", "flag_privilege"],
};

/**
 * What each actor may do to an item someone else of the same organisation added, and to an item
 * of the other organisation shared with the case. Another organisation's owner-only item:
 * nothing at all (it does not exist for them).
 */
const EXPECTED: Record<string, { own: TAllowed; other: TAllowed }> = {
  lead: { own: LEAD_OWN, other: READ },
  investigator: {
    own: { note: ["read", "approve"], evidence: ["read", "approve"], event: ["read", "edit", "approve"] },
    other: READ,
  },
  "legal reviewer": { own: REVIEWER_OWN, other: REVIEWER_OTHER },
  viewer: { own: READ, other: READ },
  "lead whose global role is EXECUTIVE (acts as viewer)": { own: READ, other: READ },
  "lead whose global role is LEGAL (acts as legal reviewer)": { own: REVIEWER_OWN, other: REVIEWER_OTHER },
  "admin, member as lead": { own: LEAD_OWN, other: READ },
  "admin, not a member": { own: {}, other: {} },
};

/** The actor's own items (they are the author), own organisation. */
const EXPECTED_AUTHOR: Record<string, TAllowed> = {
  investigator: {
    note: ["read", "edit", "delete", "approve"],
    evidence: ["read", "edit", "approve"], // editing metadata no longer includes the privilege flag
    event: ["read", "edit", "delete", "approve"],
  },
  "legal reviewer": {
    note: ["read", "edit", "delete", "flag_privilege"],
    evidence: ["read", "edit", "flag_privilege"],
    event: ["read", "flag_privilege"],
  },
  viewer: READ,
  "lead whose global role is EXECUTIVE (acts as viewer)": READ,
};

const OWNER = "org-owner";
const PARTNER = "org-partner";
const FACTS = (memberRole: CaseRole | null): TCaseFacts => ({
  memberRole,
  ownerOrgId: OWNER,
  sharedOrgIds: [PARTNER],
  tlp: "AMBER",
});
const RELEASE = { requestedById: "a-lead-of-the-item-org" };

function policy(kind: TKind, action: TAction, actor: TPolicyActor, facts: TCaseFacts, item: TItemFacts): boolean {
  const generic = {
    release: "item.release",
    approve: "item.approve_release",
    withdraw: "item.withdraw_release",
  } as const;
  if (action === "release" || action === "approve" || action === "withdraw")
    return canOnItem(actor, generic[action], facts, item, RELEASE);
  if (action === "flag_privilege") {
    const flag = canFlagPrivilege(actor, facts, item);
    if (kind === "evidence") expect(canOnEvidence(actor, "evidence.flag_privilege", facts, item)).toBe(flag);
    return flag;
  }
  if (kind === "note") {
    const map = { read: "item.read", edit: "item.edit", delete: "item.delete" } as const;
    return canOnItem(actor, map[action], facts, item);
  }
  if (kind === "evidence") return canOnEvidence(actor, `evidence.${action}`, facts, item);
  return canOnTimelineEvent(actor, `event.${action}`, facts, item);
}

describe("item policy matrix", () => {
  for (const actorOrg of [OWNER, PARTNER]) {
    const otherOrg = actorOrg === OWNER ? PARTNER : OWNER;
    const side = actorOrg === OWNER ? "owner org" : "partner org";
    for (const [label, globalRole, caseRole] of ACTORS) {
      const actor = { id: `u-${label}`, role: globalRole, orgId: actorOrg };
      const cells: [string, TItemFacts, TAllowed][] = [
        ["own org, shared", { orgId: actorOrg, visibility: "ALL_CASE_ORGS", authorId: "x" }, EXPECTED[label]!.own],
        ["own org, org-only", { orgId: actorOrg, visibility: "OWNER_ORG_ONLY", authorId: "x" }, EXPECTED[label]!.own],
        ["other org, shared", { orgId: otherOrg, visibility: "ALL_CASE_ORGS", authorId: "x" }, EXPECTED[label]!.other],
        ["other org, org-only", { orgId: otherOrg, visibility: "OWNER_ORG_ONLY", authorId: "x" }, {}],
      ];
      if (EXPECTED_AUTHOR[label])
        cells.push([
          "own item",
          { orgId: actorOrg, visibility: "ALL_CASE_ORGS", authorId: actor.id },
          EXPECTED_AUTHOR[label]!,
        ]);
      for (const [itemLabel, item, allowed] of cells) {
        it(`${side} ${label} × ${itemLabel}`, () => {
          const got = Object.fromEntries(
            KINDS.map((k) => [k, ACTIONS.filter((a) => policy(k, a, actor, FACTS(caseRole), item))]),
          );
          const want = Object.fromEntries(KINDS.map((k) => [k, ACTIONS.filter((a) => allowed[k]?.includes(a))]));
          expect(got).toEqual(want);
        });
      }
    }
  }

  it("nobody approves a release they requested themselves", () => {
    const lead = { id: "me", role: "INVESTIGATOR" as const, orgId: OWNER };
    const item = { orgId: OWNER, visibility: "OWNER_ORG_ONLY" as Visibility, authorId: "x" };
    expect(canOnItem(lead, "item.approve_release", FACTS("LEAD"), item, { requestedById: "me" })).toBe(false);
    expect(canOnItem(lead, "item.approve_release", FACTS("LEAD"), item, { requestedById: "other" })).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Part 2: the same answers through the real mutations, for a representative subset.

type TWorld = Awaited<ReturnType<typeof createWorld>>;
type TSide = "owner" | "partner";

async function createWorld() {
  const [ownerOrg, partnerOrg] = await Promise.all([createOrg(), createOrg()]);
  const people = async (orgId: string) => {
    const [lead, investigator, reviewer, cappedLead, admin, adminOutsider] = await Promise.all([
      createUser({ orgId }),
      createUser({ orgId }),
      createUser({ orgId, role: "LEGAL" }),
      createUser({ orgId, role: "EXECUTIVE" }),
      createUser({ orgId, role: "ADMIN" }),
      createUser({ orgId, role: "ADMIN" }),
    ]);
    return { lead, investigator, reviewer, cappedLead, admin, adminOutsider };
  };
  const [owner, partner] = await Promise.all([people(ownerOrg.id), people(partnerOrg.id)]);
  const members = (p: typeof owner) => [
    { userId: p.lead.id, role: "LEAD" as const },
    { userId: p.investigator.id, role: "INVESTIGATOR" as const },
    { userId: p.reviewer.id, role: "LEGAL_REVIEWER" as const },
    { userId: p.cappedLead.id, role: "LEAD" as const }, // stored LEAD, global EXECUTIVE
    { userId: p.admin.id, role: "LEAD" as const },
  ];
  const c = await createCase({
    ownerOrgId: ownerOrg.id,
    createdById: owner.lead.id,
    members: [...members(owner), ...members(partner)],
  });
  await getDb().caseOrganization.create({ data: { caseId: c.id, orgId: partnerOrg.id, sharedById: owner.lead.id } });
  await getDb().case.update({ where: { id: c.id }, data: { releaseMode: "DIRECT" } });
  return { caseId: c.id, owner, partner };
}

const EVENT = { occurredAt: "2026-01-15T09:00", timeZone: "UTC", title: "Event", category: "API_ACCESS" };
const ITEM_TYPE: Record<TKind, TItemType> = { note: "note", evidence: "evidence", event: "timeline_event" };

/** A fresh item of `kind`, added by the investigator of `side`. */
async function addItem(w: TWorld, kind: TKind, side: TSide, visibility: Visibility): Promise<string> {
  const author = w[side].investigator;
  if (kind === "note") return (await createNote(author, w.caseId, { body: "n", visibility })).id;
  if (kind === "event") return (await createTimelineEvent(author, w.caseId, { ...EVENT, visibility })).id;
  return (await upload(author, w.caseId, Buffer.from(`e ${uid()}`), { visibility })).id;
}

/** A release row of the item, as its organisation's lead requested it. */
async function addRelease(w: TWorld, kind: TKind, side: TSide, id: string, status: "PENDING" | "RELEASED") {
  return getDb().itemRelease.create({
    data: {
      caseId: w.caseId,
      itemType: ITEM_TYPE[kind],
      itemId: id,
      status,
      reason: "seeded",
      requestedById: w[side].lead.id,
    },
    select: { id: true },
  });
}

async function attempt(
  w: TWorld,
  kind: TKind,
  action: TAction,
  actor: TActor,
  itemSide: TSide,
  visibility: Visibility,
) {
  // The item's state that the action needs: org-only to release, pending to approve, released to withdraw.
  const vis = action === "release" || action === "approve" ? "OWNER_ORG_ONLY" : visibility;
  const id = await addItem(w, kind, itemSide, action === "withdraw" ? "ALL_CASE_ORGS" : vis);
  if (action === "approve" || action === "withdraw") {
    const r = await addRelease(w, kind, itemSide, id, action === "approve" ? "PENDING" : "RELEASED");
    if (action === "approve") return decideRelease(actor, r.id, { approve: "approve" });
    return withdrawRelease(actor, r.id, { reason: "matrix withdraw" });
  }
  if (action === "release") return requestRelease(actor, { itemType: ITEM_TYPE[kind], itemId: id, reason: "matrix" });
  if (action === "flag_privilege")
    return flagPrivilege(actor, ITEM_TYPE[kind], w.caseId, id, {
      basis: "WORK_PRODUCT",
      description: "Matrix memo",
      version: 1,
    });
  if (kind === "note") {
    if (action === "edit") return updateNote(actor, id, { body: "changed", version: 1 });
    if (action === "delete") return deleteNote(actor, id);
  }
  if (kind === "event") {
    if (action === "edit") return updateTimelineEvent(actor, id, { ...EVENT, title: "changed", version: 1 }, w.caseId);
    if (action === "delete") return deleteTimelineEvent(actor, id, 1, w.caseId);
  }
  if (kind === "evidence") {
    if (action === "edit") return updateEvidence(actor, w.caseId, id, { title: "changed", kind: "OTHER", version: 1 });
    if (action === "delete") return deleteEvidence(actor, w.caseId, id, { reason: "matrix delete" });
  }
  throw new Error(`no mutation for ${kind} ${action}`);
}

type TOutcome = "allowed" | "forbidden" | "not found";
type TPerson = keyof TWorld["owner"];
/** [acting side, person, item side, item visibility, kind, action, outcome]. */
const SUBSET: [TSide, TPerson, TSide, Visibility, TKind, TAction, TOutcome][] = [
  // Defect 4: a partner's lead never deletes the owner's items; each lead deletes their own org's.
  ["partner", "lead", "owner", "ALL_CASE_ORGS", "note", "delete", "forbidden"],
  ["owner", "lead", "partner", "ALL_CASE_ORGS", "note", "delete", "forbidden"],
  ["owner", "lead", "owner", "ALL_CASE_ORGS", "note", "delete", "allowed"],
  ["partner", "lead", "partner", "ALL_CASE_ORGS", "note", "delete", "allowed"],
  ["partner", "lead", "owner", "ALL_CASE_ORGS", "evidence", "delete", "forbidden"],
  ["owner", "lead", "partner", "ALL_CASE_ORGS", "evidence", "delete", "forbidden"],
  ["partner", "lead", "partner", "ALL_CASE_ORGS", "evidence", "delete", "allowed"],
  ["partner", "lead", "partner", "ALL_CASE_ORGS", "event", "delete", "allowed"],
  ["partner", "lead", "owner", "ALL_CASE_ORGS", "event", "delete", "forbidden"],
  ["owner", "lead", "partner", "ALL_CASE_ORGS", "event", "delete", "forbidden"],
  ["partner", "admin", "owner", "ALL_CASE_ORGS", "note", "delete", "forbidden"],
  ["partner", "admin", "owner", "OWNER_ORG_ONLY", "note", "delete", "not found"],
  // Defect 3: capped roles and the other organisation's legal reviewer.
  ["owner", "cappedLead", "owner", "ALL_CASE_ORGS", "evidence", "edit", "forbidden"],
  ["owner", "cappedLead", "owner", "ALL_CASE_ORGS", "evidence", "flag_privilege", "forbidden"],
  ["owner", "cappedLead", "owner", "OWNER_ORG_ONLY", "note", "delete", "forbidden"],
  ["owner", "cappedLead", "owner", "OWNER_ORG_ONLY", "evidence", "release", "forbidden"],
  ["partner", "reviewer", "owner", "ALL_CASE_ORGS", "evidence", "edit", "forbidden"],
  // Privilege: the item's own organisation's legal reviewers and leads (issue 12).
  ["partner", "reviewer", "owner", "ALL_CASE_ORGS", "evidence", "flag_privilege", "forbidden"],
  ["owner", "reviewer", "partner", "ALL_CASE_ORGS", "evidence", "flag_privilege", "forbidden"],
  ["owner", "reviewer", "owner", "ALL_CASE_ORGS", "evidence", "flag_privilege", "allowed"],
  ["partner", "reviewer", "partner", "ALL_CASE_ORGS", "note", "flag_privilege", "allowed"],
  ["owner", "lead", "owner", "ALL_CASE_ORGS", "event", "flag_privilege", "allowed"],
  ["partner", "lead", "owner", "ALL_CASE_ORGS", "note", "flag_privilege", "forbidden"],
  ["owner", "investigator", "owner", "ALL_CASE_ORGS", "event", "flag_privilege", "forbidden"],
  ["owner", "admin", "owner", "ALL_CASE_ORGS", "note", "flag_privilege", "allowed"],
  ["partner", "reviewer", "owner", "OWNER_ORG_ONLY", "evidence", "flag_privilege", "not found"],
  ["owner", "reviewer", "owner", "ALL_CASE_ORGS", "evidence", "edit", "allowed"],
  ["owner", "lead", "owner", "ALL_CASE_ORGS", "evidence", "edit", "allowed"],
  ["partner", "lead", "owner", "ALL_CASE_ORGS", "evidence", "edit", "forbidden"],
  // Edits of events are their organisation's.
  ["owner", "investigator", "owner", "ALL_CASE_ORGS", "event", "edit", "allowed"],
  ["partner", "investigator", "owner", "ALL_CASE_ORGS", "event", "edit", "forbidden"],
  ["owner", "investigator", "partner", "OWNER_ORG_ONLY", "event", "edit", "not found"],
  // Releases: the item's organisation decides, for every kind.
  ["owner", "lead", "owner", "OWNER_ORG_ONLY", "evidence", "release", "allowed"],
  ["partner", "lead", "partner", "OWNER_ORG_ONLY", "note", "release", "allowed"],
  ["owner", "investigator", "owner", "OWNER_ORG_ONLY", "event", "release", "forbidden"],
  ["partner", "lead", "owner", "OWNER_ORG_ONLY", "event", "release", "not found"],
  ["owner", "investigator", "owner", "OWNER_ORG_ONLY", "evidence", "approve", "allowed"],
  ["owner", "cappedLead", "owner", "OWNER_ORG_ONLY", "note", "approve", "forbidden"],
  ["partner", "lead", "owner", "OWNER_ORG_ONLY", "evidence", "approve", "not found"],
  ["owner", "lead", "owner", "ALL_CASE_ORGS", "event", "withdraw", "allowed"],
  ["partner", "lead", "owner", "ALL_CASE_ORGS", "note", "withdraw", "forbidden"],
  ["partner", "admin", "owner", "ALL_CASE_ORGS", "evidence", "withdraw", "forbidden"],
  // An admin who is not a member reaches nothing.
  ["owner", "adminOutsider", "owner", "ALL_CASE_ORGS", "note", "delete", "not found"],
  ["partner", "adminOutsider", "owner", "ALL_CASE_ORGS", "evidence", "edit", "not found"],
];

describe("item matrix through the mutations (PostgreSQL)", () => {
  let w: TWorld;
  beforeAll(async () => {
    w = await createWorld();
  });

  for (const [side, person, itemSide, visibility, kind, action, outcome] of SUBSET) {
    it(`${side} ${person}: ${action} ${kind} of ${itemSide} (${visibility}) → ${outcome}`, async () => {
      const actor = w[side][person];
      const run = attempt(w, kind, action, actor, itemSide, visibility);
      if (outcome === "allowed") await expect(run).resolves.not.toThrow();
      else await expect(run).rejects.toBeInstanceOf(outcome === "forbidden" ? ForbiddenError : NotFoundError);
      // The policy agrees with the mutation.
      const caseRole =
        person === "adminOutsider"
          ? null
          : person === "reviewer"
            ? "LEGAL_REVIEWER"
            : person === "investigator"
              ? "INVESTIGATOR"
              : "LEAD";
      const item = {
        orgId: itemSide,
        visibility:
          action === "release" || action === "approve"
            ? "OWNER_ORG_ONLY"
            : action === "withdraw"
              ? "ALL_CASE_ORGS"
              : visibility,
        authorId: "someone-else",
      } as TItemFacts;
      const facts = {
        memberRole: caseRole,
        ownerOrgId: "owner",
        sharedOrgIds: ["partner"],
        tlp: "AMBER",
      } as TCaseFacts;
      expect(policy(kind, action, { id: actor.id, role: actor.role, orgId: side }, facts, item)).toBe(
        outcome === "allowed",
      );
    });
  }
});
