// Every timeline action × case role × organisation, allowed and denied, through the policy.
import { describe, expect, it } from "vitest";
import {
  CASE_ROLES,
  canOnCase,
  canOnItem,
  canOnTimelineEvent,
  GLOBAL_ROLES,
  TIMELINE_ACTIONS,
  type TCaseFacts,
} from "@/lib/auth/permissions";
import type { CaseRole, GlobalRole } from "@/lib/generated/prisma/enums";

const OWNER = "org-owner";
const PARTNER = "org-partner";
const facts = (memberRole: CaseRole | null): TCaseFacts => ({
  memberRole,
  ownerOrgId: OWNER,
  sharedOrgIds: [PARTNER],
  tlp: "AMBER",
});
const actor = (orgId: string, role: GlobalRole = "INVESTIGATOR") => ({ id: `u-${orgId}-${role}`, role, orgId });
const item = (visibility: "ALL_CASE_ORGS" | "OWNER_ORG_ONLY", authorId = "someone") => ({
  orgId: OWNER,
  visibility,
  authorId,
});

type Row = [string, GlobalRole, CaseRole | null, string, "ALL_CASE_ORGS" | "OWNER_ORG_ONLY", string[]];
// Who may do what to an event written by someone else of the owner organisation.
const TABLE: Row[] = [
  ["owner lead", "INVESTIGATOR", "LEAD", OWNER, "OWNER_ORG_ONLY", ["event.read", "event.edit", "event.delete"]],
  ["owner investigator", "INVESTIGATOR", "INVESTIGATOR", OWNER, "OWNER_ORG_ONLY", ["event.read", "event.edit"]],
  ["owner legal reviewer", "LEGAL", "LEGAL_REVIEWER", OWNER, "ALL_CASE_ORGS", ["event.read"]],
  ["owner viewer", "EXECUTIVE", "VIEWER", OWNER, "ALL_CASE_ORGS", ["event.read"]],
  ["executive made lead (acts as viewer)", "EXECUTIVE", "LEAD", OWNER, "ALL_CASE_ORGS", ["event.read"]],
  ["partner lead, shared event", "INVESTIGATOR", "LEAD", PARTNER, "ALL_CASE_ORGS", ["event.read"]],
  ["partner investigator, shared event", "INVESTIGATOR", "INVESTIGATOR", PARTNER, "ALL_CASE_ORGS", ["event.read"]],
  ["partner lead, owner-only event", "INVESTIGATOR", "LEAD", PARTNER, "OWNER_ORG_ONLY", []],
  ["partner admin, owner-only event", "ADMIN", "LEAD", PARTNER, "OWNER_ORG_ONLY", []],
  ["non-member investigator", "INVESTIGATOR", null, OWNER, "ALL_CASE_ORGS", []],
  ["non-member admin", "ADMIN", null, OWNER, "ALL_CASE_ORGS", []],
  ["member of an organisation no longer on the case", "INVESTIGATOR", "LEAD", "org-gone", "ALL_CASE_ORGS", []],
];

describe("timeline policy", () => {
  for (const [label, role, caseRole, orgId, visibility, allowed] of TABLE) {
    for (const action of TIMELINE_ACTIONS) {
      const expected = allowed.includes(action);
      it(`${label}: ${action} ${expected ? "allowed" : "denied"}`, () => {
        expect(canOnTimelineEvent(actor(orgId, role), action, facts(caseRole), item(visibility))).toBe(expected);
      });
    }
  }

  it("the author deletes their own event while they may still add events", () => {
    const me = actor(OWNER);
    expect(canOnTimelineEvent(me, "event.delete", facts("INVESTIGATOR"), item("ALL_CASE_ORGS", me.id))).toBe(true);
    expect(canOnTimelineEvent(me, "event.delete", facts("VIEWER"), item("ALL_CASE_ORGS", me.id))).toBe(false);
  });

  it("whoever may release, approve or withdraw an event may also edit it (the release controls live in its editor)", () => {
    const release = { requestedById: "someone else" };
    for (const role of GLOBAL_ROLES) {
      for (const caseRole of [...CASE_ROLES, null]) {
        for (const orgId of [OWNER, PARTNER]) {
          for (const visibility of ["ALL_CASE_ORGS", "OWNER_ORG_ONLY"] as const) {
            const [a, f, i] = [actor(orgId, role), facts(caseRole), item(visibility)];
            const decides = (["item.release", "item.approve_release", "item.withdraw_release"] as const).some(
              (action) => canOnItem(a, action, f, i, release),
            );
            if (decides)
              expect(canOnTimelineEvent(a, "event.edit", f, i), `${role} ${caseRole} ${orgId} ${visibility}`).toBe(
                true,
              );
          }
        }
      }
    }
  });

  it.each([
    ["LEAD", true],
    ["INVESTIGATOR", true],
    ["LEGAL_REVIEWER", false],
    ["VIEWER", false],
  ] as const)("case role %s: add events %s (either organisation)", (role, create) => {
    expect(canOnCase(actor(OWNER), "timeline.create", facts(role))).toBe(create);
    expect(canOnCase(actor(PARTNER), "timeline.create", facts(role))).toBe(create);
    expect(canOnCase(actor("org-gone"), "timeline.create", facts(role))).toBe(false);
  });

  it.each([
    ["LEAD", "INVESTIGATOR", true],
    ["LEAD", "ADMIN", true],
    ["LEAD", "EXECUTIVE", false], // an executive made lead acts as a viewer
    ["INVESTIGATOR", "INVESTIGATOR", false],
    ["LEGAL_REVIEWER", "LEGAL", false],
    ["VIEWER", "EXECUTIVE", false],
    [null, "ADMIN", false],
  ] as const)(
    "case role %s (%s): manage the organisation's case categories %s (either organisation)",
    (role, global, allowed) => {
      expect(canOnCase(actor(OWNER, global), "timeline.categories", facts(role))).toBe(allowed);
      expect(canOnCase(actor(PARTNER, global), "timeline.categories", facts(role))).toBe(allowed);
      expect(canOnCase(actor("org-gone", global), "timeline.categories", facts(role))).toBe(false);
    },
  );
});
