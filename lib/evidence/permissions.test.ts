// Every evidence action × case role × organisation, allowed and denied, through the policy.
import { describe, expect, it } from "vitest";
import { canOnCase, canOnEvidence, type TCaseFacts, type TEvidenceAction } from "@/lib/auth/permissions";
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

type Row = [string, GlobalRole, CaseRole | null, string, "ALL_CASE_ORGS" | "OWNER_ORG_ONLY", TEvidenceAction[]];
// Who may do what to an item uploaded by someone else of the owner organisation.
const TABLE: Row[] = [
  [
    "owner lead",
    "INVESTIGATOR",
    "LEAD",
    OWNER,
    "OWNER_ORG_ONLY",
    [
      "evidence.read",
      "evidence.read_content",
      "evidence.edit",
      "evidence.flag_privilege",
      "evidence.verify",
      "evidence.delete",
    ],
  ],
  [
    "owner investigator",
    "INVESTIGATOR",
    "INVESTIGATOR",
    OWNER,
    "ALL_CASE_ORGS",
    ["evidence.read", "evidence.read_content", "evidence.verify"],
  ],
  [
    "owner legal reviewer",
    "LEGAL",
    "LEGAL_REVIEWER",
    OWNER,
    "ALL_CASE_ORGS",
    ["evidence.read", "evidence.read_content", "evidence.edit", "evidence.flag_privilege", "evidence.verify"],
  ],
  // Privilege is the item's own organisation's call (issue 12): a partner's reviewer reads and verifies.
  [
    "partner legal reviewer, shared item",
    "LEGAL",
    "LEGAL_REVIEWER",
    PARTNER,
    "ALL_CASE_ORGS",
    ["evidence.read", "evidence.read_content", "evidence.verify"],
  ],
  ["partner legal reviewer, owner-only item", "LEGAL", "LEGAL_REVIEWER", PARTNER, "OWNER_ORG_ONLY", []],
  [
    "owner lead demoted to executive",
    "EXECUTIVE",
    "LEAD",
    OWNER,
    "ALL_CASE_ORGS",
    ["evidence.read", "evidence.read_content"],
  ],
  [
    "owner lead whose global role is legal",
    "LEGAL",
    "LEAD",
    OWNER,
    "ALL_CASE_ORGS",
    ["evidence.read", "evidence.read_content", "evidence.edit", "evidence.flag_privilege", "evidence.verify"],
  ],
  ["owner viewer", "EXECUTIVE", "VIEWER", OWNER, "ALL_CASE_ORGS", ["evidence.read", "evidence.read_content"]],
  [
    "owner admin viewer",
    "ADMIN",
    "VIEWER",
    OWNER,
    "ALL_CASE_ORGS",
    ["evidence.read", "evidence.read_content", "evidence.purge"],
  ],
  [
    "partner lead, shared item",
    "INVESTIGATOR",
    "LEAD",
    PARTNER,
    "ALL_CASE_ORGS",
    ["evidence.read", "evidence.read_content", "evidence.verify"],
  ],
  ["partner lead, owner-only item", "INVESTIGATOR", "LEAD", PARTNER, "OWNER_ORG_ONLY", []],
  ["partner admin, owner-only item", "ADMIN", "LEAD", PARTNER, "OWNER_ORG_ONLY", []],
  ["non-member investigator", "INVESTIGATOR", null, OWNER, "ALL_CASE_ORGS", []],
  ["non-member admin", "ADMIN", null, OWNER, "ALL_CASE_ORGS", []],
  ["non-member executive", "EXECUTIVE", null, OWNER, "ALL_CASE_ORGS", []],
  ["member of an organisation no longer on the case", "INVESTIGATOR", "LEAD", "org-gone", "ALL_CASE_ORGS", []],
];
const ACTIONS: TEvidenceAction[] = [
  "evidence.read",
  "evidence.read_content",
  "evidence.edit",
  "evidence.flag_privilege",
  "evidence.verify",
  "evidence.delete",
  "evidence.purge",
];

describe("evidence policy", () => {
  for (const [label, role, caseRole, orgId, visibility, allowed] of TABLE) {
    for (const action of ACTIONS) {
      const expected = allowed.includes(action);
      it(`${label}: ${action} ${expected ? "allowed" : "denied"}`, () => {
        expect(canOnEvidence(actor(orgId, role), action, facts(caseRole), item(visibility))).toBe(expected);
      });
    }
  }

  it("the uploader edits their own item while they may still upload", () => {
    const me = actor(OWNER);
    expect(canOnEvidence(me, "evidence.edit", facts("INVESTIGATOR"), item("ALL_CASE_ORGS", me.id))).toBe(true);
    expect(canOnEvidence(me, "evidence.edit", facts("VIEWER"), item("ALL_CASE_ORGS", me.id))).toBe(false);
  });

  it.each([
    ["LEAD", true, true],
    ["INVESTIGATOR", true, true],
    ["LEGAL_REVIEWER", false, true],
    ["VIEWER", false, false],
  ] as const)("case role %s: upload %s, verify all %s", (role, create, verify) => {
    expect(canOnCase(actor(OWNER), "evidence.create", facts(role))).toBe(create);
    expect(canOnCase(actor(OWNER), "evidence.verify", facts(role))).toBe(verify);
    expect(canOnCase(actor(OWNER), "evidence.delete", facts(role))).toBe(role === "LEAD");
  });
});
