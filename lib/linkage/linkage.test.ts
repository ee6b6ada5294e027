import { describe, expect, it } from "vitest";
import { getDb, Prisma } from "@/lib/db";
import { AppError, ConflictError, NotFoundError } from "@/lib/errors";
import {
  acceptProposal,
  acceptProposalsAbove,
  createEntity,
  createLink,
  importEntitiesCsv,
  linkTimelineEvent,
  mergeEntities,
  rejectProposal,
  reviseLink,
  unmergeEntity,
} from "@/lib/linkage/mutations";
import { graphPayload, loadClusters } from "@/lib/linkage/graph";
import { usageValueSql } from "@/lib/linkage/normalise";
import { linkageViewer } from "@/lib/linkage/visibility";
import { findPath, getCluster, getEntity, getLink, getLinkageOverview, listEntities } from "@/lib/linkage/queries";
import { linkageSettings, refreshProposals, refreshUsageAnalysis } from "@/lib/linkage/store";
import { requestRelease, withdrawRelease } from "@/lib/releases/mutations";
import { exportClusterStix } from "@/lib/linkage/stix";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { getUsageView } from "@/lib/usage/queries";
import { upload } from "@/tests/helpers/evidence";
import { createJointCase, createUser } from "@/tests/helpers/factories";
import { GATEWAY_HEADER, NAT_ADDRESS, pairScores, syntheticLinkageLog } from "@/tests/helpers/linkage-data";
import { importUsageFile } from "@/tests/helpers/usage-import";

// The linkage end to end over a real import: rules propose, people decide, clusters and paths
// follow, and each organisation sees only what rests on what it may see.

const OPTIONS = { accounts: 240, clusters: 8, clusterSize: 5, rowsPerAccount: 12, hours: 72, seed: 7 };

function syntheticCsv(o = OPTIONS) {
  const data = syntheticLinkageLog(o);
  return { ...data, csv: Buffer.from(`${GATEWAY_HEADER}\n${[...data.lines()].join("\n")}\n`) };
}

async function accountsOf(ids: string[]) {
  const rows = await getDb().entity.findMany({ where: { id: { in: ids }, kind: "ACCOUNT" }, select: { value: true } });
  return rows.map((r) => r.value).sort();
}

/** Ties acct_left and acct_right to one sign-up email in the actor's organisation's own view. */
async function tieInOwnView(actor: Parameters<typeof createEntity>[0], caseId: string, email: string) {
  const [left, right] = await Promise.all(
    ["acct_left", "acct_right"].map(async (q) => (await listEntities(actor, caseId, { q })).items[0]!),
  );
  const owned = { visibility: "OWNER_ORG_ONLY" as const };
  const hub = await createEntity(actor, caseId, { kind: "EMAIL", value: email, ...owned });
  for (const account of [left!, right!])
    await createLink(actor, caseId, {
      fromId: account.id,
      toId: hub.id,
      kind: "SAME_OWNER",
      confidence: 80,
      rationale: "Same sign-up email",
      ...owned,
    });
}

describe("account linkage", () => {
  it("recovers the planted clusters from a usage import, ignores the NAT address, joins look-alike spellings", async () => {
    const w = await createJointCase();
    const { csv, truth } = syntheticCsv();
    await importUsageFile(w.lead, w.caseId, csv);

    // Each account's usage (written from the rollups) is the total of its own rows, spellings
    // joined: counted again here from the raw rows.
    const account = Prisma.raw(usageValueSql("ACCOUNT", 'r."accountId"'));
    const fromRows = await getDb().$queryRaw<unknown[]>`
      SELECT ${account} AS value, sum(r.requests)::float8 AS requests, sum(r."inputTokens" + r."outputTokens")::float8 AS tokens,
             sum(CASE WHEN r."rateLimited" THEN r.requests ELSE 0 END)::float8 AS limited,
             date_trunc('hour', min(r."occurredAt")) AS first, date_trunc('hour', max(r."occurredAt")) + interval '1 hour' AS last
      FROM "UsageRecord" r WHERE r."caseId" = ${w.caseId}::uuid AND btrim(r."accountId") <> '' GROUP BY 1 ORDER BY 1`;
    const stored = await getDb().$queryRaw<unknown[]>`
      SELECT e.value, u.requests::float8 AS requests, u.tokens::float8 AS tokens, u."rateLimited"::float8 AS limited,
             u."firstSeen" AS first, u."lastSeen" AS last
      FROM "EntityUsage" u JOIN "Entity" e ON e.id = u."entityId" WHERE u."caseId" = ${w.caseId}::uuid ORDER BY 1`;
    expect(fromRows.length).toBe(OPTIONS.accounts);
    expect(stored).toEqual(fromRows);

    const overview = await getLinkageOverview(w.investigator, w.caseId);
    expect(overview.proposalCount).toBeGreaterThan(0);
    // The NAT address is behind far more than 6 accounts: shared infrastructure, never proposed.
    expect(overview.proposals.some((p) => p.to.value === NAT_ADDRESS)).toBe(false);
    // "ACCT_000001 " and "acct_000001" are one account.
    const ones = await listEntities(w.investigator, w.caseId, { q: "acct_000001", kind: "ACCOUNT" });
    expect(ones.items.map((e) => e.value)).toEqual(["acct_000001"]);

    // The partner sees the same shared import, so it gets its own proposals too.
    const partner = await getLinkageOverview(w.partnerInvestigator, w.caseId);
    expect(partner.proposalCount).toBe(overview.proposalCount);

    const { accepted } = await acceptProposalsAbove(w.investigator, w.caseId, { minConfidence: 50 });
    expect(accepted).toBeGreaterThan(0);
    const after = await getLinkageOverview(w.investigator, w.caseId);
    // The links are the owner organisation's (its investigator accepted them), and say so to the partner.
    const linked = await getEntity(w.partnerInvestigator, w.caseId, after.clusters[0]!.nodes[0]!);
    expect(linked.links.length).toBeGreaterThan(0);
    expect(new Set(linked.links.map((l) => l.orgName))).toEqual(new Set([w.ownerOrg.name]));
    const recovered = await Promise.all(after.clusters.map((c) => accountsOf(c.nodes)));
    const scores = pairScores(recovered, truth);
    console.info(
      `linkage on ${OPTIONS.accounts} accounts: precision ${scores.precision.toFixed(3)}, recall ${scores.recall.toFixed(3)} (${scores.foundPairs} pairs found, ${scores.plantedPairs} planted)`,
    );
    // Every planted tie is a strong rule (payment, device, organisation id, key) and the only
    // chance ties are weak (a household's address, 45 < the floor of 50): both must be exact.
    expect(scores.recall).toBe(1);
    expect(scores.precision).toBe(1);
    expect(after.clusterCount).toBe(OPTIONS.clusters);
    expect(after.clusters[0]!.totals.requests).toBe(OPTIONS.clusterSize * OPTIONS.rowsPerAccount);

    // Lowering the floor lets the weak household addresses in: more pairs, lower precision.
    const weak = await getLinkageOverview(w.investigator, w.caseId, { minConfidence: 0 });
    expect(weak.proposalCount).toBe(after.proposalCount); // nothing left above 50
    expect(after.proposals.every((p) => p.confidence < 50)).toBe(true);
    expect(after.proposals.some((p) => p.rule === "rule:shared_ip@1")).toBe(true);
  });

  it("follows a path between two members with the link and evidence of each hop", async () => {
    const w = await createJointCase();
    const { csv } = syntheticCsv({ ...OPTIONS, accounts: 40, clusters: 2 });
    const { evidence } = await importUsageFile(w.lead, w.caseId, csv);
    await acceptProposalsAbove(w.lead, w.caseId, { minConfidence: 50 });
    const path = await findPath(w.lead, w.caseId, { from: "acct_000000", to: "ACCT_000004" });
    expect(path).not.toBeNull();
    // 0 –A– 1 –B– 2 –A– 3 –B– 4: four accounts apart, each through a shared value (8 hops).
    expect(path!.hops).toHaveLength(8);
    expect(path!.hops[0]!.from.value).toBe("acct_000000");
    expect(path!.hops.at(-1)!.to.value).toBe("acct_000004");
    for (const hop of path!.hops) {
      expect(hop.link.provenance).toMatch(/^rule:/);
      expect(hop.support.map((s) => s.evidence?.id)).toEqual([evidence.id]);
    }
    // No path between two clusters.
    expect(await findPath(w.lead, w.caseId, { from: "acct_000000", to: "acct_000005" })).toBeNull();
    await expect(findPath(w.lead, w.caseId, { from: "acct_000000", to: "nobody" })).rejects.toThrow(NotFoundError);
  });

  it("remembers a rejection: the pair is never proposed again, even after the rules run anew", async () => {
    const w = await createJointCase();
    await importUsageFile(w.lead, w.caseId, syntheticCsv({ ...OPTIONS, accounts: 20, clusters: 1 }).csv);
    const before = await getLinkageOverview(w.lead, w.caseId);
    const target = before.proposals[0]!;
    await rejectProposal(w.lead, w.caseId, target.id);
    await refreshProposals(w.caseId);
    const again = await getLinkageOverview(w.lead, w.caseId);
    expect(again.proposalCount).toBe(before.proposalCount - 1);
    expect(
      again.proposals.some((p) => p.from.id === target.from.id && p.to.id === target.to.id && p.rule === target.rule),
    ).toBe(false);
    // The partner decides for itself: its proposal of that pair is still there.
    const partner = await getLinkageOverview(w.partnerLead, w.caseId);
    expect(partner.proposals.some((p) => p.from.id === target.from.id && p.to.id === target.to.id)).toBe(true);
    // Deciding twice is refused, and nothing changes.
    await expect(rejectProposal(w.lead, w.caseId, target.id)).rejects.toThrow(NotFoundError);
  });

  it("keeps each proposal's row while it is proposed: the partner's do not move when the owner loads owner-only usage", async () => {
    const w = await createJointCase();
    await importUsageFile(w.lead, w.caseId, syntheticCsv({ ...OPTIONS, accounts: 20, clusters: 1, seed: 1 }).csv);
    const stored = (orgId: string) =>
      getDb().linkProposal.findMany({
        where: { caseId: w.caseId, viewerOrgId: orgId },
        select: { id: true, rule: true, pairKey: true, confidence: true },
        orderBy: [{ rule: "asc" }, { pairKey: "asc" }],
      });
    const [ownerBefore, partnerBefore] = [await stored(w.ownerOrg.id), await stored(w.partnerOrg.id)];
    expect(partnerBefore.length).toBeGreaterThan(0);

    // The owner's private log ties acct_000000 to a hidden account through a payment instrument.
    const secret = Buffer.from(
      `${GATEWAY_HEADER}\n` +
        "2026-10-02T10:00:00Z,acct_000000,org_x,key_x,10.9.9.9,gpt-4o,/v1/chat/completions,1,1,200,false,pm_secret,dev_s1\n" +
        "2026-10-02T11:00:00Z,acct_hidden,org_y,key_y,10.9.9.8,gpt-4o,/v1/chat/completions,1,1,200,false,pm_secret,dev_s2\n",
    );
    await importUsageFile(w.lead, w.caseId, secret, { fileName: "private.csv", visibility: "OWNER_ORG_ONLY" });
    // Allowed: the owner's proposals grow by the hidden pair; those proposed before keep their ids.
    const ownerAfter = await stored(w.ownerOrg.id);
    expect(ownerAfter.length).toBeGreaterThan(ownerBefore.length);
    expect(ownerAfter).toEqual(expect.arrayContaining(ownerBefore));
    // Denied: nothing of the partner's moved, ids included.
    expect(await stored(w.partnerOrg.id)).toEqual(partnerBefore);
    // A pair no longer proposed goes (here: decided), and the others stay.
    await rejectProposal(w.lead, w.caseId, ownerBefore[0]!.id);
    await refreshProposals(w.caseId);
    expect(await stored(w.ownerOrg.id)).toEqual(ownerAfter.filter((p) => p.id !== ownerBefore[0]!.id));
  });

  it("an account's page links to its usage rows under each spelling the reader's logs use", async () => {
    const w = await createJointCase();
    const row = (account: string) =>
      `2026-10-02T10:00:00Z,${account},org_x,key_x,10.9.9.9,gpt-4o,/v1/chat/completions,1,1,200,false,pm_x,dev_x\n`;
    await importUsageFile(w.lead, w.caseId, Buffer.from(`${GATEWAY_HEADER}\n${row("Acct_Mixed")}${row("ACCT_MIXED")}`));
    await importUsageFile(w.lead, w.caseId, Buffer.from(`${GATEWAY_HEADER}\n${row("acct_MIXED")}`), {
      fileName: "private.csv",
      visibility: "OWNER_ORG_ONLY",
    });
    const entity = await getDb().entity.findUniqueOrThrow({
      where: { caseId_kind_value: { caseId: w.caseId, kind: "ACCOUNT", value: "acct_mixed" } },
    });
    const spellings = async (actor: typeof w.lead) => (await getEntity(actor, w.caseId, entity.id)).usageSpellings;
    // Allowed: the owner's every spelling, each of which finds its rows (the entity's value finds none).
    expect((await spellings(w.lead)).sort()).toEqual(["ACCT_MIXED", "Acct_Mixed", "acct_MIXED"]);
    for (const account of await spellings(w.lead))
      expect((await getUsageView(w.lead, w.caseId, { account, view: "rows" })).rows).toHaveLength(1);
    expect((await getUsageView(w.lead, w.caseId, { account: entity.value, view: "rows" })).rows).toEqual([]);
    // Denied: the spelling only the owner's owner-only log uses.
    expect((await spellings(w.partnerLead)).sort()).toEqual(["ACCT_MIXED", "Acct_Mixed"]);
  });

  it("merges two entities and undoes it; links are versions, never rewritten", async () => {
    const w = await createJointCase();
    const a = await createEntity(w.lead, w.caseId, { kind: "EMAIL", value: "J.Doe+api@googlemail.com" });
    const b = await createEntity(w.lead, w.caseId, { kind: "EMAIL", value: "jdoe@gmail.com" });
    expect(a.id).toBe(b.id); // one mailbox
    const c = await createEntity(w.lead, w.caseId, { kind: "EMAIL", value: "j.doe@outlook.com" });
    const acct = await createEntity(w.lead, w.caseId, { kind: "ACCOUNT", value: "acct_9" });
    const link = await createLink(w.lead, w.caseId, {
      fromId: acct.id,
      toId: c.id,
      kind: "SAME_OWNER",
      confidence: 60,
      rationale: "Signup email of the account",
    });
    await mergeEntities(w.lead, w.caseId, { sourceId: c.id, target: "jdoe@gmail.com" });
    const merged = await getEntity(w.lead, w.caseId, a.id);
    expect(merged.aliases.map((x) => x.value)).toEqual(["j.doe@outlook.com"]);
    expect(merged.links.map((l) => l.id)).toEqual([link.id]); // the alias's link is the entity's
    await expect(mergeEntities(w.lead, w.caseId, { sourceId: a.id, target: c.id })).rejects.toThrow(ConflictError);
    await expect(mergeEntities(w.lead, w.caseId, { sourceId: acct.id, target: a.id })).rejects.toThrow(/one kind/);
    await unmergeEntity(w.lead, w.caseId, c.id);
    expect((await getEntity(w.lead, w.caseId, a.id)).aliases).toEqual([]);

    const v2 = await reviseLink(w.lead, w.caseId, link.id, {
      version: 1,
      confidence: 85,
      rationale: "Confirmed by KYC",
    });
    const why = await getLink(w.lead, w.caseId, v2.id);
    expect(why.versions.map((v) => [v.version, v.confidence])).toEqual([
      [2, 85],
      [1, 60],
    ]);
    expect(why.link.contributions.map((x) => x.points)).toEqual([60, 25]);
    // A second reviewer working from version 1 conflicts instead of overwriting.
    await expect(
      reviseLink(w.investigator, w.caseId, link.id, { version: 1, confidence: 10, rationale: "stale" }),
    ).rejects.toThrow(ConflictError);
    const audit = await getDb().auditEvent.findMany({
      where: { caseId: w.caseId, action: { startsWith: "linkage." } },
      select: { action: true },
    });
    expect(audit.map((x) => x.action)).toEqual(
      expect.arrayContaining([
        "linkage.entities_merged",
        "linkage.entities_unmerged",
        "linkage.link_added",
        "linkage.link_revised",
      ]),
    );
  });

  it("a link is revised or retracted by its own organisation only; the other's reviewers are refused and change nothing", async () => {
    const w = await createJointCase();
    const acct = await createEntity(w.lead, w.caseId, { kind: "ACCOUNT", value: "acct_owned_link" });
    const mail = await createEntity(w.lead, w.caseId, { kind: "EMAIL", value: "owned.link@example.com" });
    const linkBy = (actor: typeof w.lead, rationale: string) =>
      createLink(actor, w.caseId, {
        fromId: acct.id,
        toId: mail.id,
        kind: "SAME_OWNER",
        confidence: 60,
        rationale,
        visibility: "ALL_CASE_ORGS",
      });
    const link = await linkBy(w.lead, "Signup email of the account");
    const revision = { version: 1, confidence: 5, rationale: "We disagree", retract: true };
    for (const partner of [w.partnerLead, w.partnerInvestigator]) {
      await expect(reviseLink(partner, w.caseId, link.id, revision)).rejects.toSatisfy(
        (e) => e instanceof AppError && e.status === 403,
      );
      expect((await getLink(partner, w.caseId, link.id)).can.review).toBe(false);
    }
    expect((await getLink(w.lead, w.caseId, link.id)).versions).toHaveLength(1);
    expect((await getLink(w.investigator, w.caseId, link.id)).can.review).toBe(true);
    const v2 = await reviseLink(w.investigator, w.caseId, link.id, { ...revision, rationale: "Mailbox recycled" });
    expect((await getLink(w.partnerLead, w.caseId, v2.id)).link).toMatchObject({ version: 2, retracted: true });
    // And the other way round: the partner's own link is the partner's to revise.
    const theirs = await linkBy(w.partnerLead, "Seen in our signup records");
    await expect(reviseLink(w.lead, w.caseId, theirs.id, { ...revision, version: 1 })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.status === 403,
    );
    await reviseLink(w.partnerInvestigator, w.caseId, theirs.id, { ...revision, rationale: "Checked again" });
  });

  it("adding a value the other organisation holds hidden answers as for a new value", async () => {
    const w = await createJointCase({ releaseMode: "DIRECT" });
    const hidden = await createEntity(w.lead, w.caseId, {
      kind: "ACCOUNT",
      value: "acct_hidden_owner",
      visibility: "OWNER_ORG_ONLY",
    });
    await new Promise((resolve) => setTimeout(resolve, 5)); // a time-ordered id would now differ
    const [again, fresh] = [
      await createEntity(w.partnerLead, w.caseId, { kind: "ACCOUNT", value: "acct_hidden_owner" }),
      await createEntity(w.partnerLead, w.caseId, { kind: "ACCOUNT", value: "acct_brand_new" }),
    ];
    expect(again.id).toBe(hidden.id); // one row per value: the same node once both see it
    // Random (v4) ids, both: neither version nor time tells an existing value from a new one.
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect([again.id, fresh.id].filter((id) => !v4.test(id))).toEqual([]);
  });

  it("a link resting on evidence whose release is withdrawn leaves the partner's clusters at once", async () => {
    const w = await createJointCase({ releaseMode: "DIRECT" });
    const ev = await upload(w.lead, w.caseId, Buffer.from("kyc record\n"), {
      fileName: "kyc.txt",
      visibility: "OWNER_ORG_ONLY",
    });
    const { releaseId } = await requestRelease(w.lead, {
      itemType: "evidence",
      itemId: ev.id,
      reason: "For the partner.",
    });
    const account = (value: string) =>
      createEntity(w.lead, w.caseId, { kind: "ACCOUNT", value, visibility: "ALL_CASE_ORGS" });
    const [a, b] = [await account("acct_kyc_1"), await account("acct_kyc_2")];
    await createLink(w.lead, w.caseId, {
      fromId: a.id,
      toId: b.id,
      kind: "SAME_OWNER",
      confidence: 90,
      rationale: "Same passport in the KYC record",
      evidenceIds: [ev.id],
      visibility: "ALL_CASE_ORGS",
    });
    const clusters = async () => {
      const [viewer, settings] = [await linkageViewer(w.partnerOrg.id, w.caseId), await linkageSettings(w.caseId)];
      return (await loadClusters(viewer, settings, settings.clusterMinConfidence)).clusters.length;
    };
    expect(await clusters()).toBe(1);
    // The partner's run is stored; the evidence behind its only link then goes back to the owner.
    await withdrawRelease(w.lead, releaseId, { reason: "Shared too early." });
    expect(await clusters()).toBe(0);
  });

  it("links to an entity named by its kind and value as the logs write it; one out of sight is as one that is not there", async () => {
    const w = await createJointCase();
    const add = (actor: typeof w.lead, kind: "ACCOUNT" | "PAYMENT", value: string, visibility = "ALL_CASE_ORGS") =>
      createEntity(actor, w.caseId, { kind, value, visibility });
    const [account, card] = [await add(w.lead, "ACCOUNT", "acct_Named_1"), await add(w.lead, "PAYMENT", "pf_Named")];
    await add(w.lead, "ACCOUNT", "acct_owner_only", "OWNER_ORG_ONLY");
    const link = (actor: typeof w.lead, toKind: string | undefined, toId: string) =>
      createLink(actor, w.caseId, {
        fromId: account.id,
        toId,
        toKind,
        kind: "SAME_OWNER",
        confidence: 60,
        rationale: "By hand",
      });
    // Another kind, by its value in the file's own spelling.
    const { id } = await link(w.partnerLead, "PAYMENT", "pf_Named");
    expect(await getDb().entityLink.findUniqueOrThrow({ where: { id }, select: { toId: true } })).toEqual({
      toId: card.id,
    });
    // Out of the partner's sight: the same answer, word for word, as a value no one has.
    const hidden = await link(w.partnerLead, "ACCOUNT", "acct_owner_only").catch((e: unknown) => e);
    const missing = await link(w.partnerLead, "ACCOUNT", "acct_nobody").catch((e: unknown) => e);
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect((hidden as Error).message).toBe((missing as Error).message.replace("acct_nobody", "acct_owner_only"));
    // The owner finds it; and an entity is not linked to itself, by value or by id.
    await expect(link(w.lead, "ACCOUNT", "acct_owner_only")).resolves.toHaveProperty("id");
    await expect(link(w.lead, "ACCOUNT", "acct_named_1")).rejects.toMatchObject({ status: 400 });
    await expect(link(w.lead, undefined, account.id)).rejects.toMatchObject({ status: 400 });
  });

  it("draws a set of nodes with the links among them, merged ends included, and keeps nodes whose links leave it", async () => {
    const w = await createJointCase();
    const entity = (value: string) => createEntity(w.lead, w.caseId, { kind: "ACCOUNT", value });
    const [a, b, c, alias] = [
      await entity("acct_a"),
      await entity("acct_b"),
      await entity("acct_c"),
      await entity("acct_a2"),
    ];
    const link = (fromId: string, toId: string) =>
      createLink(w.lead, w.caseId, { fromId, toId, kind: "SAME_OWNER", confidence: 70, rationale: "test" });
    const ab = await link(a.id, b.id);
    const bc = await link(b.id, c.id);
    const aliasC = await link(alias.id, c.id);
    await mergeEntities(w.lead, w.caseId, { sourceId: alias.id, target: a.id });
    const viewer = await linkageViewer(w.ownerOrg.id, w.caseId);
    const draw = async (nodes: string[]) => {
      const p = await graphPayload(viewer, nodes, 0, { seed: 1 });
      return { nodes: p.nodes.map((n) => n.id).sort(), edges: p.edges.map((e) => e.id).sort() };
    };
    expect(await draw([a.id, b.id])).toEqual({ nodes: [a.id, b.id].sort(), edges: [ab.id] });
    // a and c are tied only through b and through the alias merged into a.
    expect(await draw([a.id, c.id])).toEqual({ nodes: [a.id, c.id].sort(), edges: [aliasC.id] });
    // d's only link is its alias's, to b outside the set: d is still drawn, alone.
    const [d, dAlias] = [await entity("acct_d"), await entity("acct_d2")];
    await link(dAlias.id, b.id);
    await mergeEntities(w.lead, w.caseId, { sourceId: dAlias.id, target: d.id });
    expect(await draw([d.id])).toEqual({ nodes: [d.id], edges: [] });
    expect(await draw([a.id, b.id, c.id])).toEqual({
      nodes: [a.id, b.id, c.id].sort(),
      edges: [ab.id, bc.id, aliasC.id].sort(),
    });
  });

  it("imports entities from CSV all or nothing, naming each bad line", async () => {
    const w = await createJointCase();
    const bad = "kind,value,label\naccount,acct_1,\nip,999.1.1.1,\nemail,not-an-email,\nplanet,x,\n";
    const error = await importEntitiesCsv(w.lead, w.caseId, bad).catch((e: AppError) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).fieldErrors?.file).toEqual([
      'Line 3: "999.1.1.1" is not an IP address.',
      'Line 4: "not-an-email" is not an email address.',
      expect.stringMatching(/^Line 5: "planet" is not a kind/),
    ]);
    expect(await getDb().entity.count({ where: { caseId: w.caseId } })).toBe(0);
    const good =
      "\uFEFFKind,Value,Label\r\nIP,::ffff:203.0.113.9,home\r\nnetwork,203.0.113.77/24,\r\napi key,sk-proj-abcdefghijklmnopqrstuvwx1234,\r\n";
    expect(await importEntitiesCsv(w.lead, w.caseId, good)).toEqual({ added: 3 });
    const values = (await listEntities(w.lead, w.caseId, {})).items.map((e) => e.value);
    expect(values).toContain("203.0.113.9");
    expect(values).toContain("203.0.113.0/24");
    // The key's secret is never stored: only its prefix, last four and keyed hash.
    expect(values.find((v) => v.startsWith("sk-proj-"))).toMatch(/^sk-proj-…1234#[0-9a-f]{16}$/);
    expect(JSON.stringify(await getDb().entityMention.findMany({ where: { caseId: w.caseId } }))).not.toContain(
      "abcdefghijklmnop",
    );
  });

  it("keeps what rests on owner-only evidence from the partner: entities, proposals, links, clusters, paths", async () => {
    const w = await createJointCase();
    const shared = syntheticCsv({ ...OPTIONS, accounts: 20, clusters: 1, seed: 1 });
    await importUsageFile(w.lead, w.caseId, shared.csv);
    // The owner's private log ties acct_000000 to a secret account through a payment instrument.
    const secret = Buffer.from(
      `${GATEWAY_HEADER}\n` +
        "2026-10-02T10:00:00Z,acct_000000,org_x,key_x,10.9.9.9,gpt-4o,/v1/chat/completions,1,1,200,false,pm_secret,dev_s1\n" +
        "2026-10-02T11:00:00Z,acct_hidden,org_y,key_y,10.9.9.8,gpt-4o,/v1/chat/completions,1,1,200,false,pm_secret,dev_s2\n",
    );
    await importUsageFile(w.lead, w.caseId, secret, {
      title: "Private log",
      fileName: "private.csv",
      visibility: "OWNER_ORG_ONLY",
    });
    await acceptProposalsAbove(w.lead, w.caseId, { minConfidence: 50 });

    const owner = await listEntities(w.lead, w.caseId, { q: "hidden" });
    expect(owner.items.map((e) => e.value)).toEqual(["acct_hidden"]);
    const hiddenId = owner.items[0]!.id;
    for (const partner of [w.partnerLead, w.partnerInvestigator]) {
      expect((await listEntities(partner, w.caseId, { q: "hidden" })).items).toEqual([]);
      expect((await listEntities(partner, w.caseId, { q: "pm_secret" })).items).toEqual([]);
      await expect(getEntity(partner, w.caseId, hiddenId)).rejects.toThrow(NotFoundError);
      await expect(findPath(partner, w.caseId, { from: "acct_000000", to: hiddenId })).rejects.toThrow(NotFoundError);
      const view = await getLinkageOverview(partner, w.caseId);
      expect(JSON.stringify(view)).not.toMatch(/hidden|pm_secret/);
    }
    // The owner's link from acct_000000 to pm_secret rests on the private import.
    const ownerLinks = (await getEntity(w.lead, w.caseId, owner.items[0]!.id)).links;
    expect(ownerLinks).toHaveLength(1);
    await expect(getLink(w.partnerLead, w.caseId, ownerLinks[0]!.id)).rejects.toThrow(NotFoundError);
    // …while a link the partner may see is readable by it.
    const publicEntity = (await listEntities(w.partnerLead, w.caseId, { q: "acct_000001" })).items[0]!;
    const publicLink = (await getEntity(w.partnerLead, w.caseId, publicEntity.id)).links[0]!;
    expect((await getLink(w.partnerLead, w.caseId, publicLink.id)).link.id).toBe(publicLink.id);
    // Cluster of acct_000000: the owner's includes acct_hidden, the partner's does not.
    const ownerCluster = await getCluster(w.lead, w.caseId, hiddenId);
    expect(ownerCluster.payload.nodes.map((n) => n.label)).toContain("acct_hidden");
    const partnerOverview = await getLinkageOverview(w.partnerLead, w.caseId);
    const partnerCluster = await getCluster(w.partnerLead, w.caseId, partnerOverview.clusters[0]!.id);
    expect(partnerCluster.payload.nodes.map((n) => n.label)).not.toContain("acct_hidden");
    expect(partnerCluster.cluster.accounts).toBe(ownerCluster.cluster.accounts - 1);
    await expect(getCluster(w.partnerLead, w.caseId, hiddenId)).rejects.toThrow(NotFoundError);
  });

  it("refuses deciding for another organisation, forged ids, and people without the right", async () => {
    const w = await createJointCase();
    await importUsageFile(w.lead, w.caseId, syntheticCsv({ ...OPTIONS, accounts: 20, clusters: 1 }).csv);
    const own = (await getLinkageOverview(w.lead, w.caseId)).proposals[0]!;
    // The partner cannot accept or reject the owner's proposal (it is not theirs to decide).
    await expect(acceptProposal(w.partnerLead, w.caseId, own.id)).rejects.toThrow(NotFoundError);
    await expect(rejectProposal(w.partnerInvestigator, w.caseId, own.id)).rejects.toThrow(NotFoundError);
    // A viewer reads but does not decide; an outsider does not even see the case.
    await expect(acceptProposal(w.viewer, w.caseId, own.id)).rejects.toMatchObject({ status: 403 });
    await expect(getLinkageOverview(w.outsider, w.caseId)).rejects.toThrow(NotFoundError);
    await expect(acceptProposal(w.lead, w.caseId, "not-a-uuid")).rejects.toThrow(NotFoundError);
    await expect(
      createLink(w.lead, w.caseId, {
        fromId: own.from.id,
        toId: "00000000-0000-4000-8000-000000000000",
        kind: "OTHER",
        confidence: 10,
        rationale: "x",
      }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      createLink(w.lead, w.caseId, {
        fromId: own.from.id,
        toId: own.to.id,
        kind: "OTHER",
        confidence: 10,
        rationale: "",
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(await getDb().entityLink.count({ where: { caseId: w.caseId } })).toBe(0);
  });

  it("exports a cluster as a STIX 2.1 bundle with deterministic observables and confident relationships", async () => {
    const w = await createJointCase();
    await importUsageFile(w.lead, w.caseId, syntheticCsv({ ...OPTIONS, accounts: 20, clusters: 1 }).csv);
    await acceptProposalsAbove(w.lead, w.caseId, { minConfidence: 50 });
    const cluster = (await getLinkageOverview(w.partnerLead, w.caseId)).clusters[0]!;
    const { bundle } = await exportClusterStix(w.partnerLead, w.caseId, cluster.id);
    expect(bundle.type).toBe("bundle");
    expect(bundle.id).toMatch(/^bundle--[0-9a-f-]{36}$/);
    const ids = new Set(bundle.objects.map((o) => o.id));
    for (const o of bundle.objects) {
      expect(o.spec_version).toBe("2.1");
      expect(o.id.startsWith(`${o.type}--`)).toBe(true);
    }
    const accounts = bundle.objects.filter((o) => o.type === "user-account");
    expect(accounts.map((o) => o.user_id).sort()).toEqual(
      Array.from({ length: OPTIONS.clusterSize }, (_, i) => `acct_${String(i).padStart(6, "0")}`),
    );
    // SCO ids are STIX's UUIDv5 over the identifying properties: the same in every export.
    const again = await exportClusterStix(w.lead, w.caseId, cluster.id);
    expect(again.bundle.objects.find((o) => o.user_id === "acct_000000")!.id).toBe(
      accounts.find((o) => o.user_id === "acct_000000")!.id,
    );
    const relationships = bundle.objects.filter((o) => o.type === "relationship");
    expect(relationships.length).toBeGreaterThanOrEqual(OPTIONS.clusterSize - 1);
    for (const r of relationships) {
      expect(ids.has(r.source_ref as string) && ids.has(r.target_ref as string)).toBe(true);
      expect(r.confidence).toBeGreaterThanOrEqual(50);
      expect(r.relationship_type).toBe("related-to");
    }
    await expect(exportClusterStix(w.outsider, w.caseId, cluster.id)).rejects.toThrow(NotFoundError);
  });

  it("ties timeline events to entities: the timeline's linked-entity filter, merges included", async () => {
    const w = await createJointCase();
    const acct = await createEntity(w.lead, w.caseId, { kind: "ACCOUNT", value: "acct_7" });
    const alias = await createEntity(w.lead, w.caseId, { kind: "ACCOUNT", value: "acct_7_old" });
    const event = (title: string, visibility = "ALL_CASE_ORGS") =>
      createTimelineEvent(w.lead, w.caseId, {
        occurredAt: "2026-10-01T10:00:00Z",
        timeZone: "UTC",
        title,
        category: "API_ACCESS",
        visibility,
      });
    const [first, second, private_] = [
      await event("First"),
      await event("Second"),
      await event("Ours", "OWNER_ORG_ONLY"),
    ];
    await event("Unrelated");
    await linkTimelineEvent(w.lead, w.caseId, acct.id, first.id);
    await linkTimelineEvent(w.lead, w.caseId, alias.id, second.id);
    await linkTimelineEvent(w.lead, w.caseId, acct.id, private_.id);
    await mergeEntities(w.lead, w.caseId, { sourceId: alias.id, target: acct.id });
    const titles = async (actor: typeof w.lead) =>
      (await listTimelineEvents(actor, w.caseId, ZTimelineFilters.parse({ entity: acct.id }), {})).items.map(
        (e) => e.title,
      );
    expect((await titles(w.lead)).sort()).toEqual(["First", "Ours", "Second"]);
    expect((await titles(w.partnerLead)).sort()).toEqual(["First", "Second"]);
    // The partner cannot tie the owner's private event, nor anything as a viewer.
    await expect(linkTimelineEvent(w.partnerLead, w.caseId, acct.id, private_.id)).rejects.toThrow(NotFoundError);
    await expect(linkTimelineEvent(w.viewer, w.caseId, acct.id, first.id)).rejects.toMatchObject({ status: 403 });
  });

  it("the usage evasion signal ties accounts by the clusters of accepted links", async () => {
    const w = await createJointCase();
    // Two accounts, 600 requests an hour each (the limit is 1,000), sharing no card or device.
    const rows = [
      "time,account_id,api_key_id,requests,input_tokens,output_tokens,payment_fingerprint,device_fingerprint",
    ];
    for (let h = 0; h < 4; h++)
      for (const a of ["Acct_Left", "acct_right"])
        rows.push(`2026-10-03T${String(10 + h).padStart(2, "0")}:00:00Z,${a},key_${a},600,1,1,pm_${a},dev_${a}`);
    await importUsageFile(w.lead, w.caseId, Buffer.from(`${rows.join("\n")}\n`));
    const evasion = () =>
      getDb().usageSignal.findMany({
        where: { caseId: w.caseId, viewerOrgId: w.ownerOrg.id, rule: { startsWith: "limit_evasion@" } },
      });
    expect(await evasion()).toEqual([]);
    // An investigator ties both accounts to one sign-up email, then recomputes.
    const left = (await listEntities(w.lead, w.caseId, { q: "acct_left" })).items[0]!;
    const right = (await listEntities(w.lead, w.caseId, { q: "acct_right" })).items[0]!;
    const email = await createEntity(w.lead, w.caseId, { kind: "EMAIL", value: "same.person@example.org" });
    for (const account of [left, right])
      await createLink(w.lead, w.caseId, {
        fromId: account.id,
        toId: email.id,
        kind: "SAME_OWNER",
        confidence: 80,
        rationale: "Same sign-up email",
      });
    await refreshUsageAnalysis(w.caseId);
    const [signal] = await evasion();
    expect(signal).toMatchObject({ rule: "limit_evasion@2", accounts: ["Acct_Left", "acct_right"] });
    expect(signal!.summary).toMatch(/tied by a linked cluster made up to 1,200 requests an hour together/);
  });

  it("a group signal's link shows its accounts' rows to its organisation only, and names nothing to another", async () => {
    const w = await createJointCase();
    const rows = ["time,account_id,api_key_id,requests,payment_fingerprint,device_fingerprint"];
    for (let h = 0; h < 4; h++)
      for (const [a, n] of [
        ["acct_left", 600],
        ["acct_right", 600],
        ["acct_bystander", 5],
      ] as const)
        rows.push(`2026-10-03T${String(10 + h).padStart(2, "0")}:00:00Z,${a},key_${a},${n},pm_${a},dev_${a}`);
    await importUsageFile(w.lead, w.caseId, Buffer.from(`${rows.join("\n")}\n`));
    await tieInOwnView(w.lead, w.caseId, "one.person@example.org");
    await refreshUsageAnalysis(w.caseId);
    const signal = await getDb().usageSignal.findFirstOrThrow({
      where: { caseId: w.caseId, viewerOrgId: w.ownerOrg.id, rule: { startsWith: "limit_evasion@" } },
    });
    const params = { signal: signal.id, view: "rows" };
    // Its organisation: the group's rows, every one of them, and the page says whose.
    for (const actor of [w.lead, w.investigator]) {
      const view = await getUsageView(actor, w.caseId, params);
      expect(view.signal).toEqual({ rule: signal.rule, accounts: ["acct_left", "acct_right"] });
      expect(new Set(view.rows!.map((r) => r.accountId))).toEqual(new Set(["acct_left", "acct_right"]));
      expect(view.rows).toHaveLength(8);
      expect(view.top!.account.map((r) => r.value).sort()).toEqual(["acct_left", "acct_right"]);
      expect(view.ignored).toEqual([]);
    }
    // The partner, who sees the same rows but clusters nothing: the owner's signal is not theirs
    // to name; the link applies nothing and says only that the signal is not there.
    for (const actor of [w.partnerLead, w.partnerInvestigator]) {
      const view = await getUsageView(actor, w.caseId, params);
      expect(view.signal).toBeNull();
      expect(view.ignored).toEqual([{ name: "signal", value: signal.id, why: "signal_gone" }]);
      expect(view.rows).toHaveLength(12);
      expect(JSON.stringify(view)).not.toContain("one.person@example.org");
    }
    // Either organisation's admin, not a member, reads no usage at all: no signal is named to them.
    for (const orgId of [w.ownerOrg.id, w.partnerOrg.id]) {
      const admin = await createUser({ orgId, role: "ADMIN" });
      await expect(getUsageView(admin, w.caseId, params)).rejects.toBeInstanceOf(NotFoundError);
    }
    // A signal id that is no one's: the same.
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await getUsageView(w.lead, w.caseId, { signal: unknown })).ignored).toEqual([
      { name: "signal", value: unknown, why: "signal_gone" },
    ]);
    // More of the group's traffic is loaded and the signals computed again, their figures
    // changed: the same rule still fires for the same group, so the link still opens its rows,
    // the new ones with them.
    const more = ["time,account_id,api_key_id,requests,payment_fingerprint,device_fingerprint"];
    for (const a of ["acct_left", "acct_right"]) more.push(`2026-10-03T15:00:00Z,${a},key_${a},900,pm_${a},dev_${a}`);
    await importUsageFile(w.lead, w.caseId, Buffer.from(`${more.join("\n")}\n`));
    const again = await getDb().usageSignal.findFirstOrThrow({
      where: { caseId: w.caseId, viewerOrgId: w.ownerOrg.id, rule: { startsWith: "limit_evasion@" } },
    });
    expect(again.id).toBe(signal.id);
    expect(again.aggregates).not.toEqual(signal.aggregates);
    const after = await getUsageView(w.lead, w.caseId, params);
    expect(after.signal).toEqual({ rule: signal.rule, accounts: ["acct_left", "acct_right"] });
    expect(after.rows).toHaveLength(10);
    expect(after.ignored).toEqual([]);
  });

  it("organisations that see the same usage but cluster it apart each get their own evasion signals", async () => {
    const w = await createJointCase();
    const rows = ["time,account_id,api_key_id,requests,payment_fingerprint,device_fingerprint"];
    for (let h = 0; h < 4; h++)
      for (const a of ["acct_left", "acct_right"])
        rows.push(`2026-10-03T${String(10 + h).padStart(2, "0")}:00:00Z,${a},key_${a},600,pm_${a},dev_${a}`);
    // One import both organisations see: the same rows, so one computation could serve both.
    await importUsageFile(w.lead, w.caseId, Buffer.from(`${rows.join("\n")}\n`));
    const evasion = async (orgId: string) =>
      (
        await getDb().usageSignal.findMany({
          where: { caseId: w.caseId, viewerOrgId: orgId, rule: { startsWith: "limit_evasion@" } },
          select: { accounts: true },
        })
      ).map((s) => s.accounts);
    const tie = (actor: typeof w.lead, email: string) => tieInOwnView(actor, w.caseId, email);
    // The owner ties the two accounts in its own view only: one refresh, two answers.
    await tie(w.lead, "owner.view@example.org");
    await refreshUsageAnalysis(w.caseId);
    expect(await evasion(w.ownerOrg.id)).toEqual([["acct_left", "acct_right"]]);
    expect(await evasion(w.partnerOrg.id)).toEqual([]);
    // The partner ties them in its own view too: now both cluster the same accounts, and each
    // has the signal as a row of its own.
    await tie(w.partnerLead, "partner.view@example.org");
    await refreshUsageAnalysis(w.caseId);
    expect(await evasion(w.ownerOrg.id)).toEqual([["acct_left", "acct_right"]]);
    expect(await evasion(w.partnerOrg.id)).toEqual([["acct_left", "acct_right"]]);
  });
});
