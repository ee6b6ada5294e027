import "server-only";
import { getDb } from "@/lib/db";
import { itemScope, recordAudit } from "@/lib/audit/record";
import { endOpenReleases, ITEM_FACTS_SELECT } from "@/lib/releases/items";
import { canOnItem } from "@/lib/auth/permissions";
import { requireNoLegalHold } from "@/lib/cases/hold";
import { forbiddenRefusal, notFoundRefusal, loadCaseFacts, parseId, requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { ZCreateNote, ZUpdateNote } from "@/lib/notes/schemas";
import { touchCaseFor } from "@/lib/cases/touch";

/**
 * Writes a note. On a case whose release mode is not DIRECT, a new note always starts
 * owner-organisation-only, whatever the form says: it reaches the partner only by a release.
 */
export async function createNote(actor: TActor, caseId: unknown, input: unknown): Promise<{ id: string }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "note.create");
  const data = parseInput(ZCreateNote, input);
  const visibility = c.releaseMode === "DIRECT" ? data.visibility : "OWNER_ORG_ONLY";
  return getDb().$transaction(async (tx) => {
    const note = await tx.note.create({
      data: { caseId: c.id, authorId: actor.id, orgId: actor.orgId, body: data.body, visibility },
      select: { id: true },
    });
    await touchCaseFor(tx, c.id, { visibility });
    await recordAudit(
      {
        actorId: actor.id,
        action: "note.created",
        targetType: "note",
        targetId: note.id,
        caseId: c.id,
        scope: itemScope({ visibility, orgId: actor.orgId }),
        details: { visibility },
      },
      tx,
    );
    return note;
  });
}

/** The note and its case as `actor` sees them; invisible or unknown → NotFound. */
async function loadNote(actor: TActor, noteId: unknown) {
  const id = parseId(noteId);
  // visibility: one note by id, decided by canOnItem below (NotFound if not visible).
  const note = await getDb().note.findFirst({
    where: { id, deletedAt: null },
    select: { id: true, ...ITEM_FACTS_SELECT, authorId: true },
  });
  if (!note) throw await notFoundRefusal(actor, "note.change", "note", id);
  const access = await loadCaseFacts(actor, note.caseId);
  if (!access || !canOnItem(actor, "item.read", access.facts, note))
    throw await notFoundRefusal(actor, "note.change", "note", id);
  return { note, access };
}

const ON_HOLD = "notes cannot be edited or deleted";

const CONFLICT =
  "Someone else changed this note after you opened it. Your text is still in the editor: copy it, reload, and apply your change again.";

export async function updateNote(actor: TActor, noteId: unknown, input: unknown): Promise<void> {
  const { note, access } = await loadNote(actor, noteId);
  if (!canOnItem(actor, "item.edit", access.facts, note))
    throw await forbiddenRefusal(
      actor,
      "note.update",
      { type: "note", id: note.id, caseId: note.caseId },
      "Only the author can edit a note.",
    );
  const data = parseInput(ZUpdateNote, input);
  const direct = access.case.releaseMode === "DIRECT";
  // Visibility changes by hand only where the case lets authors choose. Where releases are
  // deliberate, what was released (or is awaiting approval) is the text as it was then: an edit
  // takes the note back to its organisation and ends the release, to be released again.
  const visibility = direct ? (data.visibility ?? note.visibility) : "OWNER_ORG_ONLY";
  await getDb().$transaction(async (tx) => {
    await requireNoLegalHold(tx, note.caseId, ON_HOLD);
    const { count } = await tx.note.updateMany({
      where: { id: note.id, version: data.version },
      data: { body: data.body, visibility, version: { increment: 1 } },
    });
    if (count === 0) throw new ConflictError(CONFLICT);
    await touchCaseFor(tx, note.caseId, { visibility, was: note.visibility });
    if (!direct) {
      await endOpenReleases(
        tx,
        "note",
        note.id,
        actor.id,
        "The note was edited after its release was requested or granted.",
      );
    }
    await recordAudit(
      {
        actorId: actor.id,
        action: "note.updated",
        targetType: "note",
        targetId: note.id,
        caseId: note.caseId,
        scope: itemScope({ visibility, orgId: note.orgId }),
        details: { visibility },
      },
      tx,
    );
  });
}

/** Soft delete by the author or a lead of the note's organisation; the record and its audit history stay. */
export async function deleteNote(actor: TActor, noteId: unknown): Promise<void> {
  const { note, access } = await loadNote(actor, noteId);
  if (!canOnItem(actor, "item.delete", access.facts, note))
    throw await forbiddenRefusal(
      actor,
      "note.delete",
      { type: "note", id: note.id, caseId: note.caseId },
      "Only the author or a lead of the note's organisation can delete it.",
    );
  await getDb().$transaction(async (tx) => {
    await requireNoLegalHold(tx, note.caseId, ON_HOLD);
    const { count } = await tx.note.updateMany({
      where: { id: note.id, deletedAt: null },
      data: { deletedAt: new Date() },
    });
    if (count === 0) throw new NotFoundError();
    await recordAudit(
      {
        actorId: actor.id,
        action: "note.deleted",
        targetType: "note",
        targetId: note.id,
        caseId: note.caseId,
        scope: itemScope(note),
      },
      tx,
    );
  });
}
