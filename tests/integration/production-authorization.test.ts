// The authorization matrix of legal review exports: every case role of both organisations, an
// executive member, their admins (not members) and an outsider, against starting an export,
// listing and downloading a finished one, and deleting it. Expectations are written out here,
// independently of lib/auth/permissions.ts. A refusal changes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import type { CaseRole, GlobalRole } from "@/lib/generated/prisma/enums";
import { setLegalHold } from "@/lib/cases/mutations";
import { deleteProduction, startProduction } from "@/lib/productions/mutations";
import { listProductions, openProductionDownload } from "@/lib/productions/queries";
import { getEvidence } from "@/lib/evidence/queries";
import { createCase, createOrg, createUser, uid } from "@/tests/helpers/factories";
import { upload } from "@/tests/helpers/evidence";
import { produce } from "@/tests/helpers/productions";

type TOrg = "owner" | "partner" | "outsider";
type TWho = { name: string; org: TOrg; role: CaseRole | "EXECUTIVE" | "ADMIN" | "NONE"; actor: TActor };
type TOutcome = "ok" | 403 | 404 | 409;

const outcome = async (run: () => Promise<unknown>): Promise<TOutcome> => {
  try {
    await run();
    return "ok";
  } catch (error) {
    if (error instanceof AppError && [403, 404, 409].includes(error.status)) return error.status as TOutcome;
    throw error;
  }
};

const member = (w: TWho) => w.role !== "ADMIN" && w.role !== "NONE";
const producer = (w: TWho) => w.role === "LEAD" || w.role === "LEGAL_REVIEWER";
// Start: legal reviewers and leads of either organisation; other members 403; non-members 404.
const expectStart = (w: TWho): TOutcome => (!member(w) ? 404 : producer(w) ? "ok" : 403);
// A production is its organisation's: the partner's producers do not find it at all.
const expectDownload = (w: TWho): TOutcome => (!member(w) ? 404 : !producer(w) ? 403 : w.org === "owner" ? "ok" : 404);
const expectDelete = (w: TWho): TOutcome =>
  !member(w) ? 404 : w.role !== "LEAD" ? 403 : w.org === "owner" ? "ok" : 404;

let caseId = "";
let who: TWho[] = [];
let finished = "";
let ownerReviewer: TActor;
let itemId = "";

const ROLES: { role: TWho["role"]; global: GlobalRole; caseRole: CaseRole | null }[] = [
  { role: "LEAD", global: "INVESTIGATOR", caseRole: "LEAD" },
  { role: "INVESTIGATOR", global: "INVESTIGATOR", caseRole: "INVESTIGATOR" },
  { role: "LEGAL_REVIEWER", global: "LEGAL", caseRole: "LEGAL_REVIEWER" },
  { role: "VIEWER", global: "INVESTIGATOR", caseRole: "VIEWER" },
  // Stored as LEAD: a global executive's case role is capped to viewer.
  { role: "EXECUTIVE", global: "EXECUTIVE", caseRole: "LEAD" },
  { role: "ADMIN", global: "ADMIN", caseRole: null },
];

beforeAll(async () => {
  const [ownerOrg, partnerOrg, outsiderOrg] = await Promise.all([createOrg(), createOrg(), createOrg()]);
  const people = async (org: "owner" | "partner", orgId: string) =>
    Promise.all(
      ROLES.map(async (r) => ({
        name: `${org} ${r.role}`,
        org,
        role: r.role,
        caseRole: r.caseRole,
        actor: await createUser({ orgId, role: r.global }),
      })),
    );
  const all = [...(await people("owner", ownerOrg.id)), ...(await people("partner", partnerOrg.id))];
  const lead = all[0]!.actor;
  const c = await createCase({
    ownerOrgId: ownerOrg.id,
    createdById: lead.id,
    members: all.filter((p) => p.caseRole).map((p) => ({ userId: p.actor.id, role: p.caseRole! })),
  });
  caseId = c.id;
  await getDb().caseOrganization.create({ data: { caseId, orgId: partnerOrg.id, sharedById: lead.id } });
  const outsider = {
    name: "outsider",
    org: "outsider" as const,
    role: "NONE" as const,
    actor: await createUser({ orgId: outsiderOrg.id }),
  };
  who = [...all.map(({ caseRole: _r, ...w }) => w), outsider];
  ownerReviewer = who.find((w) => w.name === "owner LEGAL_REVIEWER")!.actor;
  itemId = (await upload(lead, caseId, Buffer.from(`evidence ${uid()}`), { fileName: "e.txt" })).id;
  finished = await produce(ownerReviewer, caseId, { batesPrefix: `AUTH${uid().toUpperCase()}_` });
}, 120_000);

const count = () => getDb().production.count({ where: { caseId } });

describe("legal review exports: authorization", () => {
  it("start: legal reviewers and leads of either organisation; nobody else", async () => {
    for (const w of who) {
      const before = await count();
      const got = await outcome(async () => {
        const { id } = await startProduction(w.actor, caseId, {
          scope: { kind: "case" },
          batesPrefix: "MATRIX",
          batesStart: 1,
          receivingParty: "Counsel",
        });
        // Not run: the row is enough to prove the start was allowed.
        await getDb().production.update({ where: { id }, data: { status: "FAILED", error: "matrix test" } });
      });
      expect({ who: w.name, got }).toEqual({ who: w.name, got: expectStart(w) });
      if (got !== "ok") expect(await count()).toBe(before);
    }
  });

  it("list and download: the producing organisation's legal reviewers and leads", async () => {
    for (const w of who) {
      const custody = await getDb().custodyEvent.count({ where: { action: "PRODUCED" } });
      const got = await outcome(async () => (await openProductionDownload(w.actor, caseId, finished)).stream.destroy());
      expect({ who: w.name, got }).toEqual({ who: w.name, got: expectDownload(w) });
      if (got !== "ok") expect(await getDb().custodyEvent.count({ where: { action: "PRODUCED" } })).toBe(custody);
      const listed = await outcome(async () => {
        const { productions } = await listProductions(w.actor, caseId);
        if (!productions.some((p) => p.id === finished)) throw new AppError("not listed", 404, "not_found");
      });
      expect({ who: w.name, listed }).toEqual({ who: w.name, listed: expectDownload(w) });
    }
  });

  it("custody: a download's PRODUCED entry shows only to the producing organisation", async () => {
    await (await openProductionDownload(ownerReviewer, caseId, finished)).stream.destroy();
    const seen: Record<string, boolean | TOutcome> = {};
    for (const w of who) {
      const got = await outcome(async () => {
        const item = await getEvidence(w.actor, caseId, itemId);
        if (!("custody" in item)) throw new Error(`${w.name}: the item is withheld`);
        const produced = item.custody.filter((c) => c.action === "PRODUCED");
        seen[w.name] = produced.length > 0 && produced.every((c) => c.note.includes(finished));
      });
      if (got !== "ok") seen[w.name] = got;
    }
    // Every member reads the item and its custody; only the owner's see the production in it.
    expect(seen).toEqual(Object.fromEntries(who.map((w) => [w.name, !member(w) ? 404 : w.org === "owner"])));
  });

  it("delete: a lead of the producing organisation, never under legal hold", async () => {
    for (const w of who) {
      const id = await produce(ownerReviewer, caseId, { batesPrefix: `DEL${uid().toUpperCase()}_` });
      const got = await outcome(() => deleteProduction(w.actor, caseId, id));
      expect({ who: w.name, got }).toEqual({ who: w.name, got: expectDelete(w) });
      const row = await getDb().production.findUniqueOrThrow({ where: { id } });
      expect(row.deletedAt !== null).toBe(got === "ok");
    }
    const lead = who.find((w) => w.name === "owner LEAD")!.actor;
    const held = await produce(ownerReviewer, caseId, { batesPrefix: `HOLD${uid().toUpperCase()}_` });
    const c = await getDb().case.findUniqueOrThrow({ where: { id: caseId } });
    await setLegalHold(lead, caseId, { legalHold: "on", version: c.version });
    expect(await outcome(() => deleteProduction(lead, caseId, held))).toBe(409);
    expect((await getDb().production.findUniqueOrThrow({ where: { id: held } })).deletedAt).toBeNull();
  }, 180_000);
});
