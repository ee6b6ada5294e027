import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { createNote, deleteNote, updateNote } from "@/lib/notes/mutations";
import { listNotes, type TNoteView } from "@/lib/notes/queries";
import { NOTE_MAX } from "@/lib/notes/schemas";
import { createJointCase } from "@/tests/helpers/factories";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";

const noteCount = (caseId: string) => getDb().note.count({ where: { caseId } });

describe("notes", () => {
  it("a note for all case organisations is seen by both; an owner-org-only one only by its org", async () => {
    const w = await createJointCase();
    const shared = await createNote(w.investigator, w.caseId, { body: "visible to all", visibility: "ALL_CASE_ORGS" });
    const secret = await createNote(w.investigator, w.caseId, { body: "ours only", visibility: "OWNER_ORG_ONLY" });
    expect((await listNotes(w.lead, w.caseId)).map((n) => n.id).sort()).toEqual([shared.id, secret.id].sort());
    expect((await listNotes(w.partnerLead, w.caseId)).map((n) => n.id)).toEqual([shared.id]);
    // The partner cannot reach it by id either: it does not exist for them.
    await expect(updateNote(w.partnerLead, secret.id, { body: "x", version: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteNote(w.partnerLead, secret.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("non-members get 404 and viewers may not write", async () => {
    const w = await createJointCase();
    await expect(listNotes(w.outsider, w.caseId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createNote(w.outsider, w.caseId, { body: "hi" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(createNote(w.viewer, w.caseId, { body: "hi" })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await noteCount(w.caseId)).toBe(0);
  });

  it("a guessed note id from a case the user is not in is 404 and changes nothing", async () => {
    const a = await createJointCase();
    const b = await createJointCase();
    const note = await createNote(a.investigator, a.caseId, { body: "case A" });
    await expect(updateNote(b.lead, note.id, { body: "hijacked", version: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteNote(b.lead, note.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateNote(b.lead, "not-a-uuid", { body: "x", version: 1 })).rejects.toBeInstanceOf(NotFoundError);
    expect((await getDb().note.findUniqueOrThrow({ where: { id: note.id } })).body).toBe("case A");
  });

  it("only the author edits; a stale version is a visible conflict, not an overwrite", async () => {
    const w = await createJointCase();
    const note = await createNote(w.investigator, w.caseId, { body: "v1" });
    await expect(updateNote(w.lead, note.id, { body: "lead edit", version: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await updateNote(w.investigator, note.id, { body: "v2", version: 1 });
    await expect(updateNote(w.investigator, note.id, { body: "stale", version: 1 })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await getDb().note.findUniqueOrThrow({ where: { id: note.id } })).toMatchObject({ body: "v2", version: 2 });
  });

  it("the author or a lead may delete; another investigator may not; the record stays", async () => {
    const w = await createJointCase();
    const a = await createNote(w.investigator, w.caseId, { body: "a" });
    const b = await createNote(w.lead, w.caseId, { body: "b" });
    await expect(deleteNote(w.investigator, b.id)).rejects.toBeInstanceOf(ForbiddenError);
    await deleteNote(w.lead, a.id);
    await deleteNote(w.lead, b.id);
    expect(await listNotes(w.lead, w.caseId)).toEqual([]);
    expect(await noteCount(w.caseId)).toBe(2);
  });

  it("rejects empty and oversized notes and unknown visibilities, writing nothing", async () => {
    const w = await createJointCase();
    await expect(createNote(w.lead, w.caseId, { body: "   " })).rejects.toBeInstanceOf(ValidationError);
    await expect(createNote(w.lead, w.caseId, { body: "x".repeat(NOTE_MAX + 1) })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(createNote(w.lead, w.caseId, { body: "ok", visibility: "EVERYONE" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await noteCount(w.caseId)).toBe(0);
  });

  it("on a release-controlled case a new note starts owner-org-only whatever the form says", async () => {
    const w = await createJointCase({ releaseMode: "LEAD_RELEASE" });
    const note = await createNote(w.investigator, w.caseId, { body: "draft", visibility: "ALL_CASE_ORGS" });
    expect((await getDb().note.findUniqueOrThrow({ where: { id: note.id } })).visibility).toBe("OWNER_ORG_ONLY");
    expect(await listNotes(w.partnerInvestigator, w.caseId)).toEqual([]);
  });

  it("a lead deletes only notes of their own organisation, from either side", async () => {
    const w = await createJointCase();
    const owners = await createNote(w.investigator, w.caseId, { body: "owner's", visibility: "ALL_CASE_ORGS" });
    const partners = await createNote(w.partnerInvestigator, w.caseId, {
      body: "partner's",
      visibility: "ALL_CASE_ORGS",
    });
    await expect(deleteNote(w.partnerLead, owners.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteNote(w.lead, partners.id)).rejects.toBeInstanceOf(ForbiddenError);
    const shown = async (actor: typeof w.lead, id: string) =>
      ((await listNotes(actor, w.caseId)).find((n) => n.id === id) as TNoteView).can.delete;
    expect([await shown(w.partnerLead, owners.id), await shown(w.lead, partners.id)]).toEqual([false, false]);
    expect([await shown(w.lead, owners.id), await shown(w.partnerLead, partners.id)]).toEqual([true, true]);
    expect(await getDb().note.count({ where: { caseId: w.caseId, deletedAt: null } })).toBe(2);
    await deleteNote(w.partnerLead, partners.id);
    await deleteNote(w.lead, owners.id);
    expect(await getDb().note.count({ where: { caseId: w.caseId, deletedAt: null } })).toBe(0);
  });

  it("under legal hold, notes can be neither edited nor deleted", async () => {
    const w = await createJointCase();
    const note = await createNote(w.investigator, w.caseId, { body: "evidence of intent" });
    await getDb().case.update({ where: { id: w.caseId }, data: { legalHold: true } });
    await expect(updateNote(w.investigator, note.id, { body: "rewritten", version: 1 })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(deleteNote(w.lead, note.id)).rejects.toBeInstanceOf(ConflictError);
    expect(await getDb().note.findUniqueOrThrow({ where: { id: note.id } })).toMatchObject({
      body: "evidence of intent",
      deletedAt: null,
    });
  });

  it("audits writes, and reads of the notes", async () => {
    const w = await createJointCase();
    const note = await createNote(w.investigator, w.caseId, { body: "audited" });
    await listNotes(w.partnerLead, w.caseId);
    const actions = (await getDb().auditEvent.findMany({ where: { caseId: w.caseId }, orderBy: { id: "asc" } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(["note.created", "case.notes_viewed"]);
    expect(note.id).toBeTruthy();
  });
});

describe("a note marks its case as active", () => {
  const updatedAt = async (caseId: string) =>
    (await getDb().case.findUniqueOrThrow({ where: { id: caseId }, select: { updatedAt: true } })).updatedAt;

  it("a new note moves the case's updated time", async () => {
    const w = await createJointCase();
    const before = await updatedAt(w.caseId);
    await new Promise((r) => setTimeout(r, 5));
    await createNote(w.investigator, w.caseId, { body: "activity" });
    expect((await updatedAt(w.caseId)).getTime()).toBeGreaterThan(before.getTime());
  });

  // The embedded database runs one transaction at a time: there is no second one to hold the row.
  it.skipIf(onEmbeddedTestDatabase())(
    "writers do not queue on the case row: a note is saved while another transaction holds it",
    async () => {
      const w = await createJointCase();
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holder = getDb().$transaction(
        async (tx) => {
          // As another writer's touch holds it (an UPDATE of a column that is not a key).
          await tx.$queryRaw`SELECT id FROM "Case" WHERE id = ${w.caseId}::uuid FOR NO KEY UPDATE`;
          locked();
          await held;
        },
        { timeout: 30_000 },
      );
      await isLocked;
      try {
        const saved = await Promise.race([
          createNote(w.investigator, w.caseId, { body: "while held" }).then(() => "saved"),
          new Promise((r) => setTimeout(() => r("waited"), 5_000)),
        ]);
        expect(saved).toBe("saved");
      } finally {
        release();
        await holder;
      }
      expect(await noteCount(w.caseId)).toBe(1);
    },
  );
});
