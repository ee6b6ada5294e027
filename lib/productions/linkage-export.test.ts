import { readFileSync } from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/session";
import { createEntity, mergeEntities } from "@/lib/linkage/mutations";
import { listEntities } from "@/lib/linkage/queries";
import { linkageOf } from "@/lib/productions/content";
import { uid } from "@/tests/helpers/factories";
import { HIDDEN_ADDRESS, linkageVisibilityCase, answerOf, SHARED_ADDRESS } from "@/tests/helpers/linkage-visibility";
import { downloadTo, produce, unzipBag } from "@/tests/helpers/productions";

// The linkage in a legal review export (DATA/entities.csv, DATA/links.csv) as the producing
// organisation sees it: the owner's export has its owner-only address and its merge into an
// owner-only entity; the partner's equals, row for row (ids aside), the twin case's that never
// had either.

type TWorld = Awaited<ReturnType<typeof linkageVisibilityCase>>;
let w: TWorld;
let twin: TWorld;
let hiddenTarget = "";

/** The owner types an owner-only account and merges the shared acct_c into it. */
async function mergeIntoHidden(world: TWorld): Promise<string> {
  const target = await createEntity(world.lead, world.caseId, {
    kind: "ACCOUNT",
    value: "acct_hidden_target",
    visibility: "OWNER_ORG_ONLY",
  });
  const source = (await listEntities(world.lead, world.caseId, { q: "acct_c", kind: "ACCOUNT" })).items[0]!;
  await mergeEntities(world.lead, world.caseId, { sourceId: source.id, target: target.id });
  return target.id;
}

beforeAll(async () => {
  [w, twin] = [await linkageVisibilityCase({ hidden: true }), await linkageVisibilityCase({ hidden: false })];
  hiddenTarget = await mergeIntoHidden(w);
}, 120_000);

/** The linkage files of a production the actor runs (its answer when refused), ids left out. */
async function exported(actor: TActor, caseId: string) {
  let id = "";
  const answer = await answerOf(async () => {
    id = await produce(actor, caseId, { batesPrefix: `L${uid().toUpperCase()}_` });
  });
  if (answer !== "ok") return { answer };
  const bag = unzipBag(await downloadTo(actor, caseId, id));
  const rows = (file: string) =>
    Papa.parse<string[]>(readFileSync(path.join(bag, "data/DATA", file), "utf8").replace(/^\uFEFF/, ""), {
      skipEmptyLines: true,
    }).data;
  const entities = rows("entities.csv");
  return {
    answer,
    raw: entities.flat().join("\n"),
    entities: entities.map(([, kind, value, mergedInto]) => [kind, value, mergedInto ? "merged" : ""]),
    links: rows("links.csv").map(([, ...rest]) => rest),
  };
}

describe("linkage in legal review exports", () => {
  it("writes the owner's hidden address and merge in the owner's export only", async () => {
    // Allowed: the owner's export has the address two accounts share across its imports and
    // acct_c's merge into the owner-only entity.
    const owner = await linkageOf({ id: w.lead.id, orgId: w.ownerOrg.id }, w.caseId);
    expect(owner.entities.filter((e) => e.kind === "IP").map((e) => e.value)).toEqual([HIDDEN_ADDRESS, SHARED_ADDRESS]);
    expect(owner.entities.find((e) => e.value === "acct_c")?.mergedIntoId).toBe(hiddenTarget);
    const file = await exported(w.lead, w.caseId);
    expect(file.entities).toContainEqual(["IP", HIDDEN_ADDRESS, ""]);
    expect(file.entities).toContainEqual(["ACCOUNT", "acct_c", "merged"]);
    expect(file.raw).toContain(hiddenTarget);

    // Denied: the partner's export equals the twin's, whoever runs it (or is refused alike).
    const partner = await linkageOf({ id: w.partnerLead.id, orgId: w.partnerOrg.id }, w.caseId);
    expect(partner.entities.map((e) => e.value)).not.toContain(HIDDEN_ADDRESS);
    expect(partner.entities.find((e) => e.value === "acct_c")?.mergedIntoId).toBeNull();
    for (const [name, actor] of w.partners) {
      const [mine, theirs] = [
        await exported(actor, w.caseId),
        await exported(twin.partners.find(([n]) => n === name)![1], twin.caseId),
      ];
      expect([name, mine.answer]).toEqual([name, theirs.answer]);
      expect([name, mine.entities, mine.links]).toEqual([name, theirs.entities, theirs.links]);
      expect([name, mine.raw?.includes(hiddenTarget) ?? false]).toEqual([name, false]);
    }
  });
});
