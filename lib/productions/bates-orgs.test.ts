import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { startProduction } from "@/lib/productions/mutations";
import { getExportForm } from "@/lib/productions/queries";
import { runProduction } from "@/lib/productions/runner";
import { upload } from "@/tests/helpers/evidence";
import { createCase, createJointCase, uid } from "@/tests/helpers/factories";
import { addLegalReviewer, produce } from "@/tests/helpers/productions";

// Bates numbers are the producing organisation's: each organisation numbers its productions of
// a prefix on its own, from 1, and what the other organisation used (on this case or any other)
// is never refused, named, counted or waited for. Within one organisation they stay unique
// across its cases, also when its exports start at once.

const PREFIX = "CB"; // the form's default, which every organisation starts with

/** A joint case with a legal reviewer on each side: the owner sees three items, the partner two. */
async function world() {
  const w = await createJointCase();
  const [reviewer, partnerReviewer] = await Promise.all([
    addLegalReviewer(w.caseId, w.ownerOrg.id),
    addLegalReviewer(w.caseId, w.partnerOrg.id),
  ]);
  for (const [i, visibility] of ["ALL_CASE_ORGS", "ALL_CASE_ORGS", "OWNER_ORG_ONLY"].entries())
    await upload(w.investigator, w.caseId, Buffer.from(`item ${i} ${uid()}`), { fileName: `f${i}.txt`, visibility });
  return { ...w, reviewer, partnerReviewer };
}

const start = (actor: TActor, caseId: string, batesStart: number) =>
  startProduction(actor, caseId, {
    scope: { kind: "case" },
    batesPrefix: PREFIX,
    batesStart,
    receivingParty: "Counsel",
  });

const range = async (id: string) => {
  const p = await getDb().production.findUniqueOrThrow({ where: { id } });
  return { status: p.status, start: p.batesStart, end: p.batesEnd };
};

const refusal = (actor: TActor, caseId: string, batesStart: number) =>
  start(actor, caseId, batesStart).then(
    () => "started",
    (error: Error) => error.message,
  );

const nextNumber = async (actor: TActor, caseId: string) => (await getExportForm(actor, caseId)).nextNumbers[PREFIX];

describe("Bates numbering per organisation", () => {
  it("lets each organisation's legal reviewer start at CB1; a refusal names only its own numbers", async () => {
    const w = await world();
    expect(await range(await produce(w.reviewer, w.caseId, { batesPrefix: PREFIX }))).toEqual({
      status: "COMPLETE",
      start: 1,
      end: 3,
    });
    expect(await range(await produce(w.reviewer, w.caseId, { batesPrefix: PREFIX, batesStart: 4 }))).toMatchObject({
      start: 4,
      end: 6,
    });
    const partners = await produce(w.partnerReviewer, w.caseId, { batesPrefix: PREFIX });
    expect(await range(partners)).toEqual({ status: "COMPLETE", start: 1, end: 2 });
    // Overlap within one organisation is refused, naming that organisation's numbers only.
    expect(await refusal(w.partnerReviewer, w.caseId, 2)).toBe(
      "CB000001 to CB000002 are already used: start at 3 or later.",
    );
    expect(await refusal(w.reviewer, w.caseId, 6)).toBe("CB000001 to CB000006 are already used: start at 7 or later.");
    expect(await getDb().production.count({ where: { caseId: w.caseId, orgId: w.partnerOrg.id } })).toBe(1);
    // The form's suggested next number is the organisation's own.
    expect(await nextNumber(w.partnerReviewer, w.caseId)).toBe(3);
    expect(await nextNumber(w.reviewer, w.caseId)).toBe(7);
  }, 120_000);

  it("lets leads of either organisation start at CB1; the organisation's numbers hold across its cases", async () => {
    const w = await world();
    expect(await range(await produce(w.lead, w.caseId, { batesPrefix: PREFIX }))).toMatchObject({ start: 1, end: 3 });
    expect(await range(await produce(w.partnerLead, w.caseId, { batesPrefix: PREFIX }))).toMatchObject({
      start: 1,
      end: 2,
    });
    // Another case of the owner organisation: its reviewer may not reuse what the lead produced.
    const other = await createCase({
      ownerOrgId: w.ownerOrg.id,
      createdById: w.lead.id,
      members: [{ userId: w.lead.id, role: "LEAD" }],
    });
    const reviewer = await addLegalReviewer(other.id, w.ownerOrg.id);
    expect(await refusal(reviewer, other.id, 1)).toBe("CB000001 to CB000003 are already used: start at 4 or later.");
  }, 120_000);

  it("gives disjoint ranges within each organisation when both organisations' exports start at once", async () => {
    const w = await world();
    const owner = [w.reviewer, w.lead];
    const partner = [w.partnerReviewer, w.partnerLead];
    const started = await Promise.all([...owner, ...partner].map((actor) => start(actor, w.caseId, 1)));
    await Promise.all(started.map((p) => runProduction(p.id)));
    const ranges = await Promise.all(started.map((p) => range(p.id)));
    const sorted = (rs: typeof ranges) => [...rs].sort((a, b) => a.start! - b.start!);
    expect(sorted(ranges.slice(0, 2))).toEqual([
      { status: "COMPLETE", start: 1, end: 3 },
      { status: "COMPLETE", start: 4, end: 6 },
    ]);
    expect(sorted(ranges.slice(2))).toEqual([
      { status: "COMPLETE", start: 1, end: 2 },
      { status: "COMPLETE", start: 3, end: 4 },
    ]);
    expect(await nextNumber(w.reviewer, w.caseId)).toBe(7);
    expect(await nextNumber(w.partnerReviewer, w.caseId)).toBe(5);
  }, 180_000);

  it("does not wait for the other organisation's running export of the same prefix", async () => {
    const w = await world();
    // The owner's export, running with a fresh heartbeat (its runner is elsewhere).
    const running = await getDb().production.create({
      data: {
        caseId: w.caseId,
        orgId: w.ownerOrg.id,
        createdById: w.reviewer.id,
        status: "RUNNING",
        heartbeatAt: new Date(),
        scope: { kind: "case" },
        batesPrefix: PREFIX,
        receivingParty: "Counsel",
      },
    });
    try {
      const partners = await produce(w.partnerReviewer, w.caseId, { batesPrefix: PREFIX });
      expect(await range(partners)).toEqual({ status: "COMPLETE", start: 1, end: 2 });
    } finally {
      await getDb().production.update({ where: { id: running.id }, data: { status: "FAILED", heartbeatAt: null } });
    }
  }, 60_000);
});
