import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { createEntity, createLink, linkTimelineEvent, mergeEntities, unmergeEntity } from "@/lib/linkage/mutations";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { getTimelineHistogram, iterateTimelineEvents, listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { enforcementFormOptions, listEnforcement, recordEnforcement } from "@/lib/summary/enforcement";
import { getEntity, getLink, getLinkageOverview, listEntities } from "@/lib/linkage/queries";
import { answerOf, HIDDEN_ADDRESS, linkageVisibilityCase, SHARED_ADDRESS } from "@/tests/helpers/linkage-visibility";

// The owner-only rule on what the linkage derives: a shared address, a merge's answers, a merge
// into a hidden entity. Each rule: the owner sees it or may do it; each of the partner's users
// (admin, lead, investigator, legal reviewer) gets exactly what it would get if the hidden thing
// did not exist (the twin case without the owner-only import, or a value that is nowhere).

type TWorld = Awaited<ReturnType<typeof linkageVisibilityCase>>;
let w: TWorld;

/** An account entity the lead of the owner organisation adds to the case. */
const account = (value: string, visibility = "ALL_CASE_ORGS") =>
  createEntity(w.lead, w.caseId, { kind: "ACCOUNT", value, visibility });
let twin: TWorld;

beforeAll(async () => {
  [w, twin] = [await linkageVisibilityCase({ hidden: true }), await linkageVisibilityCase({ hidden: false })];
}, 120_000);

/** Everything of the linkage tab a reader sees, by value (ids differ between the two cases). */
async function seen(actor: TActor, caseId: string) {
  const entities = (await listEntities(actor, caseId, {})).items.map((e) => `${e.kind} ${e.value} ${e.links}`);
  const addresses = (await listEntities(actor, caseId, { kind: "IP" })).items.map((e) => e.value);
  const overview = await getLinkageOverview(actor, caseId, { minConfidence: 0 });
  return {
    entities,
    addresses,
    counts: overview.counts,
    proposals: overview.proposals.map((p) => `${p.rule} ${p.from.value} ${p.to.value} ${p.rationale}`).sort(),
    clusters: overview.clusters.map((c) => ({ anchor: c.anchorValue, accounts: c.accounts, totals: c.totals })),
  };
}

/** The timeline filtered by an entity, as the reader gets it: listed, counted and exported. */
async function byEntity(actor: TActor, entity: string) {
  const filters = ZTimelineFilters.parse({ entity });
  const listed = (await listTimelineEvents(actor, w.caseId, filters)).items.map((e) => e.title).sort();
  const counted = (await getTimelineHistogram(actor, w.caseId, filters)).buckets.reduce((n, b) => n + b.total, 0);
  const exported: string[] = [];
  for await (const row of iterateTimelineEvents(actor, w.caseId, filters, "json")) exported.push(row.title);
  return { listed, counted, exported: exported.sort() };
}

const partnerOf = (world: TWorld, name: string) => world.partners.find(([n]) => n === name)![1];

describe("linkage visibility", () => {
  it("builds a shared address from the imports each organisation sees", async () => {
    // Allowed: the owner sees both addresses, each tying two accounts.
    expect((await listEntities(w.lead, w.caseId, { kind: "IP" })).items.map((e) => e.value)).toEqual([
      HIDDEN_ADDRESS,
      SHARED_ADDRESS,
    ]);
    const hiddenIp = (await listEntities(w.lead, w.caseId, { q: HIDDEN_ADDRESS })).items[0]!.id;
    expect((await getEntity(w.lead, w.caseId, hiddenIp)).links).toHaveLength(2);
    const card = (await listEntities(w.lead, w.caseId, { q: "pm_acct_a" })).items[0]!.id;
    expect((await getEntity(w.lead, w.caseId, card)).links.map((l) => l.rationale)).toContain(
      "acct_a used payment instrument pm_acct_a, which 1 other account also used.",
    );
    // Denied: acct_a alone used 1.2.3.4 and its card in what the partner sees, so for it neither
    // ties anything (nor do the owner's links that count acct_b); its every view equals the
    // twin's, which never had the owner's import.
    for (const [name, partner] of w.partners) {
      const view = await seen(partner, w.caseId);
      expect([name, view]).toEqual([name, await seen(partnerOf(twin, name), twin.caseId)]);
      expect(view.addresses).toEqual([SHARED_ADDRESS]);
      expect(await answerOf(() => getEntity(partner, w.caseId, hiddenIp))).toEqual(
        await answerOf(() => getEntity(partner, w.caseId, randomUUID())),
      );
    }
  });

  it("answers a merge into a hidden entity exactly as a merge into a missing one", async () => {
    const secret = await createEntity(w.lead, w.caseId, {
      kind: "ACCOUNT",
      value: "acct_secret",
      visibility: "OWNER_ORG_ONLY",
    });
    const source = await createEntity(w.partnerLead, w.caseId, { kind: "ACCOUNT", value: "acct_partner_typed" });
    for (const [name, partner] of w.partners) {
      const byValue = await answerOf(
        () => mergeEntities(partner, w.caseId, { sourceId: source.id, target: "ACCT_SECRET" }),
        "ACCT_SECRET",
      );
      const missingValue = await answerOf(
        () => mergeEntities(partner, w.caseId, { sourceId: source.id, target: "acct_nowhere" }),
        "acct_nowhere",
      );
      expect([name, byValue]).toEqual([name, missingValue]);
      expect([name, byValue]).not.toEqual([name, "ok"]);
      const byId = await answerOf(() => mergeEntities(partner, w.caseId, { sourceId: source.id, target: secret.id }));
      const missingId = await answerOf(() =>
        mergeEntities(partner, w.caseId, { sourceId: source.id, target: randomUUID() }),
      );
      expect([name, byId]).toEqual([name, missingId]);
    }
    expect(await getDb().entity.findUnique({ where: { id: source.id }, select: { mergedIntoId: true } })).toEqual({
      mergedIntoId: null,
    });
    // Allowed: the owner finds its own entity by value.
    await mergeEntities(w.lead, w.caseId, { sourceId: source.id, target: "ACCT_SECRET" });
    expect((await getEntity(w.lead, w.caseId, secret.id)).aliases.map((a) => a.value)).toEqual(["acct_partner_typed"]);
  });

  it("keeps the owner's merge into a hidden entity out of the partner's sight and reach", async () => {
    const hidden = await account("acct_hidden_target", "OWNER_ORG_ONLY");
    const [merged, plain] = [await account("acct_merged"), await account("acct_plain")];
    await mergeEntities(w.lead, w.caseId, { sourceId: merged.id, target: hidden.id });
    // Allowed: the owner sees the merge (list, page) and may undo it.
    expect((await listEntities(w.lead, w.caseId, { q: "acct_merged" })).items[0]!.mergedIntoId).toBe(hidden.id);
    expect((await getEntity(w.lead, w.caseId, merged.id)).entity.mergedInto?.id).toBe(hidden.id);
    for (const [name, partner] of w.partners) {
      // Denied: the merged entity reads as the one never merged, and acts like it.
      const listed = (await listEntities(partner, w.caseId, { q: "acct_merged" })).items;
      expect([name, listed.map((e) => e.mergedIntoId)]).toEqual([name, [null]]);
      const page = await getEntity(partner, w.caseId, merged.id);
      expect([name, page.entity.mergedInto]).toEqual([name, null]);
      expect(JSON.stringify(page)).not.toContain(hidden.id);
      expect([name, await answerOf(() => unmergeEntity(partner, w.caseId, merged.id))]).toEqual([
        name,
        await answerOf(() => unmergeEntity(partner, w.caseId, plain.id)),
      ]);
      // Another merge of it cannot be allowed (it would undo the owner's): answered as for no entity.
      expect([
        name,
        await answerOf(() => mergeEntities(partner, w.caseId, { sourceId: merged.id, target: plain.id })),
      ]).toEqual([
        name,
        await answerOf(() => mergeEntities(partner, w.caseId, { sourceId: randomUUID(), target: plain.id })),
      ]);
    }
    expect(await getDb().entity.findUnique({ where: { id: merged.id }, select: { mergedIntoId: true } })).toEqual({
      mergedIntoId: hidden.id,
    });
    await unmergeEntity(w.lead, w.caseId, merged.id);
    expect((await getEntity(w.lead, w.caseId, merged.id)).entity.mergedInto).toBeNull();
  });

  it("keeps the owner's merge hidden from the partner that types the hidden value afterwards", async () => {
    const hidden = await account("acct_typed_later", "OWNER_ORG_ONLY");
    const [merged, plain] = [await account("acct_merged_before_typing"), await account("acct_never_merged")];
    await mergeEntities(w.lead, w.caseId, { sourceId: merged.id, target: hidden.id });
    // The partner types the hidden value: that entity exists for it from now on (its own mention)…
    const typed = await createEntity(w.partnerInvestigator, w.caseId, { kind: "ACCOUNT", value: "acct_typed_later" });
    expect(typed.id).toBe(hidden.id);
    for (const [name, partner] of w.partners) {
      // Denied: …but what the owner merged into it before does not: no merge, no alias, nothing to undo.
      const listed = (await listEntities(partner, w.caseId, { q: "acct_merged_before_typing" })).items;
      expect([name, listed.map((e) => e.mergedIntoId)]).toEqual([name, [null]]);
      expect([name, (await getEntity(partner, w.caseId, hidden.id)).aliases]).toEqual([name, []]);
      expect([name, (await getEntity(partner, w.caseId, merged.id)).entity.mergedInto]).toEqual([name, null]);
      expect([name, await answerOf(() => unmergeEntity(partner, w.caseId, merged.id))]).toEqual([
        name,
        await answerOf(() => unmergeEntity(partner, w.caseId, plain.id)),
      ]);
    }
    expect(await getDb().entity.findUnique({ where: { id: merged.id }, select: { mergedIntoId: true } })).toEqual({
      mergedIntoId: hidden.id,
    });
    // Allowed: the owner sees its merge; a merge made once the partner saw both entities shows to
    // the partner, as does the partner's own.
    expect((await getEntity(w.lead, w.caseId, hidden.id)).aliases.map((a) => a.id)).toEqual([merged.id]);
    const later = await account("acct_merged_after_typing");
    await mergeEntities(w.lead, w.caseId, { sourceId: later.id, target: hidden.id });
    const own = await account("acct_merged_by_partner");
    await mergeEntities(w.partnerLead, w.caseId, { sourceId: own.id, target: hidden.id });
    for (const [name, partner] of w.partners) {
      const aliases = (await getEntity(partner, w.caseId, hidden.id)).aliases.map((a) => a.id).sort();
      expect([name, aliases]).toEqual([name, [later.id, own.id].sort()]);
    }
  });

  it("keeps the owner's link to a hidden entity hidden from the partner that types its value afterwards", async () => {
    const [hidden, shown] = [
      await account("acct_linked_typed_later", "OWNER_ORG_ONLY"),
      await account("acct_linked_shown"),
    ];
    const link = (rationale: string) =>
      createLink(w.lead, w.caseId, {
        fromId: shown.id,
        toId: hidden.id,
        kind: "SAME_OWNER",
        confidence: 80,
        rationale,
        visibility: "ALL_CASE_ORGS",
      });
    const before = await link("Same operator, from the owner's own records");
    await createEntity(w.partnerInvestigator, w.caseId, { kind: "ACCOUNT", value: "acct_linked_typed_later" });
    // Allowed: the owner sees its link.
    expect((await getLink(w.lead, w.caseId, before.id)).link.rationale).toContain("owner's own records");
    for (const [name, partner] of w.partners) {
      // Denied: the link was made while the partner could not see one of its ends.
      const links = (await getEntity(partner, w.caseId, hidden.id)).links.map((l) => l.id);
      expect([name, links]).toEqual([name, []]);
      expect([name, await answerOf(() => getLink(partner, w.caseId, before.id))]).toEqual([
        name,
        await answerOf(() => getLink(partner, w.caseId, randomUUID())),
      ]);
    }
    // Allowed: a link made once the partner saw both ends shows to it.
    const after = await link("Made once both sides knew the account");
    for (const [name, partner] of w.partners)
      expect([name, (await getEntity(partner, w.caseId, hidden.id)).links.map((l) => l.id)]).toEqual([
        name,
        [after.id],
      ]);
  });

  it("shows an enforcement's target to the partner only if it saw the entity when it was recorded", async () => {
    const [hidden, shown] = [
      await account("acct_target_typed_later", "OWNER_ORG_ONLY"),
      await account("acct_target_shown"),
    ];
    const record = (actor: TActor, entityIds: string[]) =>
      recordEnforcement(actor, w.caseId, {
        kind: "ACCOUNT_SUSPENDED",
        requestedById: actor.id,
        carriedOutBy: "Trust & Safety",
        orgId: actor.orgId,
        takenAt: new Date(Date.now() - 86_400_000).toISOString(),
        entityIds,
      });
    const { id } = await record(w.lead, [hidden.id, shown.id]);
    await createEntity(w.partnerInvestigator, w.caseId, { kind: "ACCOUNT", value: "acct_target_typed_later" });
    const targets = async (actor: TActor, action: string) =>
      (await listEnforcement(actor, w.caseId)).find((a) => a.id === action)!.targets.map((t) => t.value);
    // Allowed: the owner sees both targets.
    expect(await targets(w.lead, id)).toEqual(["acct_target_shown", "acct_target_typed_later"]);
    for (const [name, partner] of w.partners) {
      // Denied: the partner typed the hidden value after the action was recorded.
      expect([name, await targets(partner, id)]).toEqual([name, ["acct_target_shown"]]);
      expect([name, (await listEnforcement(partner, w.caseId)).find((a) => a.id === id)!.targetCount]).toEqual([
        name,
        1,
      ]);
    }
    // Allowed: an action recorded once the partner saw the entity shows it as a target.
    const { id: later } = await record(w.lead, [hidden.id]);
    for (const [name, partner] of w.partners)
      expect([name, await targets(partner, later)]).toEqual([name, ["acct_target_typed_later"]]);
  });

  it("answers a merge that would close a loop through a hidden entity as one into a missing entity", async () => {
    const [source, target] = [await account("acct_loop_source"), await account("acct_loop_target")];
    const hidden = await account("acct_loop_hidden", "OWNER_ORG_ONLY");
    // The owner: target → hidden → source. Merging source into target would close the loop.
    await mergeEntities(w.lead, w.caseId, { sourceId: target.id, target: hidden.id });
    await mergeEntities(w.lead, w.caseId, { sourceId: hidden.id, target: source.id });
    // Allowed: the owner sees the loop and is told so.
    expect(
      await answerOf(() => mergeEntities(w.lead, w.caseId, { sourceId: source.id, target: target.id })),
    ).toMatchObject({ status: 409 });
    for (const [name, partner] of w.partners)
      expect([
        name,
        await answerOf(() => mergeEntities(partner, w.caseId, { sourceId: source.id, target: target.id })),
      ]).toEqual([
        name,
        await answerOf(() => mergeEntities(partner, w.caseId, { sourceId: source.id, target: randomUUID() })),
      ]);
    expect(await getDb().entity.findUnique({ where: { id: source.id }, select: { mergedIntoId: true } })).toEqual({
      mergedIntoId: null,
    });
  });

  it("filters the timeline by an entity through the merges the reader sees, at any depth", async () => {
    const [shown, alias, aliasOfAlias] = [
      await account("acct_filter_shown"),
      await account("acct_filter_alias"),
      await account("acct_filter_alias2"),
    ];
    const hidden = await account("acct_filter_hidden", "OWNER_ORG_ONLY");
    const event = async (title: string, entityId: string) => {
      const { id } = await createTimelineEvent(w.lead, w.caseId, {
        occurredAt: "2026-11-20T10:00:00Z",
        timeZone: "UTC",
        title,
        category: "API_ACCESS",
        visibility: "ALL_CASE_ORGS",
      });
      await linkTimelineEvent(w.lead, w.caseId, entityId, id);
    };
    await event("Tied to the shown account", shown.id);
    await event("Tied to its alias", alias.id);
    await event("Tied to the alias of its alias", aliasOfAlias.id);
    await event("Tied to the owner's hidden account", hidden.id);
    await mergeEntities(w.lead, w.caseId, { sourceId: aliasOfAlias.id, target: alias.id });
    await mergeEntities(w.lead, w.caseId, { sourceId: alias.id, target: shown.id });
    await mergeEntities(w.lead, w.caseId, { sourceId: hidden.id, target: shown.id });
    const visible = ["Tied to its alias", "Tied to the alias of its alias", "Tied to the shown account"];
    // Allowed: the owner sees the merge of its hidden account, so its event counts too.
    expect(await byEntity(w.lead, shown.id)).toEqual({
      listed: [...visible, "Tied to the owner's hidden account"].sort(),
      counted: 4,
      exported: [...visible, "Tied to the owner's hidden account"].sort(),
    });
    expect((await byEntity(w.lead, hidden.id)).listed).toEqual(["Tied to the owner's hidden account"]);
    for (const [name, partner] of w.partners) {
      // Denied: the event is shared, but its tie to the shown account runs through an entity the
      // partner cannot see; the hidden entity's own filter finds what a missing one does.
      expect([name, await byEntity(partner, shown.id)]).toEqual([
        name,
        { listed: visible, counted: 3, exported: visible },
      ]);
      expect([name, await byEntity(partner, hidden.id)]).toEqual([name, await byEntity(partner, randomUUID())]);
    }
  });

  it("keeps the owner's tie of a shared event to a hidden entity from the partner that types it afterwards", async () => {
    const hidden = await createEntity(w.lead, w.caseId, {
      kind: "ACCOUNT",
      value: "acct_tied_typed_later",
      visibility: "OWNER_ORG_ONLY",
    });
    const tie = async (title: string) => {
      const { id } = await createTimelineEvent(w.lead, w.caseId, {
        occurredAt: "2026-11-21T10:00:00Z",
        timeZone: "UTC",
        title,
        category: "API_ACCESS",
        visibility: "ALL_CASE_ORGS",
      });
      await linkTimelineEvent(w.lead, w.caseId, hidden.id, id);
    };
    await tie("Tied before the partner knew the account");
    await createEntity(w.partnerInvestigator, w.caseId, { kind: "ACCOUNT", value: "acct_tied_typed_later" });
    const events = async (actor: TActor) => (await getEntity(actor, w.caseId, hidden.id)).events.map((e) => e.title);
    // Allowed: the owner sees its tie, on the entity's page and through the timeline's filter.
    expect(await events(w.lead)).toEqual(["Tied before the partner knew the account"]);
    expect((await byEntity(w.lead, hidden.id)).listed).toEqual(["Tied before the partner knew the account"]);
    for (const [name, partner] of w.partners) {
      // Denied: the event is shared, but the owner tied it while the partner could not see the account.
      expect([name, await events(partner)]).toEqual([name, []]);
      expect([name, await byEntity(partner, hidden.id)]).toEqual([name, { listed: [], counted: 0, exported: [] }]);
    }
    // Allowed: a tie made once the partner saw the account shows to it.
    await tie("Tied once both sides knew the account");
    for (const [name, partner] of w.partners)
      expect([name, (await byEntity(partner, hidden.id)).listed]).toEqual([
        name,
        ["Tied once both sides knew the account"],
      ]);
  });

  it("offers the enforcement log the entities as each lead sees them, merges included", async () => {
    const hidden = await account("acct_enforce_hidden", "OWNER_ORG_ONLY");
    const [mergedIntoHidden, mergedIntoShown, shown] = [
      await account("acct_enforce_into_hidden"),
      await account("acct_enforce_into_shown"),
      await account("acct_enforce_shown"),
    ];
    await mergeEntities(w.lead, w.caseId, { sourceId: mergedIntoHidden.id, target: hidden.id });
    await mergeEntities(w.lead, w.caseId, { sourceId: mergedIntoShown.id, target: shown.id });
    const offered = async (actor: TActor) =>
      (await enforcementFormOptions(actor, w.caseId)).entities
        .map((e) => e.value)
        .filter((v) => v.startsWith("acct_enforce"));
    // The owner's lead sees both merges: only their targets are offered.
    expect(await offered(w.lead)).toEqual(["acct_enforce_hidden", "acct_enforce_shown"]);
    // The partner's lead sees the merge into the shown account, not the one into the hidden
    // account: that entity is offered as the unmerged entity it is to the partner.
    expect(await offered(w.partnerLead)).toEqual(["acct_enforce_into_hidden", "acct_enforce_shown"]);
  });
});
