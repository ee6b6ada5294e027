import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { DEMO_ACCOUNTS, seedDemoData } from "@/lib/seed/demo";
import { getLinkageOverview } from "@/lib/linkage/queries";
import { listNotes } from "@/lib/notes/queries";
import { getCaseBrief } from "@/lib/summary/brief";
import { getSummary } from "@/lib/summary/portfolio";

describe("seedDemoData", () => {
  it("creates two organisations, a user per role in each, and the demo case, once", async () => {
    await seedDemoData();
    const counts = async () => ({
      orgs: await getDb().organization.count({ where: { slug: { in: ["microsoft", "openai"] } } }),
      users: await getDb().user.count({ where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } }),
      cases: await getDb().case.count({ where: { title: { startsWith: "Suspected distillation via API" } } }),
    });
    const first = await counts();
    expect(first).toEqual({ orgs: 2, users: 8, cases: 1 });
    expect(await seedDemoData()).toEqual({ created: false });
    expect(await counts()).toEqual(first);
  }, 180_000); // the first seed loads the demo usage log and runs its analysis

  it("the demo case shows every capability: evidence, a loaded usage log with its signals, timeline events", async () => {
    await seedDemoData();
    const demo = await getDb().case.findFirstOrThrow({
      where: { title: { startsWith: "Suspected distillation via API" } },
      select: { id: true, ownerOrgId: true, sharedWith: { select: { orgId: true } } },
    });
    const job = await getDb().importJob.findFirstOrThrow({ where: { caseId: demo.id, kind: "USAGE" } });
    expect(job).toMatchObject({ status: "COMMITTED", rowsRejected: 0 });
    expect(job.rowsValid).toBeGreaterThan(10_000);
    for (const orgId of [demo.ownerOrgId, demo.sharedWith[0]!.orgId]) {
      const rules = (await getDb().usageSignal.findMany({ where: { caseId: demo.id, viewerOrgId: orgId } })).map(
        (s) => s.rule.split("@")[0],
      );
      expect(new Set(rules)).toEqual(
        new Set(["limit_evasion", "key_rotation", "extraction_shaped", "fast_model_switching", "synchronised_traffic"]),
      );
    }
    const evasion = await getDb().usageSignal.findFirstOrThrow({
      where: { caseId: demo.id, viewerOrgId: demo.ownerOrgId, rule: "limit_evasion@2" },
    });
    expect(evasion.accounts).toEqual(["acct_A1", "acct_A2", "acct_A3", "acct_A4", "acct_A5", "acct_A6"]);
    expect(await getDb().timelineEvent.count({ where: { caseId: demo.id } })).toBeGreaterThanOrEqual(8);
    // The imported Timesketch file: its extra columns kept, "Key rotation" a case category.
    const rotations = await getDb().timelineEvent.findMany({
      where: { caseId: demo.id, customCategory: "Key rotation" },
      select: { category: true, attributes: true },
      orderBy: { occurredAt: "asc" },
    });
    expect(rotations).toHaveLength(3);
    expect(
      await getDb().caseCategory.findMany({ where: { caseId: demo.id }, select: { name: true, colour: true } }),
    ).toEqual([{ name: "Key rotation", colour: "teal" }]);
    expect(rotations[0]).toMatchObject({
      category: "OTHER",
      attributes: { account: "acct_A1", api_key: "key_A1_1", src_ip: "203.0.113.21" },
    });
    // A named cluster on the graph, for both organisations' investigators.
    for (const email of ["investigator@microsoft.demo", "investigator@openai.demo"]) {
      const u = await getDb().user.findUniqueOrThrow({ where: { email }, include: { org: true } });
      const actor = { id: u.id, email, name: u.name, role: u.role, orgId: u.orgId, orgName: u.org.name };
      const linkage = await getLinkageOverview(actor, demo.id);
      const named = linkage.clusters.find((c) => c.name === "Subject cluster A");
      expect(named?.accounts).toBe(6);
      expect(named?.totals.requests).toBeGreaterThan(10_000);
      expect(linkage.proposalCount).toBeGreaterThan(0); // the office accounts' organisation id, to review
    }
    expect(await getDb().timelineEventEntity.count()).toBeGreaterThanOrEqual(6);
    // A finished legal review export, with its Bates range and the ZIP's hash.
    const production = await getDb().production.findFirstOrThrow({ where: { caseId: demo.id } });
    expect(production).toMatchObject({ status: "COMPLETE", batesPrefix: "MSFT-CB", batesStart: 1 });
    expect(production.batesEnd).toBeGreaterThanOrEqual(1);
    expect(production.sha256).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);

  it("the demo case holds a privileged memo: the partner's investigator sees only its stub", async () => {
    await seedDemoData();
    const memo = await getDb().note.findFirstOrThrow({
      where: { privileged: true, case: { title: { startsWith: "Suspected distillation via API" } } },
    });
    expect(memo).toMatchObject({ privilegeBasis: "ATTORNEY_CLIENT", visibility: "ALL_CASE_ORGS" });
    const u = await getDb().user.findUniqueOrThrow({
      where: { email: "investigator@openai.demo" },
      include: { org: { include: { domains: true } } },
    });
    expect(u.org.domains.map((d) => d.domain)).toEqual(["openai.demo"]);
    const partner = { id: u.id, email: u.email, name: u.name, role: u.role, orgId: u.orgId, orgName: u.org.name };
    const notes = await listNotes(partner, memo.caseId);
    expect(notes.find((n) => n.id === memo.id)).toEqual({
      withheld: true,
      id: memo.id,
      date: memo.createdAt,
      kind: "note",
      basis: "ATTORNEY_CLIENT",
    });
    expect(JSON.stringify(notes)).not.toContain("notice duties");
  }, 120_000);
  it("gives both organisations' executives a filled summary and brief of the demo case", async () => {
    await seedDemoData();
    for (const email of ["executive@microsoft.demo", "executive@openai.demo"]) {
      const u = await getDb().user.findUniqueOrThrow({ where: { email }, include: { org: true } });
      const actor = { id: u.id, email, name: u.name, role: u.role, orgId: u.orgId, orgName: u.org.name };
      const summary = await getSummary(actor, { period: "30d" }); // the demo is dated from its seed: in it today
      const demo = summary.cases.find((c) => c.title.startsWith("Suspected distillation via API"))!;
      expect(demo).toMatchObject({ member: false, enforcement: 2 });
      expect(summary.attributedTokens.current).toBeGreaterThan(0);
      expect(summary.evasionSignals.current + summary.extractionSignals.current).toBeGreaterThan(0);
      const brief = await getCaseBrief(actor, demo.id);
      expect(brief).toMatchObject({ level: "aggregate", text: { version: 2 } });
      expect(brief.enforcement.every((a) => a.effect !== null && a.targets.length === 0)).toBe(true);
    }
  }, 120_000);
});
