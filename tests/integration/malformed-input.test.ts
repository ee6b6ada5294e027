import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { createNote, updateNote } from "@/lib/notes/mutations";
import { createImport } from "@/lib/timeline/import";
import { createTimelineEvent, deleteTimelineEvent, updateTimelineEvent } from "@/lib/timeline/mutations";
import { createJointCase } from "@/tests/helpers/factories";
import { stagedFiles, streamOf } from "@/tests/helpers/evidence";

// The inputs an outside test sent that answered 500, through the lib functions every entry point
// (page action, route handler) calls: each is a ValidationError (400), and nothing is written.
const event = { occurredAt: "2026-01-15T09:00", timeZone: "UTC", title: "API burst", category: "API_ACCESS" };
const db = getDb();
const writes = (caseId: string) =>
  Promise.all([
    db.timelineEvent.count({ where: { caseId } }),
    db.note.count({ where: { caseId } }),
    db.importJob.count({ where: { caseId } }),
    db.auditEvent.count({ where: { caseId } }),
  ]);

describe("malformed input through the lib entry points", () => {
  it("a NUL in an event or a note, created or edited, writes nothing", async () => {
    const w = await createJointCase();
    const e = await createTimelineEvent(w.investigator, w.caseId, event);
    const note = await createNote(w.investigator, w.caseId, { body: "Tenant <tenant-id>" });
    const before = await writes(w.caseId);
    await expect(createTimelineEvent(w.investigator, w.caseId, { ...event, title: "a\u0000" })).rejects.toThrow(
      ValidationError,
    );
    await expect(
      updateTimelineEvent(w.investigator, e.id, { ...event, title: "\u0000", version: 1 }, w.caseId),
    ).rejects.toThrow(ValidationError);
    await expect(createNote(w.investigator, w.caseId, { body: "key \u0000" })).rejects.toThrow(ValidationError);
    await expect(updateNote(w.investigator, note.id, { body: "\u0000", version: 1 })).rejects.toThrow(ValidationError);
    expect(await writes(w.caseId)).toEqual(before);
    expect((await db.timelineEvent.findUniqueOrThrow({ where: { id: e.id } })).title).toBe("API burst");
  });

  it("a delete with version abc, 1e400 or beyond an integer is refused and the event stays", async () => {
    const w = await createJointCase();
    const e = await createTimelineEvent(w.investigator, w.caseId, event);
    for (const version of ["abc", "1e400", "99999999999"]) {
      await expect(deleteTimelineEvent(w.investigator, e.id, version, w.caseId), version).rejects.toThrow(
        ValidationError,
      );
    }
    expect((await db.timelineEvent.findUniqueOrThrow({ where: { id: e.id } })).deletedAt).toBeNull();
    await deleteTimelineEvent(w.investigator, e.id, "1", w.caseId);
    expect((await db.timelineEvent.findUniqueOrThrow({ where: { id: e.id } })).deletedAt).not.toBeNull();
  });

  it("an import whose X-File-Name is not valid URI encoding stores nothing", async () => {
    const w = await createJointCase();
    const bytes = Buffer.from("time,title\n2026-01-01T00:00:00Z,a\n");
    const staged = stagedFiles().length;
    for (const fileName of ["%E0%A4%A.csv", "events%.csv", "a%00.csv"]) {
      await expect(
        createImport(w.investigator, w.caseId, {
          body: streamOf(bytes),
          fileName,
          contentLength: String(bytes.length),
        }),
        fileName,
      ).rejects.toThrow(ValidationError);
    }
    expect(await db.importJob.count({ where: { caseId: w.caseId } })).toBe(0);
    expect(stagedFiles().length).toBe(staged);
    const { job } = await createImport(w.investigator, w.caseId, {
      body: streamOf(bytes),
      fileName: encodeURIComponent("März 100%.csv"),
      contentLength: String(bytes.length),
    });
    expect(job.fileName).toBe("März 100%.csv");
  });
});
