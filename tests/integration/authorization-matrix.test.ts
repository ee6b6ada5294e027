// The authorization matrix: every case action × global role × case role (or none) × the
// actor's organisation (owner, partner the case is shared with, outsider) × TLP, run through
// the same lib/ functions the app calls, against the real database. Expectations are written
// out here as data, independently of lib/auth/permissions.ts. A denied action must throw
// NotFound (cannot see the case) or Forbidden (member lacking the right) and change nothing.
// Admins of each organisation are actors like everyone else: the rows for addMember, removeLead,
// addOwnPerson and candidates are the steps of the cross-organisation takeover of issue 9.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { canListCaseMetadata, canOnCase } from "@/lib/auth/permissions";
import {
  getCaseOverview,
  listCaseMembers,
  listCases,
  listMemberCandidates,
  visibleCasesSql,
} from "@/lib/cases/queries";
import { addMember, removeMember, setCaseStatus, setLegalHold, shareCase, updateCase } from "@/lib/cases/mutations";
import { createNote } from "@/lib/notes/mutations";
import { listNotes } from "@/lib/notes/queries";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { getTimelineHistogram, listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { ZCaseFilters } from "@/lib/cases/schemas";
import type { CaseRole, GlobalRole, Tlp } from "@/lib/generated/prisma/enums";
import { createCase, createOrg, createUser, uid } from "@/tests/helpers/factories";

const GLOBAL: GlobalRole[] = ["ADMIN", "INVESTIGATOR", "LEGAL", "EXECUTIVE"];
const CASE_ROLES: (CaseRole | "NONE")[] = ["LEAD", "INVESTIGATOR", "LEGAL_REVIEWER", "VIEWER", "NONE"];
const ORGS = ["owner", "partner", "outsider"] as const;
const TLPS: Tlp[] = ["CLEAR", "GREEN", "AMBER", "AMBER_STRICT", "RED"];
const ACTIONS = [
  "view",
  "notes",
  "members",
  "update",
  "status",
  "hold",
  "share",
  "addMember", // someone of the owner organisation, as viewer
  "removeLead", // the owner organisation's (second) lead
  "addOwnPerson", // someone of the actor's own organisation, as viewer
  "candidates", // the Add member list: never the actor, only people the actor may add
  "writeNote",
  "list",
  "timeline",
  "writeEvent",
] as const;
type TAction = (typeof ACTIONS)[number];
type TOrg = (typeof ORGS)[number];

const MEMBER_ALLOWS: Record<CaseRole, TAction[]> = {
  LEAD: [
    "view",
    "notes",
    "members",
    "update",
    "status",
    "hold",
    "share",
    "writeNote",
    "list",
    "timeline",
    "writeEvent",
  ],
  INVESTIGATOR: ["view", "notes", "members", "writeNote", "list", "timeline", "writeEvent"],
  LEGAL_REVIEWER: ["view", "notes", "members", "writeNote", "list", "timeline"],
  VIEWER: ["view", "notes", "members", "list", "timeline"],
};

// A global role caps the case role that counts (an executive made lead acts as a viewer).
const CAP: Record<GlobalRole, Partial<Record<CaseRole, CaseRole>>> = {
  ADMIN: {},
  INVESTIGATOR: {},
  LEGAL: { LEAD: "LEGAL_REVIEWER", INVESTIGATOR: "LEGAL_REVIEWER" },
  EXECUTIVE: { LEAD: "VIEWER", INVESTIGATOR: "VIEWER", LEGAL_REVIEWER: "VIEWER" },
};
// Decisions about the case itself are the owner organisation's.
const OWNER_ONLY: TAction[] = ["update", "status", "hold", "share"];

function expected(action: TAction, g: GlobalRole, r: CaseRole | "NONE", org: TOrg, tlp: Tlp): boolean {
  const effectiveMember = r !== "NONE" && org !== "outsider"; // membership counts only from a case org
  const role = effectiveMember ? (CAP[g][r] ?? r) : null;
  const lead = role === "LEAD";
  // Admins are organisation admins: they manage the membership of cases their organisation owns
  // or is shared into (a TLP:RED case only if it owns it), for their own people, without reading.
  const caseOrgAdmin = g === "ADMIN" && org !== "outsider" && (tlp !== "RED" || org === "owner");
  switch (action) {
    case "members":
      return role !== null || caseOrgAdmin;
    case "candidates":
    case "addOwnPerson":
      return lead || caseOrgAdmin;
    // Someone of the owner organisation: its leads and its admins only, never the partner's.
    case "addMember":
    case "removeLead":
      return (lead || caseOrgAdmin) && org === "owner";
    case "list":
      return role !== null || caseOrgAdmin || (g === "EXECUTIVE" && tlp !== "RED" && org !== "outsider");
  }
  if (!role) return false;
  if (org === "partner" && OWNER_ONLY.includes(action)) return false;
  return MEMBER_ALLOWS[role].includes(action);
}

type TActorRow = { g: GlobalRole; r: CaseRole | "NONE"; org: TOrg; actor: TActor };
type TWorld = {
  caseId: string;
  ownerOrgId: string;
  partnerOrgId: string;
  thirdOrgId: string;
  spareLeadId: string;
  candidates: string[];
  ownPeople: Record<TOrg, string[]>;
};

async function run(action: TAction, { actor, g, r, org }: TActorRow, w: TWorld): Promise<boolean> {
  const current = () =>
    getDb().case.findUniqueOrThrow({
      where: { id: w.caseId },
      select: { version: true, title: true, severity: true, tlp: true, releaseMode: true, summary: true },
    });
  switch (action) {
    case "view":
      return (await getCaseOverview(actor, w.caseId)).id === w.caseId;
    case "notes":
      return Array.isArray(await listNotes(actor, w.caseId));
    case "members":
      return (await listCaseMembers(actor, w.caseId)).length > 0;
    case "update": {
      const c = await current();
      await updateCase(actor, w.caseId, { ...c, summary: `edited ${uid()}` });
      return true;
    }
    case "status":
      await setCaseStatus(actor, w.caseId, { version: (await current()).version, status: "ACTIVE" });
      return true;
    case "hold":
      await setLegalHold(actor, w.caseId, { version: (await current()).version, legalHold: "off" });
      return true;
    case "share":
      await shareCase(actor, w.caseId, { orgId: w.thirdOrgId });
      await getDb().caseOrganization.delete({ where: { caseId_orgId: { caseId: w.caseId, orgId: w.thirdOrgId } } });
      return true;
    case "addMember": {
      await addMember(actor, w.caseId, { userId: w.candidates.at(-1), role: "VIEWER" });
      w.candidates.pop();
      return true;
    }
    case "removeLead":
      await removeMember(actor, w.caseId, { userId: w.spareLeadId });
      await getDb().caseMember.create({ data: { caseId: w.caseId, userId: w.spareLeadId, role: "LEAD" } });
      return true;
    case "addOwnPerson":
      await addMember(actor, w.caseId, { userId: w.ownPeople[org].at(-1), role: "VIEWER" });
      w.ownPeople[org].pop();
      return true;
    case "candidates": {
      const offered = await listMemberCandidates(actor, w.caseId);
      // Only an owner-organisation lead may bring in other organisations' people; no one is offered themself.
      const ownerLead = org === "owner" && r === "LEAD" && !CAP[g].LEAD;
      const scoped = ownerLead || offered.every((c) => c.org.name === actor.orgName);
      return offered.length > 0 && scoped && offered.every((c) => c.id !== actor.id);
    }
    case "writeNote":
      return Boolean((await createNote(actor, w.caseId, { body: "matrix note" })).id);
    case "timeline":
      await listTimelineEvents(actor, w.caseId, ZTimelineFilters.parse({}));
      return Array.isArray((await getTimelineHistogram(actor, w.caseId, ZTimelineFilters.parse({}))).buckets);
    case "writeEvent":
      return Boolean(
        (
          await createTimelineEvent(actor, w.caseId, {
            occurredAt: "2026-01-15T09:00",
            timeZone: "UTC",
            title: "matrix event",
            category: "OTHER",
          })
        ).id,
      );
    case "list": {
      const { items } = await listCases(actor, ZCaseFilters.parse({ q: (await current()).title }));
      return items.some((i) => i.id === w.caseId);
    }
  }
}

async function fingerprint(caseId: string) {
  const db = getDb();
  return {
    case: await db.case.findUniqueOrThrow({
      where: { id: caseId },
      select: { version: true, status: true, legalHold: true, summary: true },
    }),
    members: await db.caseMember.count({ where: { caseId } }),
    shared: await db.caseOrganization.count({ where: { caseId } }),
    notes: await db.note.count({ where: { caseId } }),
    events: await db.timelineEvent.count({ where: { caseId } }),
  };
}

describe("authorization matrix", () => {
  const worlds = new Map<Tlp, { world: TWorld; actors: TActorRow[] }>();

  beforeAll(async () => {
    for (const tlp of TLPS) {
      const [owner, partner, outsider, third] = await Promise.all([createOrg(), createOrg(), createOrg(), createOrg()]);
      const orgIds: Record<TOrg, string> = { owner: owner!.id, partner: partner!.id, outsider: outsider!.id };
      const founder = await createUser({ orgId: owner!.id });
      const spareLead = await createUser({ orgId: owner!.id });
      const c = await createCase({
        ownerOrgId: owner!.id,
        createdById: founder.id,
        tlp,
        members: [
          { userId: founder.id, role: "LEAD" },
          { userId: spareLead.id, role: "LEAD" },
        ],
      });
      await getDb().case.update({ where: { id: c.id }, data: { title: `Matrix ${tlp} ${uid()}` } });
      await getDb().caseOrganization.create({ data: { caseId: c.id, orgId: partner!.id, sharedById: founder.id } });
      const actors = [];
      for (const g of GLOBAL)
        for (const r of CASE_ROLES)
          for (const org of ORGS) {
            const actor = await createUser({ orgId: orgIds[org], role: g });
            if (r !== "NONE") await getDb().caseMember.create({ data: { caseId: c.id, userId: actor.id, role: r } });
            actors.push({ g, r, org, actor });
          }
      const people = (orgId: string) =>
        Promise.all(Array.from({ length: 40 }, () => createUser({ orgId }).then((u) => u.id)));
      const candidates = await people(owner!.id);
      const ownPeople = {
        owner: await people(owner!.id),
        partner: await people(partner!.id),
        outsider: await people(outsider!.id),
      };
      worlds.set(tlp, {
        world: {
          caseId: c.id,
          ownerOrgId: owner!.id,
          partnerOrgId: partner!.id,
          thirdOrgId: third!.id,
          spareLeadId: spareLead.id,
          candidates,
          ownPeople,
        },
        actors,
      });
    }
  }, 240_000);

  it("allows and denies exactly as the table says", async () => {
    const results = await Promise.all(
      TLPS.map(async (tlp) => {
        const { world, actors } = worlds.get(tlp)!;
        const mismatches: string[] = [];
        let checked = 0;
        for (const row of actors) {
          const { g, r, org, actor } = row;
          for (const action of ACTIONS) {
            const want = expected(action, g, r, org, tlp);
            const before = want ? null : await fingerprint(world.caseId);
            let got: boolean;
            try {
              got = await run(action, row, world);
            } catch (error) {
              if (!(error instanceof AppError) || ![403, 404].includes(error.status)) throw error;
              got = false;
            }
            if (before)
              expect(await fingerprint(world.caseId), `${action} by ${g}/${r}/${org}/${tlp} changed state`).toEqual(
                before,
              );
            if (got !== want)
              mismatches.push(`${action} by ${g} ${r} (${org} org) on TLP:${tlp}: expected ${want ? "allow" : "deny"}`);
            // The list's SQL (visibleCasesWhere) and the pure policy agree on every row.
            if (action === "list") {
              const facts = {
                memberRole: r === "NONE" ? null : r,
                ownerOrgId: world.ownerOrgId,
                sharedOrgIds: [world.partnerOrgId],
                tlp,
              };
              const pure = canOnCase(actor, "case.read", facts) || canListCaseMetadata(actor, facts);
              if (pure !== got)
                mismatches.push(`list by ${g} ${r} (${org} org) on TLP:${tlp}: SQL ${got}, policy ${pure}`);
              // … and so does its raw SQL twin (visibleCasesSql, for the admin audit log).
              const [raw] = await getDb().$queryRaw<{ n: number }[]>`
                SELECT count(*)::int AS n FROM "Case" c WHERE c.id = ${world.caseId}::uuid AND ${visibleCasesSql(actor)}`;
              if ((raw!.n === 1) !== got)
                mismatches.push(`list by ${g} ${r} (${org} org) on TLP:${tlp}: raw SQL ${raw!.n === 1}, Prisma ${got}`);
            }
            checked++;
          }
        }
        return { mismatches, checked };
      }),
    );
    const checked = results.reduce((n, r) => n + r.checked, 0);
    expect(results.flatMap((r) => r.mismatches)).toEqual([]);
    expect(checked).toBe(ACTIONS.length * GLOBAL.length * CASE_ROLES.length * ORGS.length * TLPS.length);
    console.log(`[matrix] ${checked} combinations checked`);
  }, 600_000);
});
