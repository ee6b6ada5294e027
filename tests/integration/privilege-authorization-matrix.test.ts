// Who may flag (and unflag) an item privileged, and who may read a privileged item's content,
// from both organisations and every role (issue 12). Part 1 asks the pure policy for every cell;
// part 2 runs the same questions through the real mutations and reads on PostgreSQL.
// The rule: flagging is for legal reviewers and leads of the item's own organisation; reading
// is for them, and under common interest also for the partner's legal reviewers. Everyone else
// who sees the item gets its stub (id, date, kind, basis).
import { beforeAll, describe, expect, it } from "vitest";
import {
  canFlagPrivilege,
  canOnEvidence,
  canOnItem,
  canReadPrivileged,
  type TCaseFacts,
  type TItemFacts,
} from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { getEvidence, openEvidenceFile } from "@/lib/evidence/queries";
import type { CaseRole, GlobalRole, PrivilegeBasis } from "@/lib/generated/prisma/enums";
import { flagPrivilege, unflagPrivilege } from "@/lib/privilege/mutations";
import { upload } from "@/tests/helpers/evidence";
import { createCase, createOrg, createUser, uid } from "@/tests/helpers/factories";

// ---------------------------------------------------------------------------------------------
// Part 1: the policy, every cell.

type TCell = { flag: boolean; read: boolean };
const NONE: TCell = { flag: false, read: false };
const BASES: PrivilegeBasis[] = ["ATTORNEY_CLIENT", "WORK_PRODUCT", "COMMON_INTEREST"];

/** [label, global role, stored case role, on own org's items, on the other org's items by basis]. */
const ACTORS: [string, GlobalRole, CaseRole | null, TCell, Record<PrivilegeBasis, TCell>][] = [
  ["lead", "INVESTIGATOR", "LEAD", { flag: true, read: true }, all(NONE)],
  ["investigator", "INVESTIGATOR", "INVESTIGATOR", NONE, all(NONE)],
  ["legal reviewer", "LEGAL", "LEGAL_REVIEWER", { flag: true, read: true }, commonInterestOnly()],
  ["viewer", "INVESTIGATOR", "VIEWER", NONE, all(NONE)],
  ["executive (viewer)", "EXECUTIVE", "VIEWER", NONE, all(NONE)],
  ["lead whose global role is EXECUTIVE (acts as viewer)", "EXECUTIVE", "LEAD", NONE, all(NONE)],
  [
    "lead whose global role is LEGAL (acts as legal reviewer)",
    "LEGAL",
    "LEAD",
    { flag: true, read: true },
    commonInterestOnly(),
  ],
  ["admin, member as lead", "ADMIN", "LEAD", { flag: true, read: true }, all(NONE)],
  ["admin, not a member", "ADMIN", null, NONE, all(NONE)],
];

function all(cell: TCell): Record<PrivilegeBasis, TCell> {
  return { ATTORNEY_CLIENT: cell, WORK_PRODUCT: cell, COMMON_INTEREST: cell };
}
function commonInterestOnly(): Record<PrivilegeBasis, TCell> {
  return { ...all(NONE), COMMON_INTEREST: { flag: false, read: true } };
}

const OWNER = "org-owner";
const PARTNER = "org-partner";
const FACTS = (memberRole: CaseRole | null): TCaseFacts => ({
  memberRole,
  ownerOrgId: OWNER,
  sharedOrgIds: [PARTNER],
  tlp: "AMBER",
});

describe("privilege policy matrix", () => {
  for (const actorOrg of [OWNER, PARTNER]) {
    const side = actorOrg === OWNER ? "owner org" : "partner org";
    for (const [label, globalRole, caseRole, own, other] of ACTORS) {
      const actor = { id: `u-${label}`, role: globalRole, orgId: actorOrg };
      for (const itemOrg of [OWNER, PARTNER]) {
        for (const basis of BASES) {
          const want = itemOrg === actorOrg ? own : other[basis];
          it(`${side} ${label} × ${itemOrg === actorOrg ? "own" : "other"} org's item (${basis})`, () => {
            const item: TItemFacts = {
              orgId: itemOrg,
              visibility: "ALL_CASE_ORGS",
              authorId: "x",
              privileged: true,
              privilegeBasis: basis,
            };
            const facts = FACTS(caseRole);
            const exists = canOnItem(actor, "item.read", facts, item);
            const read = exists && canReadPrivileged(actor, facts, item);
            expect({ flag: canFlagPrivilege(actor, facts, item), read }).toEqual(want);
            // Evidence: reading the content (preview, download) and every other action follow.
            expect(canOnEvidence(actor, "evidence.read_content", facts, item)).toBe(want.read);
            expect(canOnEvidence(actor, "evidence.flag_privilege", facts, item)).toBe(want.flag);
            if (!want.read) {
              for (const a of ["evidence.edit", "evidence.verify", "evidence.delete"] as const)
                expect(canOnEvidence(actor, a, facts, item)).toBe(false);
              expect(canOnItem(actor, "item.edit", facts, item)).toBe(false);
            }
            // Not privileged: everyone who sees the item reads it.
            expect(canReadPrivileged(actor, facts, { ...item, privileged: false })).toBe(true);
          });
        }
      }
    }
  }

  it("an owner-org-only item of the other organisation is neither flagged nor read, whatever the role", () => {
    const reviewer = { id: "r", role: "LEGAL" as const, orgId: PARTNER };
    const item: TItemFacts = {
      orgId: OWNER,
      visibility: "OWNER_ORG_ONLY",
      authorId: "x",
      privileged: true,
      privilegeBasis: "COMMON_INTEREST",
    };
    expect(canOnItem(reviewer, "item.read", FACTS("LEGAL_REVIEWER"), item)).toBe(false);
    expect(canFlagPrivilege(reviewer, FACTS("LEGAL_REVIEWER"), item)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Part 2: the same answers through the real mutations and reads (PostgreSQL).

const PEOPLE = ["lead", "investigator", "reviewer", "viewer", "executive", "admin"] as const;
type TPerson = (typeof PEOPLE)[number];
type TSide = "owner" | "partner";

async function createWorld() {
  const [ownerOrg, partnerOrg] = await Promise.all([createOrg(), createOrg()]);
  const people = async (orgId: string) => {
    const [lead, investigator, reviewer, viewer, executive, admin] = await Promise.all([
      createUser({ orgId }),
      createUser({ orgId }),
      createUser({ orgId, role: "LEGAL" }),
      createUser({ orgId }),
      createUser({ orgId, role: "EXECUTIVE" }),
      createUser({ orgId, role: "ADMIN" }),
    ]);
    return { lead, investigator, reviewer, viewer, executive, admin };
  };
  const [owner, partner] = await Promise.all([people(ownerOrg.id), people(partnerOrg.id)]);
  const ROLE: Record<TPerson, CaseRole> = {
    lead: "LEAD",
    investigator: "INVESTIGATOR",
    reviewer: "LEGAL_REVIEWER",
    viewer: "VIEWER",
    executive: "VIEWER",
    admin: "LEAD",
  };
  const members = (p: typeof owner) => PEOPLE.map((k) => ({ userId: p[k].id, role: ROLE[k] }));
  const c = await createCase({
    ownerOrgId: ownerOrg.id,
    createdById: owner.lead.id,
    members: [...members(owner), ...members(partner)],
  });
  await getDb().caseOrganization.create({ data: { caseId: c.id, orgId: partnerOrg.id, sharedById: owner.lead.id } });
  await getDb().case.update({ where: { id: c.id }, data: { releaseMode: "DIRECT" } });
  return { caseId: c.id, owner, partner };
}
type TWorld = Awaited<ReturnType<typeof createWorld>>;

async function privilegedEvidence(w: TWorld, side: TSide, basis: PrivilegeBasis) {
  const { id } = await upload(w[side].investigator, w.caseId, Buffer.from(`memo ${uid()}`), {
    title: "Counsel memo on notice duties",
    visibility: "ALL_CASE_ORGS",
  });
  await flagPrivilege(w[side].lead, "evidence", w.caseId, id, { basis, description: "Memo from counsel", version: 1 });
  return id;
}

/** [acting side, person, item side, basis, may flag, may read]. */
const ROWS: [TSide, TPerson, TSide, PrivilegeBasis, boolean, boolean][] = [];
for (const side of ["owner", "partner"] as TSide[]) {
  const other: TSide = side === "owner" ? "partner" : "owner";
  for (const person of PEOPLE) {
    const ownOrg = person === "lead" || person === "reviewer" || person === "admin";
    ROWS.push([side, person, side, "ATTORNEY_CLIENT", ownOrg, ownOrg]);
    ROWS.push([side, person, other, "ATTORNEY_CLIENT", false, false]);
    ROWS.push([side, person, other, "COMMON_INTEREST", false, person === "reviewer"]);
  }
}

describe("privilege matrix through the mutations and reads (PostgreSQL)", () => {
  let w: TWorld;
  beforeAll(async () => {
    w = await createWorld();
  });

  for (const [side, person, itemSide, basis, mayFlag, mayRead] of ROWS) {
    it(`${side} ${person} on ${itemSide}'s ${basis} item: flag ${mayFlag ? "yes" : "no"}, read ${mayRead ? "yes" : "no"}`, async () => {
      const actor: TActor = w[side][person];
      const id = await privilegedEvidence(w, itemSide, basis);
      // Read: the item page is the detail or the stub; the download is served or refused.
      const page = await getEvidence(actor, w.caseId, id);
      if (mayRead) {
        expect(page).toMatchObject({ id, title: "Counsel memo on notice duties" });
        const file = await openEvidenceFile(actor, w.caseId, id, "download");
        file.stream.destroy();
      } else {
        expect(page).toEqual({ withheld: true, id, date: expect.any(Date), kind: "OTHER", basis, caseId: w.caseId });
        await expect(openEvidenceFile(actor, w.caseId, id, "download")).rejects.toBeInstanceOf(ForbiddenError);
      }
      // Flag (re-flag with a new basis) and unflag.
      const reflag = flagPrivilege(actor, "evidence", w.caseId, id, {
        basis: "WORK_PRODUCT",
        description: "Re-described",
        version: 2,
      });
      const row = () => getDb().evidence.findUniqueOrThrow({ where: { id } });
      if (mayFlag) {
        await reflag;
        expect(await row()).toMatchObject({ privilegeBasis: "WORK_PRODUCT", privilegedById: actor.id, version: 3 });
        await unflagPrivilege(actor, "evidence", w.caseId, id, { version: 3 });
        expect(await row()).toMatchObject({ privileged: false, privilegeBasis: null, privilegeDescription: null });
      } else {
        await expect(reflag).rejects.toBeInstanceOf(ForbiddenError);
        await expect(unflagPrivilege(actor, "evidence", w.caseId, id, { version: 2 })).rejects.toBeInstanceOf(
          ForbiddenError,
        );
        expect(await row()).toMatchObject({ privileged: true, privilegeBasis: basis, version: 2 });
      }
    });
  }

  it("another organisation's owner-org-only item does not exist for flagging: NotFound", async () => {
    const { id } = await upload(w.owner.investigator, w.caseId, Buffer.from(`private ${uid()}`), {
      visibility: "OWNER_ORG_ONLY",
    });
    const input = { basis: "COMMON_INTEREST", description: "Shared memo", version: 1 };
    await expect(flagPrivilege(w.partner.reviewer, "evidence", w.caseId, id, input)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(flagPrivilege(w.owner.reviewer, "nonsense", w.caseId, id, input)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
