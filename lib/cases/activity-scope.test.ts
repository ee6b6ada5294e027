import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ForbiddenError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { listCaseActivity } from "@/lib/cases/activity";
import { getCaseOverview, listCaseMembers } from "@/lib/cases/queries";
import { deleteEvidence, purgeEvidence, updateEvidence } from "@/lib/evidence/mutations";
import { describeEvidenceFile, getEvidence, listEvidence, openEvidenceFile } from "@/lib/evidence/queries";
import { ZEvidenceFilters } from "@/lib/evidence/schemas";
import { verifyCaseEvidence, verifyEvidence } from "@/lib/evidence/verify";
import { runImportJob } from "@/lib/jobs/runner";
import { createNote, deleteNote, updateNote } from "@/lib/notes/mutations";
import { listNotes } from "@/lib/notes/queries";
import { requestRelease, withdrawRelease } from "@/lib/releases/mutations";
import { exportTimeline } from "@/lib/timeline/export";
import { changeImport, createImport } from "@/lib/timeline/import";
import { createTimelineEvent, deleteTimelineEvent, updateTimelineEvent } from "@/lib/timeline/mutations";
import { getTimelineHistogram, listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { createJointCase, createUser, uid } from "@/tests/helpers/factories";
import { streamOf, upload } from "@/tests/helpers/evidence";

// Defect 2 of issue 9, as a property: whatever the owner's people do with owner-org-only content,
// no Activity view of the partner's members holds any word or id of that content, nor any count
// over it; and the owner's own members do see it all.

async function allActivity(actor: TActor, caseId: string) {
  const rows = [];
  for (let cursor: string | null = null, first = true; first || cursor; first = false) {
    const page = await listCaseActivity(actor, caseId, cursor ? { cursor } : {});
    rows.push(...page.rows);
    cursor = page.nextCursor;
  }
  return rows;
}

/** Every string and every number anywhere in a row's target and details. */
function leaves(value: unknown, out: { strings: string[]; numbers: number[] } = { strings: [], numbers: [] }) {
  if (typeof value === "string") out.strings.push(value);
  else if (typeof value === "number") out.numbers.push(value);
  else if (Array.isArray(value)) value.forEach((v) => leaves(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => leaves(v, out));
  return out;
}

async function drain<T>(generator: AsyncGenerator<T>) {
  for await (const _ of generator);
}

describe("what the partner sees of the Activity tab", () => {
  it("nothing derived from the owner's private content, in any kind of row; the owner's members see it all", async () => {
    const w = await createJointCase({ releaseMode: "LEAD_RELEASE" }); // new items are owner-org-only
    const [partnerReviewer, partnerViewer, ownerAdmin] = await Promise.all([
      createUser({ orgId: w.partnerOrg.id }),
      createUser({ orgId: w.partnerOrg.id }),
      createUser({ orgId: w.ownerOrg.id, role: "ADMIN" }),
    ]);
    await getDb().caseMember.createMany({
      data: [
        { caseId: w.caseId, userId: partnerReviewer.id, role: "LEGAL_REVIEWER" },
        { caseId: w.caseId, userId: partnerViewer.id, role: "VIEWER" },
        { caseId: w.caseId, userId: ownerAdmin.id, role: "VIEWER" },
      ],
    });
    const secret = `secret${uid()}`; // every word the owner types about private content holds it
    const privateIds: string[] = [];
    const keep = <T extends { id: string }>(item: T) => (privateIds.push(item.id), item);

    // Notes: created, edited, deleted, released (and the release withdrawn), listed.
    const note = keep(await createNote(w.investigator, w.caseId, { body: `note ${secret}` }));
    await updateNote(w.investigator, note.id, { body: `edited ${secret}`, version: 1 });
    const released = keep(await createNote(w.investigator, w.caseId, { body: "released later" }));
    const release = await requestRelease(w.lead, { itemType: "note", itemId: released.id, reason: `why ${secret}` });
    await withdrawRelease(w.lead, release.releaseId, { reason: `back ${secret}` });
    await deleteNote(w.investigator, note.id);
    await listNotes(w.lead, w.caseId);

    // Evidence: three private items of distinctive sizes, so that a count or size can be told apart.
    const sizes = [1301, 1302, 1303];
    const items = [];
    for (const size of sizes) {
      const bytes = Buffer.alloc(size, `${secret}${size}`);
      items.push(
        keep(await upload(w.investigator, w.caseId, bytes, { title: `ev ${secret}`, fileName: `${secret}.txt` })),
      );
    }
    const [first, second, third] = items as [(typeof items)[0], (typeof items)[0], (typeof items)[0]];
    await upload(w.investigator, w.caseId, Buffer.alloc(1301, `${secret}1301`), { fileName: `again-${secret}.txt` });
    await updateEvidence(w.investigator, w.caseId, first.id, { version: 1, title: `renamed ${secret}`, kind: "EMAIL" });
    await verifyEvidence(w.lead, w.caseId, first.id);
    await verifyCaseEvidence(w.lead, w.caseId);
    await getEvidence(w.viewer, w.caseId, first.id);
    (await openEvidenceFile(w.viewer, w.caseId, second.id, "download")).stream.destroy();
    await describeEvidenceFile(w.viewer, w.caseId, second.id, "download");
    const listed = await listEvidence(w.lead, w.caseId, ZEvidenceFilters.parse({ tag: secret }));
    const everything = await listEvidence(w.lead, w.caseId, ZEvidenceFilters.parse({}));
    expect(everything.total).toBe(3);
    await deleteEvidence(w.lead, w.caseId, third.id, { reason: `gone ${secret}` });
    await purgeEvidence(ownerAdmin, w.caseId, third.id, { reason: `purged ${secret}` });
    expect(listed.total).toBe(0);

    // Timeline: a private event created, edited, searched for by its title in the list, the
    // histogram and an export, deleted; a refused edit of it by the owner's viewer.
    const when = { occurredAt: "2026-01-15T09:00", timeZone: "UTC", category: "API_ACCESS" };
    const event = keep(await createTimelineEvent(w.investigator, w.caseId, { ...when, title: `event ${secret}` }));
    await updateTimelineEvent(w.investigator, event.id, { ...when, title: `title ${secret}`, version: 1 });
    const search = ZTimelineFilters.parse({ q: `title ${secret}` });
    await listTimelineEvents(w.lead, w.caseId, search);
    await getTimelineHistogram(w.lead, w.caseId, search);
    await drain(exportTimeline(w.lead, w.caseId, search, "csv"));
    await expect(updateTimelineEvent(w.viewer, event.id, { ...when, title: "x", version: 2 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await deleteTimelineEvent(w.investigator, event.id, 2);

    // An import of four private events from a file named after the secret.
    const csv = Buffer.from(
      ["time,title", ...[1, 2, 3, 4].map((n) => `2026-01-0${n}T00:00:00Z,imported ${secret} ${n}`)].join("\n"),
    );
    const { job } = await createImport(w.investigator, w.caseId, {
      body: streamOf(csv),
      fileName: `${secret}.csv`,
      contentLength: String(csv.length),
    });
    privateIds.push(job.id);
    await changeImport(w.investigator, w.caseId, job.id, {
      action: "validate",
      options: { mapping: { occurredAt: "time", title: "title" }, timeZone: "UTC", visibility: "OWNER_ORG_ONLY" },
    });
    await runImportJob(job.id);
    await changeImport(w.investigator, w.caseId, job.id, { action: "commit" });
    await runImportJob(job.id);

    // Views of the case and its tabs, with filters typed by the owner.
    await getCaseOverview(w.lead, w.caseId);
    await listCaseMembers(w.lead, w.caseId);
    await listCaseActivity(w.lead, w.caseId, { action: secret });

    // The owner's members see all of it: the secret, the ids, the counts.
    const ownerRows = await allActivity(w.viewer, w.caseId);
    const own = leaves(ownerRows.map((r) => [r.targetId, r.details]));
    expect(own.strings.some((s) => s.includes(secret))).toBe(true);
    for (const id of privateIds) expect(own.strings, id).toContain(id);
    expect(ownerRows).toContainEqual(
      expect.objectContaining({
        action: "case.evidence_listed",
        details: expect.objectContaining({ count: 3, total: 3 }),
      }),
    );
    for (const size of sizes) expect(own.numbers).toContain(size);
    expect(own.numbers).toContain(4); // the import's inserted rows
    for (const action of ["timeline.exported", "timeline.histogram_viewed", "timeline.imported", "item.released"])
      expect(ownerRows.map((r) => r.action)).toContain(action);

    // No member of the partner, whatever their role, sees any of it.
    const ownerNumbers = [3, 4, ...sizes];
    for (const partner of [w.partnerLead, w.partnerInvestigator, partnerReviewer, partnerViewer]) {
      const rows = await allActivity(partner, w.caseId);
      expect(rows.length).toBeGreaterThan(0); // the shared rows: the case, its members
      const seen = leaves(rows.map((r) => [r.targetId, r.details]));
      expect(seen.strings.filter((s) => s.includes(secret))).toEqual([]);
      expect(seen.strings.filter((s) => privateIds.includes(s))).toEqual([]);
      expect(seen.numbers.filter((n) => ownerNumbers.includes(n))).toEqual([]);
    }
  });
});
