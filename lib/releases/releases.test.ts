import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { createNote, updateNote } from "@/lib/notes/mutations";
import { listNotes, type TNoteView } from "@/lib/notes/queries";
import { decideRelease, requestRelease, withdrawRelease } from "@/lib/releases/mutations";
import { createJointCase } from "@/tests/helpers/factories";

const partnerSees = async (w: Awaited<ReturnType<typeof createJointCase>>, noteId: string) =>
  (await listNotes(w.partnerInvestigator, w.caseId)).some((n) => n.id === noteId);

const caseUpdatedAt = async (caseId: string) =>
  (await getDb().case.findUniqueOrThrow({ where: { id: caseId }, select: { updatedAt: true } })).updatedAt;

async function orgOnlyNote(releaseMode: "LEAD_RELEASE" | "TWO_PERSON") {
  const w = await createJointCase({ releaseMode });
  const note = await createNote(w.investigator, w.caseId, { body: "finding" });
  return { w, noteId: note.id };
}

describe("release to partner", () => {
  it("a lead of the item's organisation releases it; the partner then sees it; it is audited", async () => {
    const { w, noteId } = await orgOnlyNote("LEAD_RELEASE");
    expect(await partnerSees(w, noteId)).toBe(false);
    const result = await requestRelease(w.lead, {
      itemType: "note",
      itemId: noteId,
      reason: "Partner needs the key list",
    });
    expect(result.status).toBe("RELEASED");
    expect(await partnerSees(w, noteId)).toBe(true);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: noteId, action: "item.released" } });
    expect(audit.details).toMatchObject({ reason: "Partner needs the key list", releaseId: result.releaseId });
  });

  it("an investigator may not release; the partner's lead cannot even see the item", async () => {
    const { w, noteId } = await orgOnlyNote("LEAD_RELEASE");
    await expect(
      requestRelease(w.investigator, { itemType: "note", itemId: noteId, reason: "please" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      requestRelease(w.partnerLead, { itemType: "note", itemId: noteId, reason: "give it" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      requestRelease(w.outsider, { itemType: "note", itemId: noteId, reason: "give it" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await getDb().itemRelease.count({ where: { itemId: noteId } })).toBe(0);
  });

  it("refuses bad input: no reason, unknown item kind, already visible items", async () => {
    const { w, noteId } = await orgOnlyNote("LEAD_RELEASE");
    await expect(requestRelease(w.lead, { itemType: "note", itemId: noteId, reason: "" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      requestRelease(w.lead, { itemType: "secret", itemId: noteId, reason: "why not" }),
    ).rejects.toBeInstanceOf(ValidationError);
    await requestRelease(w.lead, { itemType: "note", itemId: noteId, reason: "first" });
    await expect(requestRelease(w.lead, { itemType: "note", itemId: noteId, reason: "again" })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("with two-person release, a second person of the same organisation must approve", async () => {
    const { w, noteId } = await orgOnlyNote("TWO_PERSON");
    const before = await caseUpdatedAt(w.caseId);
    const { releaseId, status } = await requestRelease(w.lead, {
      itemType: "note",
      itemId: noteId,
      reason: "share timeline",
    });
    expect(status).toBe("PENDING");
    expect(await partnerSees(w, noteId)).toBe(false);
    await expect(decideRelease(w.lead, releaseId, { approve: "approve" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(decideRelease(w.viewer, releaseId, { approve: "approve" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(decideRelease(w.partnerLead, releaseId, { approve: "approve" })).rejects.toBeInstanceOf(NotFoundError);
    expect(await partnerSees(w, noteId)).toBe(false);
    // The request, waiting, moved nothing the partner reads; the approval does, in its transaction.
    expect(await caseUpdatedAt(w.caseId)).toEqual(before);
    await decideRelease(w.investigator, releaseId, { approve: "approve" });
    expect(await partnerSees(w, noteId)).toBe(true);
    const { decidedAt } = await getDb().itemRelease.findUniqueOrThrow({ where: { id: releaseId } });
    expect((await caseUpdatedAt(w.caseId)).getTime()).toBeGreaterThanOrEqual(decidedAt!.getTime());
    await expect(decideRelease(w.investigator, releaseId, { approve: "reject" })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("a rejected request leaves the item with its organisation, and the case's updated time as it was", async () => {
    const { w, noteId } = await orgOnlyNote("TWO_PERSON");
    const before = await caseUpdatedAt(w.caseId);
    const { releaseId } = await requestRelease(w.lead, { itemType: "note", itemId: noteId, reason: "maybe" });
    await decideRelease(w.investigator, releaseId, { approve: "reject" });
    expect(await partnerSees(w, noteId)).toBe(false);
    expect(await caseUpdatedAt(w.caseId)).toEqual(before);
    expect((await getDb().itemRelease.findUniqueOrThrow({ where: { id: releaseId } })).status).toBe("REJECTED");
  });

  it("editing a released note takes it back to its organisation, to be released again", async () => {
    const { w, noteId } = await orgOnlyNote("TWO_PERSON");
    const { releaseId } = await requestRelease(w.lead, { itemType: "note", itemId: noteId, reason: "share" });
    await decideRelease(w.investigator, releaseId, { approve: "approve" });
    expect(await partnerSees(w, noteId)).toBe(true);
    const version = (await getDb().note.findUniqueOrThrow({ where: { id: noteId } })).version;
    await updateNote(w.investigator, noteId, { body: "now with internal detail", version });
    expect(await partnerSees(w, noteId)).toBe(false);
    expect((await getDb().itemRelease.findUniqueOrThrow({ where: { id: releaseId } })).status).toBe("WITHDRAWN");
  });

  it("editing a note whose release awaits approval ends that request", async () => {
    const { w, noteId } = await orgOnlyNote("TWO_PERSON");
    const { releaseId } = await requestRelease(w.lead, { itemType: "note", itemId: noteId, reason: "share" });
    await updateNote(w.investigator, noteId, { body: "changed before approval", version: 1 });
    await expect(decideRelease(w.investigator, releaseId, { approve: "approve" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await partnerSees(w, noteId)).toBe(false);
  });

  it("a lead of the item's organisation can withdraw a release; the partner cannot", async () => {
    const { w, noteId } = await orgOnlyNote("LEAD_RELEASE");
    const { releaseId } = await requestRelease(w.lead, { itemType: "note", itemId: noteId, reason: "share" });
    await expect(withdrawRelease(w.partnerLead, releaseId, { reason: "not yours" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(withdrawRelease(w.investigator, releaseId, { reason: "oops" })).rejects.toBeInstanceOf(ForbiddenError);
    const released = await caseUpdatedAt(w.caseId);
    await withdrawRelease(w.lead, releaseId, { reason: "Released by mistake" });
    expect(await partnerSees(w, noteId)).toBe(false);
    expect(await caseUpdatedAt(w.caseId)).toEqual(released); // as a deletion: nothing new to see
    const events = await getDb().auditEvent.findMany({
      where: { targetId: noteId },
      orderBy: { id: "asc" },
      select: { action: true },
    });
    expect(events.map((e) => e.action)).toEqual(["note.created", "item.released", "item.release_withdrawn"]);
    await expect(withdrawRelease(w.lead, releaseId, { reason: "twice" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("two releases of one item at once: one is made, the other refused, and only one is kept", async () => {
    const { w, noteId } = await orgOnlyNote("LEAD_RELEASE");
    const results = await Promise.allSettled(
      ["first", "second"].map((reason) => requestRelease(w.lead, { itemType: "note", itemId: noteId, reason })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(refused?.reason).toBeInstanceOf(ValidationError);
    expect(await getDb().itemRelease.count({ where: { itemId: noteId } })).toBe(1);
    expect(await getDb().auditEvent.count({ where: { targetId: noteId, action: "item.released" } })).toBe(1);
  });

  it("a release changes who sees a note, not when it was last edited", async () => {
    const { w, noteId } = await orgOnlyNote("LEAD_RELEASE");
    const before = await getDb().note.findUniqueOrThrow({ where: { id: noteId } });
    await requestRelease(w.lead, { itemType: "note", itemId: noteId, reason: "share it" });
    const after = await getDb().note.findUniqueOrThrow({ where: { id: noteId } });
    expect(after).toMatchObject({ visibility: "ALL_CASE_ORGS", version: before.version + 1 });
    expect(after.updatedAt).toEqual(before.updatedAt);
  });

  it("the release reason and requester are the item's organisation's: the partner gets the state alone", async () => {
    const { w, noteId } = await orgOnlyNote("LEAD_RELEASE");
    await requestRelease(w.lead, { itemType: "note", itemId: noteId, reason: "Internal: legal said ok" });
    const ours = (await listNotes(w.investigator, w.caseId)).find((n) => n.id === noteId)!;
    const theirs = (await listNotes(w.partnerLead, w.caseId)).find((n) => n.id === noteId) as TNoteView;
    expect(ours).toMatchObject({ releaseState: "RELEASED", release: { reason: "Internal: legal said ok" } });
    expect(theirs).toMatchObject({ releaseState: "RELEASED", release: null });
    expect(JSON.stringify(theirs)).not.toContain("legal said ok");
    expect(JSON.stringify(theirs)).not.toContain(w.lead.name);
    expect(theirs.can).toEqual({
      edit: false,
      delete: false,
      flagPrivilege: false,
      release: false,
      approve: false,
      withdraw: false,
    });
  });
});
