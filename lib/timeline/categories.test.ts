import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { setLegalHold } from "@/lib/cases/mutations";
import {
  createCaseCategory,
  deleteCaseCategory,
  listCaseCategories,
  updateCaseCategory,
} from "@/lib/timeline/categories";
import { CASE_CATEGORY_COLOURS } from "@/lib/timeline/category-schemas";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { getTimelineHistogram, getTimelineOptions, listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { createJointCase, createUser } from "@/tests/helpers/factories";
import { commitTimelineImport, importAsWizard, timelineFixture } from "@/tests/helpers/timeline-import";

// A case's own event categories: each organisation's leads add, rename, recolour and delete its
// categories; its events follow; a partner's events and categories are out of their reach.

const ALL = ZTimelineFilters.parse({});
type TWorld = Awaited<ReturnType<typeof createJointCase>>;

function addEvent(w: TWorld, actor: TActor, customCategory: string, visibility = "ALL_CASE_ORGS") {
  return createTimelineEvent(actor, w.caseId, {
    occurredAt: "2026-11-02T10:00:00Z",
    timeZone: "UTC",
    title: `${customCategory} by ${actor.name}`,
    category: "API_ACCESS",
    customCategory,
    visibility,
  });
}
const events = async (actor: TActor, caseId: string) =>
  (await listTimelineEvents(actor, caseId, ALL, { limit: 500 })).items.map((e) => ({
    title: e.title,
    category: e.category,
    customCategory: e.customCategory,
    attributes: e.attributes,
  }));
const own = async (actor: TActor, caseId: string) =>
  (await listCaseCategories(actor, caseId)).categories.find((c) => c.id !== null)!;

describe("who manages a case's categories", () => {
  it("leads of either organisation, for their own organisation; every other role and outsiders are refused", async () => {
    const w = await createJointCase();
    const db = getDb();
    const [legal, executive, admin] = await Promise.all([
      createUser({ orgId: w.ownerOrg.id, role: "LEGAL" }),
      createUser({ orgId: w.ownerOrg.id, role: "EXECUTIVE" }),
      createUser({ orgId: w.ownerOrg.id, role: "ADMIN" }),
    ]);
    await db.caseMember.createMany({
      data: [
        { caseId: w.caseId, userId: legal.id, role: "LEGAL_REVIEWER" },
        { caseId: w.caseId, userId: executive.id, role: "VIEWER" },
      ],
    });
    // Allowed: a lead of each organisation.
    await createCaseCategory(w.lead, w.caseId, { name: "Key rotation", colour: "teal" });
    await createCaseCategory(w.partnerLead, w.caseId, { name: "Abuse report" });
    expect((await listCaseCategories(w.lead, w.caseId)).canManage).toBe(true);
    expect((await listCaseCategories(w.partnerLead, w.caseId)).canManage).toBe(true);
    // Denied: members who are not leads (403), non-members including an admin (404).
    for (const actor of [w.investigator, w.viewer, w.partnerInvestigator, legal, executive]) {
      await expect(createCaseCategory(actor, w.caseId, { name: "Nope" })).rejects.toMatchObject({ status: 403 });
      expect((await listCaseCategories(actor, w.caseId)).canManage).toBe(false);
    }
    for (const actor of [w.outsider, admin]) {
      await expect(createCaseCategory(actor, w.caseId, { name: "Nope" })).rejects.toMatchObject({ status: 404 });
      await expect(listCaseCategories(actor, w.caseId)).rejects.toMatchObject({ status: 404 });
    }
    // A lead cannot reach the other organisation's category: it is not found.
    const partners = await own(w.partnerLead, w.caseId);
    const input = { name: "Taken over", version: partners.version };
    await expect(updateCaseCategory(w.lead, w.caseId, partners.id, input)).rejects.toMatchObject({ status: 404 });
    await expect(deleteCaseCategory(w.lead, w.caseId, partners.id, input)).rejects.toMatchObject({ status: 404 });
    await expect(
      updateCaseCategory(w.investigator, w.caseId, (await own(w.lead, w.caseId)).id, { name: "x", version: 1 }),
    ).rejects.toMatchObject({ status: 403 });
    expect(
      (await db.caseCategory.findMany({ where: { caseId: w.caseId }, orderBy: { name: "asc" } })).map((c) => c.name),
    ).toEqual(["Abuse report", "Key rotation"]);
  });
});

describe("a case's categories", () => {
  it("lists the organisation's own and those its visible events carry, never a partner's hidden one", async () => {
    const w = await createJointCase();
    await addEvent(w, w.investigator, "Write time");
    await addEvent(w, w.investigator, "Internal lead", "OWNER_ORG_ONLY");
    await createCaseCategory(w.partnerLead, w.caseId, { name: "Write time", colour: "pink" });
    await createCaseCategory(w.partnerLead, w.caseId, { name: "Partner only" });
    const mine = await listCaseCategories(w.lead, w.caseId);
    expect(mine.categories.map((c) => [c.name, c.events, c.id !== null])).toEqual([
      ["Internal lead", 1, true],
      ["Write time", 1, true],
    ]);
    // No colour chosen by the owner: the partner's choice, which both then see.
    expect(mine.categories[1]!.colour).toBe(CASE_CATEGORY_COLOURS.pink);
    const theirs = await listCaseCategories(w.partnerLead, w.caseId);
    expect(theirs.categories.map((c) => [c.name, c.events])).toEqual([
      ["Partner only", 0],
      ["Write time", 1],
    ]);
    // The filters offer the same names.
    expect((await getTimelineOptions(w.partnerLead, w.caseId)).customCategories).toEqual([
      "Partner only",
      "Write time",
    ]);
  });

  it("a rename reaches the organisation's own events only; a colour shows in the histogram", async () => {
    const w = await createJointCase();
    await addEvent(w, w.investigator, "Write time");
    await addEvent(w, w.partnerInvestigator, "Write time");
    const category = await own(w.lead, w.caseId);
    expect(
      await updateCaseCategory(w.lead, w.caseId, category.id, {
        name: "Modified",
        colour: "indigo",
        version: category.version,
      }),
    ).toEqual({ events: 1 });
    expect((await events(w.lead, w.caseId)).map((e) => e.customCategory).sort()).toEqual(["Modified", "Write time"]);
    const h = await getTimelineHistogram(w.lead, w.caseId, ALL);
    expect(h.caseCategories).toEqual([
      { key: "case:Modified", name: "Modified", colour: CASE_CATEGORY_COLOURS.indigo },
      { key: "case:Write time", name: "Write time", colour: expect.stringMatching(/^#/) },
    ]);
    expect(h.categories).toEqual(["case:Modified", "case:Write time"]);
    expect(h.buckets[0]!.counts).toEqual({ "case:Modified": 1, "case:Write time": 1 });
    const audit = await getDb().auditEvent.findFirst({
      where: { action: "timeline.category_updated", caseId: w.caseId },
    });
    expect(audit?.details).toMatchObject({ from: "Write time", name: "Modified", events: 1 });
  });

  it("a delete moves the events to another category, or leaves them in their built-in one with the name kept", async () => {
    const w = await createJointCase();
    await addEvent(w, w.investigator, "Write time");
    await addEvent(w, w.investigator, "Creation time");
    await addEvent(w, w.partnerInvestigator, "Creation time");
    const { categories } = await listCaseCategories(w.lead, w.caseId);
    const [creation, write] = categories;
    expect(await deleteCaseCategory(w.lead, w.caseId, write!.id, { version: 1, moveTo: creation!.id })).toEqual({
      events: 1,
    });
    expect(await deleteCaseCategory(w.lead, w.caseId, creation!.id, { version: 1 })).toEqual({ events: 2 });
    expect(await events(w.lead, w.caseId)).toEqual([
      {
        title: `Write time by ${w.investigator.name}`,
        category: "API_ACCESS",
        customCategory: null,
        attributes: { "former case category": "Creation time" },
      },
      {
        title: `Creation time by ${w.investigator.name}`,
        category: "API_ACCESS",
        customCategory: null,
        attributes: { "former case category": "Creation time" },
      },
      {
        title: `Creation time by ${w.partnerInvestigator.name}`,
        category: "API_ACCESS",
        customCategory: "Creation time",
        attributes: null,
      },
    ]);
    // The kept name is searchable.
    const found = await listTimelineEvents(w.lead, w.caseId, ZTimelineFilters.parse({ q: "Creation time" }));
    expect(found.items).toHaveLength(3);
    expect((await listCaseCategories(w.lead, w.caseId)).categories.map((c) => [c.name, c.id !== null])).toEqual([
      ["Creation time", false],
    ]);
  });

  it("an import registers the categories its rows carry; a hand-made event too", async () => {
    const w = await createJointCase();
    const imported = await importAsWizard(w.investigator, w.caseId, timelineFixture("timesketch-evtx.csv"), "e.csv", {
      categoryMap: { "write time": { to: "custom", name: "Write time" } },
    });
    await commitTimelineImport(w.investigator, w.caseId, imported.jobId);
    await addEvent(w, w.partnerInvestigator, "Abuse report");
    const rows = await getDb().caseCategory.findMany({
      where: { caseId: w.caseId },
      select: { name: true, orgId: true },
      orderBy: { name: "asc" },
    });
    expect(rows).toEqual([
      { name: "Abuse report", orgId: w.partnerOrg.id },
      { name: "Write time", orgId: w.ownerOrg.id },
    ]);
  });
});

describe("bad input and conflicts change nothing", () => {
  it("names, colours, versions, targets and the legal hold are checked (400, 409)", async () => {
    const w = await createJointCase();
    await addEvent(w, w.investigator, "Write time");
    await createCaseCategory(w.lead, w.caseId, { name: "Creation time" });
    const [creation, write] = (await listCaseCategories(w.lead, w.caseId)).categories;
    const before = async () => ({
      categories: await getDb().caseCategory.findMany({ where: { caseId: w.caseId }, orderBy: { name: "asc" } }),
      events: await events(w.lead, w.caseId),
    });
    const snapshot = await before();

    await expect(createCaseCategory(w.lead, w.caseId, { name: "  " })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { name: ["Enter the category's name."] },
    });
    await expect(createCaseCategory(w.lead, w.caseId, { name: "x".repeat(101) })).rejects.toMatchObject({
      fieldErrors: { name: ["A category name can be at most 100 characters."] },
    });
    await expect(createCaseCategory(w.lead, w.caseId, { name: "a\0b" })).rejects.toMatchObject({ status: 400 });
    await expect(createCaseCategory(w.lead, w.caseId, { name: "Fine", colour: "#ff0000" })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { colour: ["Choose a colour from the list."] },
    });
    await expect(createCaseCategory(w.lead, w.caseId, { name: "WRITE TIME" })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/already has the category “Write time”/),
    });
    await expect(
      updateCaseCategory(w.lead, w.caseId, write!.id, { name: "creation time", version: 1 }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(updateCaseCategory(w.lead, w.caseId, write!.id, { name: "New", version: 7 })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/changed or deleted this category meanwhile/),
    });
    await expect(updateCaseCategory(w.lead, w.caseId, write!.id, { name: "New" })).rejects.toMatchObject({
      status: 400,
    });
    await expect(deleteCaseCategory(w.lead, w.caseId, write!.id, { version: 7 })).rejects.toMatchObject({
      status: 409,
    });
    for (const moveTo of [write!.id!, crypto.randomUUID(), "not-a-uuid"])
      await expect(deleteCaseCategory(w.lead, w.caseId, write!.id, { version: 1, moveTo })).rejects.toMatchObject({
        status: 400,
      });
    await expect(updateCaseCategory(w.lead, w.caseId, "not-a-uuid", { name: "x", version: 1 })).rejects.toMatchObject({
      status: 404,
    });

    await setLegalHold(w.lead, w.caseId, { version: 1, legalHold: "on" });
    await expect(updateCaseCategory(w.lead, w.caseId, write!.id, { name: "New", version: 1 })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/legal hold/),
    });
    await expect(deleteCaseCategory(w.lead, w.caseId, creation!.id, { version: 1 })).rejects.toMatchObject({
      status: 409,
    });
    expect(await before()).toEqual(snapshot);
    // A colour is not an edit of any event: allowed under the hold.
    await updateCaseCategory(w.lead, w.caseId, write!.id, { name: "Write time", colour: "red", version: 1 });
    expect(await getDb().caseCategory.findUnique({ where: { id: write!.id! }, select: { colour: true } })).toEqual({
      colour: "red",
    });
  });
});
