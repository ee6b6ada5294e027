// Who sees a case's brief, and how much: every global role × case role (or none) × the actor's
// organisation (owner, partner the case is shared with, outsider) × TLP, through the real lib
// functions. Expectations are written out here, independently of lib/auth/permissions.ts; the
// SQL form (summaryCasesSql) must select exactly the cases the policy gives a level.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { getCaseBrief } from "@/lib/summary/brief";
import { getSummary } from "@/lib/summary/portfolio";
import { summaryCasesSql } from "@/lib/summary/scope";
import type { CaseRole, GlobalRole, Tlp } from "@/lib/generated/prisma/enums";
import { createCase, createOrg, createUser } from "@/tests/helpers/factories";

const GLOBAL: GlobalRole[] = ["ADMIN", "INVESTIGATOR", "LEGAL", "EXECUTIVE"];
const CASE_ROLES: (CaseRole | "NONE")[] = ["LEAD", "INVESTIGATOR", "LEGAL_REVIEWER", "VIEWER", "NONE"];
const ORGS = ["owner", "partner", "outsider"] as const;
const TLPS: Tlp[] = ["AMBER", "RED"];

type TCombo = { global: GlobalRole; caseRole: CaseRole | "NONE"; org: (typeof ORGS)[number]; tlp: Tlp; actor: TActor };

function expected(c: Omit<TCombo, "actor">): "full" | "aggregate" | null {
  const inCaseOrg = c.org !== "outsider";
  if (c.caseRole !== "NONE" && inCaseOrg) return "full"; // every global role may hold at least VIEWER
  if ((c.global === "EXECUTIVE" || c.global === "ADMIN") && inCaseOrg && c.tlp !== "RED") return "aggregate";
  return null;
}

const combos: TCombo[] = [];
const cases = new Map<Tlp, string>();

beforeAll(async () => {
  const [owner, partner, outsider] = await Promise.all([createOrg(), createOrg(), createOrg()]);
  const orgOf = { owner, partner, outsider };
  const creator = await createUser({ orgId: owner.id });
  for (const tlp of TLPS) {
    const c = await createCase({ ownerOrgId: owner.id, createdById: creator.id, tlp, sharedOrgIds: [partner.id] });
    cases.set(tlp, c.id);
  }
  const specs = GLOBAL.flatMap((global) =>
    CASE_ROLES.flatMap((caseRole) => ORGS.flatMap((org) => TLPS.map((tlp) => ({ global, caseRole, org, tlp })))),
  );
  // One at a time: the database may be busy (a shared machine), and the pool is small.
  for (const spec of specs) {
    const actor = await createUser({ orgId: orgOf[spec.org].id, role: spec.global });
    if (spec.caseRole !== "NONE")
      await getDb().caseMember.create({
        data: { caseId: cases.get(spec.tlp)!, userId: actor.id, role: spec.caseRole },
      });
    combos.push({ ...spec, actor });
  }
}, 180_000);

describe("brief access matrix", () => {
  it("gives every role of every organisation the level written out here, or a 404", async () => {
    const wrong: string[] = [];
    for (const c of combos) {
      const caseId = cases.get(c.tlp)!;
      const got = await getCaseBrief(c.actor, caseId).then(
        (b) => b.level,
        (e: unknown) => (e instanceof NotFoundError ? null : Promise.reject(e)),
      );
      const [inSql] = await getDb().$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM "Case" c WHERE c.id = ${caseId}::uuid AND ${summaryCasesSql(c.actor)}`;
      const want = expected(c);
      if (got !== want || (inSql!.n === 1) !== (want !== null))
        wrong.push(`${c.global}/${c.caseRole}/${c.org}/${c.tlp}: got ${got} (sql ${inSql!.n}), want ${want}`);
    }
    expect(wrong).toEqual([]);
  }, 180_000);

  it("opens the summary to executives, admins and leads only, each seeing only what the matrix allows", async () => {
    const wrong: string[] = [];
    for (const c of combos.filter((x) => x.tlp === "AMBER")) {
      // A lead's role counts only as an investigator or admin (others are capped) and in a case organisation.
      const leads = c.caseRole === "LEAD" && c.global === "INVESTIGATOR" && c.org !== "outsider";
      const allowed = c.global === "EXECUTIVE" || c.global === "ADMIN" || leads;
      const got = await getSummary(c.actor, {}).then(
        (s) =>
          s.cases
            .map((x) => x.id)
            .filter((id) => [...cases.values()].includes(id))
            .sort(),
        (e: unknown) => (e instanceof NotFoundError ? null : Promise.reject(e)),
      );
      // These actors are members (if at all) of the AMBER case only.
      const want = allowed ? (expected(c) !== null ? [cases.get("AMBER")!] : []) : null;
      if (JSON.stringify(got) !== JSON.stringify(want))
        wrong.push(`${c.global}/${c.caseRole}/${c.org}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    expect(wrong).toEqual([]);
  }, 180_000);
});
