import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { listCases } from "@/lib/cases/queries";
import { ZCaseFilters } from "@/lib/cases/schemas";
import { createNote, updateNote } from "@/lib/notes/mutations";
import { requestRelease } from "@/lib/releases/mutations";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { createCase, createJointCase, createOrg, createUser } from "@/tests/helpers/factories";
import { upload } from "@/tests/helpers/evidence";

describe("listCases", () => {
  it("lists only the cases the user is a member of, with their role", async () => {
    const org = await createOrg();
    const lead = await createUser({ orgId: org.id });
    const outsider = await createUser({ orgId: org.id });
    const mine = await createCase({
      ownerOrgId: org.id,
      createdById: lead.id,
      members: [{ userId: lead.id, role: "LEAD" }],
    });
    await createCase({
      ownerOrgId: org.id,
      createdById: outsider.id,
      members: [{ userId: outsider.id, role: "LEAD" }],
    });

    const { items, total } = await listCases(lead, ZCaseFilters.parse({}));
    expect(items.map((c) => c.id)).toEqual([mine.id]);
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({
      myRole: "LEAD",
      access: "member",
      ownerOrgName: org.name,
      number: expect.stringMatching(/^CB-\d{4}-[2-9A-Z]{6}$/),
    });
  });
});

describe("listCases search", () => {
  it("finds % and _ as themselves, not as wildcards", async () => {
    const org = await createOrg();
    const lead = await createUser({ orgId: org.id });
    const make = async (title: string) => {
      const made = await createCase({
        ownerOrgId: org.id,
        createdById: lead.id,
        members: [{ userId: lead.id, role: "LEAD" }],
      });
      return getDb().case.update({ where: { id: made.id }, data: { title } });
    };
    const percent = await make("Keys at 100% of the limit");
    const underscore = await make("Account acct_a7 and its keys");
    await make("Suspected distillation, 1000 keys");
    const found = async (q: string) => (await listCases(lead, ZCaseFilters.parse({ q }))).items.map((c) => c.id);
    expect(await found("100%")).toEqual([percent.id]);
    expect(await found("%")).toEqual([percent.id]);
    expect(await found("_")).toEqual([underscore.id]);
    expect(await found("S_spected")).toEqual([]);
    expect(await found("\\")).toEqual([]);
  });
});

// Issue 9, defect 1: an admin saw the titles of the other organisation's private and RED cases.
describe("listCases for admins", () => {
  it("lists the cases their organisation owns or is shared into; the other's RED case not at all", async () => {
    const shared = await createJointCase(); // AMBER, owned by ownerOrg, shared with partnerOrg
    const { ownerOrg, partnerOrg, lead, partnerLead } = shared;
    const ownerAdmin = await createUser({ orgId: ownerOrg.id, role: "ADMIN" });
    const partnerAdmin = await createUser({ orgId: partnerOrg.id, role: "ADMIN" });
    const sharedRed = await createCase({ ownerOrgId: ownerOrg.id, createdById: lead.id, tlp: "RED" });
    await getDb().caseOrganization.create({
      data: { caseId: sharedRed.id, orgId: partnerOrg.id, sharedById: lead.id },
    });
    const ownerPrivate = await createCase({ ownerOrgId: ownerOrg.id, createdById: lead.id });
    const ownerPrivateRed = await createCase({ ownerOrgId: ownerOrg.id, createdById: lead.id, tlp: "RED" });
    const partnerPrivate = await createCase({ ownerOrgId: partnerOrg.id, createdById: partnerLead.id });
    const all = [shared.caseId, sharedRed.id, ownerPrivate.id, ownerPrivateRed.id, partnerPrivate.id];

    const listed = async (actor: TActor) => {
      const { items } = await listCases(actor, ZCaseFilters.parse({}));
      return items.filter((i) => all.includes(i.id));
    };
    const ids = async (actor: TActor) => (await listed(actor)).map((i) => i.id).sort();

    expect(await ids(ownerAdmin)).toEqual([shared.caseId, sharedRed.id, ownerPrivate.id, ownerPrivateRed.id].sort());
    expect(await ids(partnerAdmin)).toEqual([shared.caseId, partnerPrivate.id].sort());
    expect((await listed(partnerAdmin)).every((i) => i.access === "metadata" && i.myRole === null)).toBe(true);
    // Their way in is the Members tab: every row they see, they may manage. An executive's rows, none.
    expect((await listed(partnerAdmin)).every((i) => i.canManageMembers)).toBe(true);
    const executive = await createUser({ orgId: partnerOrg.id, role: "EXECUTIVE" });
    expect((await listed(executive)).map((i) => [i.id, i.access, i.canManageMembers])).toEqual(
      expect.arrayContaining([[shared.caseId, "metadata", false]]),
    );
    // Counts agree with the rows: the hidden cases are not counted either.
    const { total } = await listCases(partnerAdmin, ZCaseFilters.parse({ q: ownerPrivate.title }));
    expect(total).toBe(0);
  });
});

const EVENT = { occurredAt: "2026-01-15T09:00:00Z", timeZone: "UTC", title: "Key rotated", category: "OTHER" };

describe("the case's updated time", () => {
  it("moves for what every organisation on the case sees, never for an owner-only note or upload", async () => {
    const w = await createJointCase();
    const updatedAt = async (viewer: TActor) =>
      (await listCases(viewer, ZCaseFilters.parse({}))).items.find((c) => c.id === w.caseId)!.updatedAt.getTime();
    const viewers = [w.lead, w.investigator, w.partnerLead, w.partnerInvestigator];
    const seen = async () => Promise.all(viewers.map(updatedAt));
    const start = await seen();

    // Denied: the partner learns nothing of when the owner works on what it cannot see.
    await createNote(w.investigator, w.caseId, { body: "owner only", visibility: "OWNER_ORG_ONLY" });
    await upload(w.lead, w.caseId, Buffer.from("owner only file"), { visibility: "OWNER_ORG_ONLY" });
    expect(await seen()).toEqual(start);

    // Allowed: a shared note, then a shared upload, move it for everyone.
    await createNote(w.investigator, w.caseId, { body: "shared", visibility: "ALL_CASE_ORGS" });
    const afterNote = await seen();
    expect(new Set(afterNote).size).toBe(1);
    expect(afterNote[0]).toBeGreaterThan(start[0]!);
    await upload(w.lead, w.caseId, Buffer.from("shared file"), { visibility: "ALL_CASE_ORGS" });
    const afterUpload = await seen();
    expect(afterUpload[0]).toBeGreaterThan(afterNote[0]!);

    // Denied: an owner-only event, and the edit of an owner-only note that keeps it so.
    const note = await createNote(w.investigator, w.caseId, { body: "shared later", visibility: "OWNER_ORG_ONLY" });
    await createTimelineEvent(w.investigator, w.caseId, { ...EVENT, visibility: "OWNER_ORG_ONLY" });
    await updateNote(w.investigator, note.id, { body: "still owner only", version: 1, visibility: "OWNER_ORG_ONLY" });
    expect(await seen()).toEqual(afterUpload);

    // Allowed, each in the writer's transaction: a shared event, the edit that shares the note, a
    // release. Each moves the time to at least its own item's.
    const stamp = async () => {
      const times = await seen();
      expect(new Set(times).size).toBe(1);
      return times[0]!;
    };
    const event = await createTimelineEvent(w.investigator, w.caseId, { ...EVENT, visibility: "ALL_CASE_ORGS" });
    const eventRow = await getDb().timelineEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(await stamp()).toBeGreaterThanOrEqual(eventRow.createdAt.getTime());
    await updateNote(w.investigator, note.id, { body: "now shared", version: 2, visibility: "ALL_CASE_ORGS" });
    const noteRow = await getDb().note.findUniqueOrThrow({ where: { id: note.id } });
    expect(await stamp()).toBeGreaterThanOrEqual(noteRow.updatedAt.getTime());
    const owned = await createNote(w.investigator, w.caseId, { body: "released", visibility: "OWNER_ORG_ONLY" });
    const before = await stamp();
    const { releaseId } = await requestRelease(w.lead, { itemType: "note", itemId: owned.id, reason: "for them" });
    const release = await getDb().itemRelease.findUniqueOrThrow({ where: { id: releaseId } });
    expect(await stamp()).toBeGreaterThanOrEqual(release.decidedAt!.getTime());
    expect(release.decidedAt!.getTime()).toBeGreaterThanOrEqual(before);
  });
});
