// The authorization matrix of the linkage: every case role of both organisations, their admins
// (who are not members) and an outsider, against reading, deciding, adding, configuring and the
// owner-only rule for derived data (entities, links, proposals, clusters, exports). Expectations
// are written out here, independently of lib/auth/permissions.ts. A refusal changes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import type { CaseRole } from "@/lib/generated/prisma/enums";
import { acceptProposal, createEntity, updateLinkageSettings } from "@/lib/linkage/mutations";
import { getCluster, getEntity, getLink, getLinkageOverview, listEntities } from "@/lib/linkage/queries";
import { exportClusterStix } from "@/lib/linkage/stix";
import { acceptProposalsAbove } from "@/lib/linkage/mutations";
import { createCase, createOrg, createUser } from "@/tests/helpers/factories";
import { GATEWAY_HEADER, syntheticLinkageLog } from "@/tests/helpers/linkage-data";
import { importUsageFile } from "@/tests/helpers/usage-import";

const ROLES: CaseRole[] = ["LEAD", "INVESTIGATOR", "LEGAL_REVIEWER", "VIEWER"];
type TWho = { name: string; org: "owner" | "partner" | "outsider"; role: CaseRole | "ADMIN" | "NONE"; actor: TActor };
type TOutcome = "ok" | 403 | 404;

const outcome = async (run: () => Promise<unknown>): Promise<TOutcome> => {
  try {
    await run();
    return "ok";
  } catch (error) {
    if (error instanceof AppError && (error.status === 403 || error.status === 404)) return error.status;
    throw error;
  }
};

// Expected, by who: readers are members of either organisation; deciders are leads and
// investigators; settings are for leads. Admins who are not members see nothing of the content.
const expectRead = (w: TWho): TOutcome => (w.role === "ADMIN" || w.role === "NONE" ? 404 : "ok");
const expectReview = (w: TWho): TOutcome =>
  expectRead(w) === 404 ? 404 : w.role === "LEAD" || w.role === "INVESTIGATOR" ? "ok" : 403;
const expectConfigure = (w: TWho): TOutcome => (expectRead(w) === 404 ? 404 : w.role === "LEAD" ? "ok" : 403);
const expectOwnerOnly = (w: TWho): TOutcome => (expectRead(w) === 404 ? 404 : w.org === "owner" ? "ok" : 404);

let caseId = "";
let who: TWho[] = [];
let hiddenEntity = "";
let hiddenLink = "";
let sharedLink = "";
let hiddenCluster = "";

beforeAll(async () => {
  const [ownerOrg, partnerOrg, outsiderOrg] = await Promise.all([createOrg(), createOrg(), createOrg()]);
  const people = async (org: "owner" | "partner", orgId: string) => [
    ...(await Promise.all(
      ROLES.map(async (role) => ({ name: `${org} ${role}`, org, role, actor: await createUser({ orgId }) })),
    )),
    { name: `${org} admin`, org, role: "ADMIN" as const, actor: await createUser({ orgId, role: "ADMIN" }) },
  ];
  const owners = await people("owner", ownerOrg.id);
  const partners = await people("partner", partnerOrg.id);
  const outsider = {
    name: "outsider",
    org: "outsider" as const,
    role: "NONE" as const,
    actor: await createUser({ orgId: outsiderOrg.id }),
  };
  who = [...owners, ...partners, outsider];
  const lead = owners[0]!.actor;
  const c = await createCase({
    ownerOrgId: ownerOrg.id,
    createdById: lead.id,
    members: [...owners, ...partners]
      .filter((p) => p.role !== "ADMIN")
      .map((p) => ({ userId: p.actor.id, role: p.role as CaseRole })),
  });
  caseId = c.id;
  await getDb().caseOrganization.create({ data: { caseId, orgId: partnerOrg.id, sharedById: lead.id } });
  const data = syntheticLinkageLog({
    accounts: 12,
    clusters: 1,
    clusterSize: 4,
    rowsPerAccount: 4,
    hours: 24,
    seed: 3,
  });
  await importUsageFile(lead, caseId, Buffer.from(`${GATEWAY_HEADER}\n${[...data.lines()].join("\n")}\n`));
  const secret =
    `${GATEWAY_HEADER}\n` +
    "2026-10-01T10:00:00Z,acct_000000,o,k1,10.1.1.1,gpt-4o,/v1/x,1,1,200,false,pm_hidden,d1\n" +
    "2026-10-01T10:00:00Z,acct_secret,o2,k2,10.1.1.2,gpt-4o,/v1/x,1,1,200,false,pm_hidden,d2\n";
  await importUsageFile(lead, caseId, Buffer.from(secret), { fileName: "private.csv", visibility: "OWNER_ORG_ONLY" });
  await acceptProposalsAbove(lead, caseId, { minConfidence: 50 });
  hiddenEntity = (await listEntities(lead, caseId, { q: "acct_secret" })).items[0]!.id;
  hiddenLink = (await getEntity(lead, caseId, hiddenEntity)).links[0]!.id;
  const shared = (await listEntities(lead, caseId, { q: "acct_000001" })).items[0]!.id;
  sharedLink = (await getEntity(lead, caseId, shared)).links[0]!.id;
  hiddenCluster = hiddenEntity;
});

describe("linkage authorization matrix", () => {
  it("reading the tab, lists and a shared link: members of both organisations only", async () => {
    for (const w of who) {
      expect([w.name, await outcome(() => getLinkageOverview(w.actor, caseId))]).toEqual([w.name, expectRead(w)]);
      expect([w.name, await outcome(() => listEntities(w.actor, caseId, {}))]).toEqual([w.name, expectRead(w)]);
      expect([w.name, await outcome(() => getLink(w.actor, caseId, sharedLink))]).toEqual([w.name, expectRead(w)]);
    }
  });

  it("what rests on owner-only evidence: the owner organisation's members only, whatever the role", async () => {
    for (const w of who) {
      const expected = expectOwnerOnly(w);
      expect([w.name, await outcome(() => getEntity(w.actor, caseId, hiddenEntity))]).toEqual([w.name, expected]);
      expect([w.name, await outcome(() => getLink(w.actor, caseId, hiddenLink))]).toEqual([w.name, expected]);
      expect([w.name, await outcome(() => getCluster(w.actor, caseId, hiddenCluster))]).toEqual([w.name, expected]);
      expect([w.name, await outcome(() => exportClusterStix(w.actor, caseId, hiddenCluster))]).toEqual([
        w.name,
        expected,
      ]);
      if (expectRead(w) === "ok") {
        const view = JSON.stringify(await getLinkageOverview(w.actor, caseId));
        if (w.org === "partner")
          expect([w.name, view.includes("acct_secret") || view.includes("pm_hidden")]).toEqual([w.name, false]);
        else {
          const cluster = await getCluster(w.actor, caseId, hiddenCluster);
          expect(cluster.payload.nodes.map((n) => n.label)).toContain("acct_secret");
        }
      }
    }
  });

  it("adding entities and deciding proposals: leads and investigators of either organisation", async () => {
    for (const w of who) {
      const before = await getDb().entityMention.count({ where: { caseId } });
      const result = await outcome(() =>
        createEntity(w.actor, caseId, { kind: "EMAIL", value: `${w.actor.id}@example.org` }),
      );
      expect([w.name, result]).toEqual([w.name, expectReview(w)]);
      expect(await getDb().entityMention.count({ where: { caseId } })).toBe(before + (result === "ok" ? 1 : 0));
    }
    // A proposal is its organisation's to decide: the other side cannot even find it.
    const owned = await getDb().linkProposal.findMany({ where: { caseId }, select: { id: true, viewerOrgId: true } });
    for (const w of who.filter((x) => expectReview(x) === "ok")) {
      const foreign = owned.find((p) => p.viewerOrgId !== w.actor.orgId);
      if (foreign)
        expect([w.name, await outcome(() => acceptProposal(w.actor, caseId, foreign.id))]).toEqual([w.name, 404]);
    }
  });

  it("rule settings: leads of either organisation", async () => {
    for (const w of who) {
      const result = await outcome(() => updateLinkageSettings(w.actor, caseId, { sharedIpMaxAccounts: 6 }));
      expect([w.name, result]).toEqual([w.name, expectConfigure(w)]);
    }
  });
});
