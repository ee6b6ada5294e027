import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ConflictError, NotFoundError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { usageImportIdsFor, usageImportsSql } from "@/lib/usage/signal-store";
import { activityDays, getCaseBrief } from "@/lib/summary/brief";
import { renderBriefPdf } from "@/lib/summary/brief-pdf";
import { listEnforcement, recordEnforcement } from "@/lib/summary/enforcement";
import { saveBriefText } from "@/lib/summary/findings";
import { getSummary } from "@/lib/summary/portfolio";
import { NOW, SECRETS, buildSummaryData } from "@/tests/helpers/summary-data";

// The summary's figures against values worked out by hand from tests/helpers/summary-data.ts,
// and what each role of each organisation may see of them.

let w: Awaited<ReturnType<typeof buildSummaryData>>;
beforeAll(async () => {
  w = await buildSummaryData();
}, 120_000);

const summaryOf = (actor: TActor, params: Record<string, string> = {}) => getSummary(actor, params, NOW);
const leaks = (text: string) => Object.values(SECRETS).filter((s) => text.includes(s));

function pdfText(pdf: Buffer) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "brief-")), "brief.pdf");
  writeFileSync(file, pdf);
  const pages = /Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file]).toString())?.[1];
  return { pages: Number(pages), text: execFileSync("pdftotext", ["-layout", file, "-"]).toString() };
}

describe("summary figures", () => {
  it("equal the hand-computed values for an executive of the owner organisation", async () => {
    const s = await summaryOf(w.execA);
    // case 4 (MEDIUM, investigators' own) is the owner organisation's too; case 3 is RED.
    expect(s.openBySeverity).toEqual({
      HIGH: { current: 1, previous: 1 },
      MEDIUM: { current: 1, previous: 0 },
      LOW: { current: 0, previous: 0 },
    });
    expect(s.opened).toEqual({ current: 2, previous: 1 });
    expect(s.closed).toEqual({ current: 1, previous: 0 });
    expect(s.linkedAccounts).toEqual({ current: 1, previous: 1 });
    expect(s.linkedClusters).toEqual({ current: 1, previous: 1 });
    // a1: 10 + 5 (shared import) + 100 (owner-only import); a2 before; a3 is in no cluster.
    expect(s.attributedRequests).toEqual({ current: 115, previous: 7 });
    expect(s.attributedTokens).toEqual({ current: 150 + 30 + 1000, previous: 70 });
    expect(s.evasionSignals).toEqual({ current: 1, previous: 1 });
    expect(s.extractionSignals).toEqual({ current: 1, previous: 0 });
    expect(s.enforcement).toEqual({ current: 1, previous: 1 });
    expect(s.productions).toEqual({ current: 1, previous: 0 });
    expect(s.restricted).toBe(1);
    expect(s.cases.map((c) => c.id)).toEqual([w.case1.id, w.case4.id, w.case2.id]);
    expect(s.cases[0]).toMatchObject({ member: false, signals: 2, enforcement: 1, requests: 115, tokens: 1180 });
    const cluster = s.charts.clusterTokens;
    expect(cluster.keys).toEqual([`${w.case1.number} cluster 1`]);
    expect(cluster.points.reduce((t, p) => t + Number(p[cluster.keys[0]!]), 0)).toBe(1180);
    expect(s.charts.signalsPerWeek.points.reduce((t, p) => t + Number(p.Evasion) + Number(p.Extraction), 0)).toBe(2);
    expect(s.charts.matrix.find((m) => m.severity === "HIGH")!.counts).toMatchObject({ ACTIVE: 1, OPEN: 0 });
    expect(s.charts.matrix.find((m) => m.severity === "LOW")!.counts).toMatchObject({ CLOSED: 1 });
    expect(s.charts.statusOverTime.points.at(-1)).toMatchObject({ ACTIVE: 1, CLOSED: 1, OPEN: 1 });
  });

  it("are the partner organisation's own view: no owner-only usage, its own signals and productions", async () => {
    const s = await summaryOf(w.execB);
    expect(s.cases.map((c) => c.id)).toEqual([w.case1.id]);
    expect(s.attributedRequests).toEqual({ current: 15, previous: 7 });
    expect(s.attributedTokens).toEqual({ current: 180, previous: 70 });
    expect(s.extractionSignals).toEqual({ current: 1, previous: 0 });
    expect(s.evasionSignals).toEqual({ current: 0, previous: 0 });
    expect(s.enforcement).toEqual({ current: 1, previous: 0 });
    expect(s.productions).toEqual({ current: 1, previous: 0 });
    expect(s.restricted).toBe(1); // the RED case is shared into B: counted, never listed
  });

  it("filter by severity and organisation", async () => {
    expect((await summaryOf(w.execA, { severity: "LOW" })).cases.map((c) => c.id)).toEqual([w.case2.id]);
    expect((await summaryOf(w.execA, { orgId: w.orgB.id })).cases.map((c) => c.id)).toEqual([w.case1.id]);
    const junk = await summaryOf(w.execA, { period: "nonsense", severity: "HUGE" });
    expect(junk.filters).toEqual({ period: "30d" });
  });

  it("the SQL twin of usageImportIdsFor agrees with it", async () => {
    for (const org of [w.orgA, w.orgB]) {
      const rows = await getDb().$queryRaw<
        { id: string }[]
      >`SELECT id FROM (${usageImportsSql(org.id)}) i WHERE i."caseId" = ${w.case1.id}::uuid`;
      expect(rows.map((r) => r.id).sort()).toEqual((await usageImportIdsFor(org.id, w.case1.id)).sort());
    }
  });
});

describe("who sees which cases' figures", () => {
  const ids = (cases: { id: string }[]) => cases.map((c) => c.id).sort();
  it("allows executives and admins of both organisations, and leads; RED is counted, not listed", async () => {
    expect(ids((await summaryOf(w.adminA)).cases)).toEqual([w.case1.id, w.case2.id, w.case4.id].sort());
    expect((await summaryOf(w.adminA)).restricted).toBe(1);
    expect(ids((await summaryOf(w.adminB)).cases)).toEqual([w.case1.id]);
    expect(ids((await summaryOf(w.leadA)).cases)).toEqual([w.case1.id, w.case2.id, w.case3.id].sort());
    expect(ids((await summaryOf(w.leadB)).cases)).toEqual([w.case1.id]);
    expect((await summaryOf(w.leadB)).restricted).toBe(0);
    const outsider = await summaryOf(w.execC);
    expect(outsider.cases).toEqual([]);
    expect(outsider.attributedTokens).toEqual({ current: 0, previous: 0 });
    expect(outsider.restricted).toBe(0);
  });

  it("shows investigators only their own cases' figures", async () => {
    const s = await summaryOf(w.invA);
    expect(ids(s.cases)).toEqual([w.case4.id]);
    expect(s.attributedTokens).toEqual({ current: 0, previous: 0 });
    expect(s.restricted).toBe(0);
  });

  it("refuses the summary to people who lead nothing and are not executives or admins", async () => {
    await expect(summaryOf(w.legalA)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("gives each role of each organisation the brief level the policy says, or a 404", async () => {
    const expected: [TActor, string, "full" | "aggregate" | null][] = [
      [w.execA, "case1", "aggregate"],
      [w.execA, "case3", null],
      [w.adminA, "case1", "aggregate"],
      [w.adminA, "case3", null],
      [w.leadA, "case1", "full"],
      [w.leadA, "case3", "full"],
      [w.invA, "case1", null],
      [w.invA, "case4", "full"],
      [w.legalA, "case1", "full"],
      [w.legalA, "case2", null],
      [w.execB, "case1", "aggregate"],
      [w.execB, "case2", null],
      [w.execB, "case3", null],
      [w.adminB, "case1", "aggregate"],
      [w.leadB, "case1", "full"],
      [w.leadB, "case3", null],
      [w.execC, "case1", null],
    ];
    for (const [actor, key, level] of expected) {
      const caseId = w[key as "case1"].id;
      const got = await getCaseBrief(actor, caseId).then(
        (b) => b.level,
        (e: unknown) => (e instanceof NotFoundError ? null : Promise.reject(e)),
      );
      expect(got, `${actor.role} ${actor.orgName} on ${key}`).toBe(level);
    }
  });
});

describe("the brief", () => {
  it("ends the activity on the day of the last hour with traffic", () => {
    const at = (iso: string) => new Date(iso);
    expect(activityDays(at("2026-11-28T00:00:00Z"), at("2026-12-01T00:00:00Z"))).toEqual({
      first: "2026-11-28",
      last: "2026-11-30",
    });
    expect(activityDays(at("2026-11-28T05:00:00Z"), at("2026-11-28T06:00:00Z"))).toEqual({
      first: "2026-11-28",
      last: "2026-11-28",
    });
    expect(activityDays(null, null)).toBeNull();
  });

  it("gives a non-member executive aggregates and the leads' findings, never an entity value, note, file name or event", async () => {
    await saveBriefText(w.leadA, w.case1.id, {
      findings: "Cluster extracted outputs.",
      nextSteps: "Suspend.",
      baseVersion: 0,
    });
    const brief = await getCaseBrief(w.execA, w.case1.id);
    expect(brief.level).toBe("aggregate");
    expect(brief.text).toMatchObject({ version: 1, findings: "Cluster extracted outputs." });
    expect(brief.figures).toMatchObject({ accounts: 3, clusters: 1, linkedAccounts: 2, requests: 1122, tokens: 11250 });
    // The last hour with traffic is 00:00–01:00 on its day: the activity ends that day.
    expect(brief.figures.activityDays).toEqual({ first: "2026-10-01", last: "2026-11-03" });
    expect(brief.enforcement[0]).toMatchObject({ targetCount: 1, targets: [] });
    expect(brief.graph).toBeNull();
    expect(brief.events).toEqual([]);
    expect(leaks(JSON.stringify(brief))).toEqual([]);
    const pdf = pdfText(await renderBriefPdf(brief));
    expect(pdf.pages).toBe(1);
    expect(pdf.text).toContain(w.case1.number);
    expect(pdf.text).toContain("TLP:AMBER");
    // The whole activity, one target in the singular, productions said to be the members'.
    expect(pdf.text).toMatch(/2026-10-01 [–-] 2026-11-03/);
    expect(pdf.text).toMatch(/, 1 target: /);
    // The reader's organisation by name: the PDF is read away from the reader's account.
    expect(pdf.text).toMatch(/Productions \([1-9]\d*\) by [^\n]+\s+Listed for the case.s members\./);
    expect(pdf.text).toContain(`by ${w.orgA.name}`);
    expect(pdf.text).toContain(`figures as ${w.orgA.name} sees them`);
    expect(pdf.text).not.toContain("your organisation");
    expect(leaks(pdf.text)).toEqual([]);
    const summary = await summaryOf(w.execA);
    expect(leaks(JSON.stringify(summary))).toEqual([]);
  });

  it("is whole for members, on one page even with long findings", async () => {
    const brief = await getCaseBrief(w.leadA, w.case1.id);
    expect(brief.level).toBe("full");
    expect(brief.graph?.nodes.map((n) => n.label)).toContain(SECRETS.entity);
    expect(brief.events.map((e) => e.title)).toEqual([SECRETS.event]);
    // The case category the timeline shows, not the category under it.
    expect(brief.events.map((e) => e.customCategory)).toEqual(["Harvest run"]);
    expect(pdfText(await renderBriefPdf(brief, "A4")).text).toContain("Harvest run");
    expect(brief.productions).toHaveLength(1);
    const long = {
      ...brief,
      text: { ...brief.text!, findings: "A long finding. ".repeat(300), nextSteps: "Step. ".repeat(300) },
    };
    for (const size of ["A4", "LETTER"] as const) {
      const pdf = pdfText(await renderBriefPdf(long, size));
      expect(pdf.pages).toBe(1);
      expect(pdf.text).toContain(w.case1.number);
    }
  });

  it("keeps every version and refuses a save from a stale version", async () => {
    const before = (await getCaseBrief(w.leadA, w.case2.id)).text?.version ?? 0;
    await saveBriefText(w.leadA, w.case2.id, { findings: "First.", nextSteps: "", baseVersion: before });
    await expect(
      saveBriefText(w.leadA, w.case2.id, { findings: "Stale.", nextSteps: "", baseVersion: before }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await getDb().caseBrief.count({ where: { caseId: w.case2.id } })).toBe(before + 1);
    // Only leads write it.
    await expect(
      saveBriefText(w.legalA, w.case1.id, { findings: "x", nextSteps: "", baseVersion: 1 }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      saveBriefText(w.execA, w.case1.id, { findings: "x", nextSteps: "", baseVersion: 1 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("counts the clusters as they are now, never from a stored run that no longer matches what it rests on", async () => {
    const figures = { clusters: 1, linkedAccounts: 2 };
    expect((await getCaseBrief(w.execA, w.case1.id)).figures).toMatchObject(figures);
    // A run stored before something it rests on changed (a link, a merge, a release withdrawn):
    // its stamp no longer matches, so the next brief computes the clusters again.
    await getDb().clusterRun.updateMany({
      where: { caseId: w.case1.id, viewerOrgId: w.orgA.id },
      data: { linksStamp: "stale", result: { minConfidence: 50, seed: 1, resolution: 1, clusters: [] } },
    });
    expect((await getCaseBrief(w.execA, w.case1.id)).figures).toMatchObject(figures);
    expect((await getCaseBrief(w.leadA, w.case1.id)).graph?.nodes.map((n) => n.label)).toContain(SECRETS.entity);
  });
});

describe("the enforcement log", () => {
  it("shows each action's effect on its targets, the week before and after, in each organisation's view", async () => {
    const [a] = await listEnforcement(w.leadA, w.case1.id);
    expect(a!.effect).toEqual({ before: { requests: 10, tokens: 150 }, after: { requests: 105, tokens: 1030 } });
    expect(a!.targets.map((t) => t.value)).toEqual([SECRETS.entity]);
    const [b] = await listEnforcement(w.leadB, w.case1.id);
    expect(b!.effect).toEqual({ before: { requests: 10, tokens: 150 }, after: { requests: 5, tokens: 30 } });
    const [exec] = await listEnforcement(w.execA, w.case1.id);
    expect(exec!.targets).toEqual([]);
    await expect(listEnforcement(w.execC, w.case1.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("is recorded by leads only, with targets among the case's entities", async () => {
    const input = {
      kind: "KEY_REVOKED",
      requestedById: w.leadA.id,
      carriedOutBy: "Platform team",
      orgId: w.orgA.id,
      takenAt: "2026-11-03T00:00:00Z",
      entityIds: [w.a2.id],
    };
    const before = await getDb().enforcementAction.count({ where: { caseId: w.case1.id } });
    await recordEnforcement(w.leadB, w.case1.id, { ...input, requestedById: w.leadB.id, orgId: w.orgB.id });
    await expect(recordEnforcement(w.legalA, w.case1.id, input)).rejects.toMatchObject({ status: 403 });
    await expect(recordEnforcement(w.execA, w.case1.id, input)).rejects.toBeInstanceOf(NotFoundError);
    await expect(recordEnforcement(w.leadA, w.case1.id, { ...input, entityIds: [w.case2.id] })).rejects.toMatchObject({
      status: 400,
    });
    await expect(recordEnforcement(w.leadA, w.case1.id, { ...input, orgId: w.orgC.id })).rejects.toMatchObject({
      status: 400,
    });
    await expect(recordEnforcement(w.leadA, w.case1.id, { ...input, carriedOutBy: "" })).rejects.toMatchObject({
      status: 400,
    });
    expect(await getDb().enforcementAction.count({ where: { caseId: w.case1.id } })).toBe(before + 1);
  });

  /** An account of case 1 that only the owner organisation's owner-only usage import names. */
  async function ownerOnlyAccount(value: string) {
    const db = getDb();
    const owner = await db.importJob.findFirstOrThrow({
      where: { caseId: w.case1.id, evidence: { visibility: "OWNER_ORG_ONLY" } },
    });
    const entity = await db.entity.create({ data: { caseId: w.case1.id, kind: "ACCOUNT", value } });
    await db.entityMention.create({
      data: { entityId: entity.id, caseId: w.case1.id, importId: owner.id, orgId: w.orgA.id, display: value },
    });
    return entity;
  }

  it("counts only the targets the reader may see: a target known from owner-only usage is not even counted", async () => {
    const db = getDb();
    const hidden = await ownerOnlyAccount("acct_owner_only");
    const takenAt = "2026-11-20T00:00:00Z";
    await recordEnforcement(w.leadA, w.case1.id, {
      kind: "ACCOUNT_SUSPENDED",
      requestedById: w.leadA.id,
      carriedOutBy: "Trust & Safety",
      orgId: w.orgA.id,
      takenAt,
      entityIds: [w.a1.id, hidden.id],
    });
    const action = async (actor: TActor) =>
      (await listEnforcement(actor, w.case1.id)).find(
        (a) => a.takenAt.toISOString() === new Date(takenAt).toISOString(),
      )!;
    expect(await action(w.leadA)).toMatchObject({ targetCount: 2 });
    // The partner's lead sees the one target it may see; its admin (no member: no values) a count of one.
    expect(await action(w.leadB)).toMatchObject({
      targetCount: 1,
      targets: [expect.objectContaining({ value: w.a1.value })],
    });
    expect(await action(w.adminB)).toMatchObject({ targetCount: 1, targets: [] });
    await db.enforcementAction.deleteMany({ where: { caseId: w.case1.id, takenAt: new Date(takenAt) } });
  });

  it("an action on targets only the other organisation's owner-only data names is not listed or counted for it", async () => {
    const db = getDb();
    // One account only the owner organisation's data names, one only the partner's typed owner-only mention.
    const onlyA = await ownerOnlyAccount("acct_only_a");
    const onlyB = await db.entity.create({ data: { caseId: w.case1.id, kind: "ACCOUNT", value: "acct_only_b" } });
    await db.entityMention.create({
      data: {
        entityId: onlyB.id,
        caseId: w.case1.id,
        orgId: w.orgB.id,
        visibility: "OWNER_ORG_ONLY",
        display: onlyB.value,
        createdById: w.leadB.id,
      },
    });
    const before = { a: await summaryOf(w.execA), b: await summaryOf(w.execB) };
    const record = (lead: TActor, org: string, takenAt: string, entityIds: string[]) =>
      recordEnforcement(lead, w.case1.id, {
        kind: "ACCOUNT_SUSPENDED",
        requestedById: lead.id,
        carriedOutBy: "Trust & Safety",
        orgId: org,
        takenAt,
        entityIds,
      });
    const [byA, byB, untargeted] = [
      await record(w.leadA, w.orgA.id, "2026-11-19T00:00:00Z", [onlyA.id]),
      await record(w.leadB, w.orgB.id, "2026-11-18T00:00:00Z", [onlyB.id]),
      await record(w.leadA, w.orgA.id, "2026-11-17T00:00:00Z", []),
    ];
    try {
      const listed = async (actor: TActor) => (await listEnforcement(actor, w.case1.id)).map((a) => a.id);
      const briefed = async (actor: TActor) => (await getCaseBrief(actor, w.case1.id)).enforcement.map((a) => a.id);
      for (const actor of [w.leadA, w.legalA, w.execA, w.adminA]) {
        expect(await listed(actor)).toEqual(expect.arrayContaining([byA.id, untargeted.id]));
        expect(await listed(actor)).not.toContain(byB.id);
        expect(await briefed(actor)).not.toContain(byB.id);
      }
      for (const actor of [w.leadB, w.execB, w.adminB]) {
        expect(await listed(actor)).toEqual(expect.arrayContaining([byB.id, untargeted.id]));
        expect(await listed(actor)).not.toContain(byA.id);
        expect(await briefed(actor)).not.toContain(byA.id);
      }
      // Each organisation counts its own action and the one with no target, never the other's.
      const after = { a: await summaryOf(w.execA), b: await summaryOf(w.execB) };
      expect(after.a.enforcement.current - before.a.enforcement.current).toBe(2);
      expect(after.b.enforcement.current - before.b.enforcement.current).toBe(2);
      const case1 = (s: typeof before.a) => s.cases.find((c) => c.id === w.case1.id)!.enforcement;
      expect([case1(after.a) - case1(before.a), case1(after.b) - case1(before.b)]).toEqual([2, 2]);
    } finally {
      await db.enforcementAction.deleteMany({ where: { id: { in: [byA.id, byB.id, untargeted.id] } } });
    }
  });
});
