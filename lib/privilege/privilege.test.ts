// Issue 12: a privileged item's content never reaches someone who may not read it, by any read
// path (lists, counts, search, filters, item pages, downloads, previews, the timeline export and
// histogram, linked titles, activity, usage imports), while its stub (id, date, kind, basis)
// does; flags are versioned, validated and audited. Against PostgreSQL.
import { beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/session";
import { listCaseActivity } from "@/lib/cases/activity";
import { getDb } from "@/lib/db";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { describeEvidenceFile, getEvidence, listEvidence, openEvidenceFile } from "@/lib/evidence/queries";
import { ZEvidenceFilters } from "@/lib/evidence/schemas";
import { createNote } from "@/lib/notes/mutations";
import { listNotes } from "@/lib/notes/queries";
import { flagPrivilege, unflagPrivilege } from "@/lib/privilege/mutations";
import { privilegeLog } from "@/lib/productions/content";
import { exportTimeline } from "@/lib/timeline/export";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { getTimelineHistogram, getTimelineOptions, listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { startUsageImport } from "@/lib/usage/imports";
import { upload } from "@/tests/helpers/evidence";
import { createJointCase, createUser, uid } from "@/tests/helpers/factories";

const SECRET = "Zanzibar"; // in every hidden field: no read may return it to a non-reader
const EVENT = { occurredAt: "2026-01-15T09:00", timeZone: "UTC", category: "API_ACCESS", visibility: "ALL_CASE_ORGS" };
const flagInput = (basis: string, version = 1) => ({ basis, description: "Memo from counsel", version });

async function world() {
  const w = await createJointCase();
  const reviewer = async (orgId: string) => {
    const user = await createUser({ orgId, role: "LEGAL" });
    await getDb().caseMember.create({ data: { caseId: w.caseId, userId: user.id, role: "LEGAL_REVIEWER" } });
    return user;
  };
  const [ownerReviewer, partnerReviewer] = [await reviewer(w.ownerOrg.id), await reviewer(w.partnerOrg.id)];
  const evidence = await upload(w.investigator, w.caseId, Buffer.from(`${SECRET} memo ${uid()}`), {
    title: `${SECRET} memo`,
    fileName: `${SECRET}.txt`,
    tags: `${SECRET.toLowerCase()}`,
    description: `${SECRET} description`,
    visibility: "ALL_CASE_ORGS",
  });
  const note = await createNote(w.investigator, w.caseId, { body: `${SECRET} note`, visibility: "ALL_CASE_ORGS" });
  const event = await createTimelineEvent(w.investigator, w.caseId, {
    ...EVENT,
    title: `${SECRET} event`,
    source: `${SECRET}-source`,
  });
  // An ordinary event that cites the privileged evidence: the citation shows, its title does not.
  const citing = await createTimelineEvent(w.investigator, w.caseId, {
    ...EVENT,
    title: "Ordinary event",
    evidenceIds: evidence.id,
  });
  await flagPrivilege(w.lead, "evidence", w.caseId, evidence.id, flagInput("ATTORNEY_CLIENT"));
  await flagPrivilege(ownerReviewer, "note", w.caseId, note.id, flagInput("COMMON_INTEREST"));
  await flagPrivilege(w.lead, "timeline_event", w.caseId, event.id, flagInput("WORK_PRODUCT"));
  return { ...w, ownerReviewer, partnerReviewer, evidence, note, event, citing };
}

async function text(gen: AsyncGenerator<string>) {
  let out = "";
  for await (const chunk of gen) out += chunk;
  return out;
}

/** Everything a reader can get of the case, as one string. */
async function everything(actor: TActor, caseId: string) {
  const all = ZTimelineFilters.parse({});
  const parts = await Promise.all([
    listEvidence(actor, caseId, ZEvidenceFilters.parse({})),
    listNotes(actor, caseId),
    listTimelineEvents(actor, caseId, all),
    getTimelineHistogram(actor, caseId, all),
    getTimelineOptions(actor, caseId),
    text(exportTimeline(actor, caseId, all, "csv")),
    text(exportTimeline(actor, caseId, all, "json")),
    listCaseActivity(actor, caseId, {}),
  ]);
  return JSON.stringify(parts);
}

describe("privileged content never reaches those who may not read it", () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world();
  });

  it("no list, count, export, histogram, option or activity row holds hidden content", async () => {
    for (const actor of [w.investigator, w.viewer, w.partnerLead, w.partnerInvestigator]) {
      expect(await everything(actor, w.caseId)).not.toContain(SECRET);
    }
    // The partner's legal reviewer reads the common-interest note, and nothing else of it.
    const reviewer = await everything(w.partnerReviewer, w.caseId);
    expect(reviewer.replaceAll(`${SECRET} note`, "")).not.toContain(SECRET);
    // Positive control: the owner's lead reads all of it.
    expect(await everything(w.lead, w.caseId)).toContain(`${SECRET} memo`);
  });

  it("lists keep the stub, counted, with id, date, kind and basis only", async () => {
    const list = await listEvidence(w.partnerInvestigator, w.caseId, ZEvidenceFilters.parse({}));
    expect(list.total).toBe(1);
    expect(list.items).toEqual([
      { withheld: true, id: w.evidence.id, date: expect.any(Date), kind: "OTHER", basis: "ATTORNEY_CLIENT" },
    ]);
    const notes = await listNotes(w.partnerInvestigator, w.caseId);
    expect(notes).toEqual([
      { withheld: true, id: w.note.id, date: expect.any(Date), kind: "note", basis: "COMMON_INTEREST" },
    ]);
    const events = (await listTimelineEvents(w.partnerLead, w.caseId, ZTimelineFilters.parse({}))).items;
    expect(events.find((e) => e.id === w.event.id)).toMatchObject({
      withheld: true,
      title: "Withheld — privileged",
      privilegeBasis: "WORK_PRODUCT",
      description: "",
      source: "",
      authorName: "",
    });
    expect(events.find((e) => e.id === w.citing.id)!.evidence).toEqual([
      { id: w.evidence.id, title: "Withheld — privileged" },
    ]);
    const histogram = await getTimelineHistogram(w.partnerLead, w.caseId, ZTimelineFilters.parse({}));
    expect(histogram.categories.sort()).toEqual(["API_ACCESS", "WITHHELD"]);
  });

  it("search and content filters never select a stub by its hidden words", async () => {
    const reader = w.partnerInvestigator;
    expect((await listEvidence(reader, w.caseId, ZEvidenceFilters.parse({ tag: SECRET.toLowerCase() }))).total).toBe(0);
    for (const f of [{ q: SECRET }, { source: `${SECRET}-source` }, { category: "API_ACCESS" }]) {
      const items = (await listTimelineEvents(reader, w.caseId, ZTimelineFilters.parse(f))).items;
      expect(items.map((e) => e.id)).not.toContain(w.event.id);
    }
    // The owner's lead finds it.
    const found = await listTimelineEvents(w.lead, w.caseId, ZTimelineFilters.parse({ q: SECRET }));
    expect(found.items.map((e) => e.id)).toEqual([w.event.id]);
  });

  it("item page, download, preview and usage import are refused; the error names nothing", async () => {
    for (const actor of [w.investigator, w.partnerLead, w.partnerReviewer]) {
      expect(await getEvidence(actor, w.caseId, w.evidence.id)).toMatchObject({ withheld: true });
      for (const purpose of ["download", "preview"] as const) {
        const open = openEvidenceFile(actor, w.caseId, w.evidence.id, purpose);
        await expect(open).rejects.toBeInstanceOf(ForbiddenError);
        await expect(open).rejects.not.toThrow(SECRET);
        await expect(describeEvidenceFile(actor, w.caseId, w.evidence.id, purpose)).rejects.toBeInstanceOf(
          ForbiddenError,
        );
      }
    }
    await expect(
      startUsageImport(w.partnerInvestigator, w.caseId, { evidenceId: w.evidence.id, preset: "gateway" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const file = await openEvidenceFile(w.ownerReviewer, w.caseId, w.evidence.id, "download");
    file.stream.destroy();
  });

  it("common interest: the partner's legal reviewer reads the note; the partner's lead does not", async () => {
    const asReviewer = await listNotes(w.partnerReviewer, w.caseId);
    expect(asReviewer[0]).toMatchObject({ id: w.note.id, body: `${SECRET} note`, privilegeBasis: "COMMON_INTEREST" });
    expect(JSON.stringify(await listNotes(w.partnerLead, w.caseId))).not.toContain(SECRET);
  });

  it("the privilege log lists what is withheld, with its description, never its content", async () => {
    // The log a production of the whole case holds, made in the partner investigator's view.
    const log = await privilegeLog(w.partnerInvestigator, w.caseId, { kind: "case" });
    expect(log.map((r) => [r.kind, r.basis, r.description])).toEqual(
      expect.arrayContaining([
        ["EVIDENCE", "ATTORNEY_CLIENT", "Memo from counsel"],
        ["NOTE", "COMMON_INTEREST", "Memo from counsel"],
        ["EVENT", "WORK_PRODUCT", "Memo from counsel"],
      ]),
    );
    expect(log).toHaveLength(3);
    expect(JSON.stringify(log)).not.toContain(SECRET);
  });

  it("the flag is audited where the item is seen: the partner sees the flag row, basis and description", async () => {
    const flagged = (await listCaseActivity(w.partnerInvestigator, w.caseId, { action: "privilege." })).rows;
    expect(flagged.map((r) => r.targetType).sort()).toEqual(["evidence", "note", "timeline_event"]);
    expect(flagged.find((r) => r.targetId === w.evidence.id)!.details).toMatchObject({
      basis: "ATTORNEY_CLIENT",
      description: "Memo from counsel",
    });
    // The upload's row stays, its details (file name, hash) withheld.
    const uploads = (await listCaseActivity(w.partnerInvestigator, w.caseId, { action: "evidence.uploaded" })).rows;
    const uploaded = uploads.find((r) => r.targetId === w.evidence.id)!;
    expect(uploaded.details).toEqual({ withheld: true });
  });
});

describe("privilege flags: validation, concurrency, unflag", () => {
  it("a missing basis or description is refused and changes nothing; a stale version conflicts", async () => {
    const w = await createJointCase();
    const { id } = await createNote(w.investigator, w.caseId, { body: "plain", visibility: "ALL_CASE_ORGS" });
    const row = () => getDb().note.findUniqueOrThrow({ where: { id } });
    for (const bad of [
      { version: 1, description: "Memo from counsel" },
      { version: 1, basis: "WORK_PRODUCT" },
      { ...flagInput("NOT_A_BASIS") },
    ]) {
      await expect(flagPrivilege(w.lead, "note", w.caseId, id, bad)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await row()).toMatchObject({ privileged: false, version: 1 });
    await flagPrivilege(w.lead, "note", w.caseId, id, flagInput("WORK_PRODUCT"));
    await expect(flagPrivilege(w.lead, "note", w.caseId, id, flagInput("ATTORNEY_CLIENT"))).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(unflagPrivilege(w.lead, "note", w.caseId, id, { version: 1 })).rejects.toBeInstanceOf(ConflictError);
    expect(await row()).toMatchObject({ privileged: true, privilegeBasis: "WORK_PRODUCT", version: 2 });
    // The author can no longer edit what they may no longer read.
    expect((await listNotes(w.investigator, w.caseId))[0]).toMatchObject({ withheld: true });
    await unflagPrivilege(w.lead, "note", w.caseId, id, { version: 2 });
    expect(await row()).toMatchObject({ privileged: false, privilegeBasis: null, version: 3 });
    await expect(unflagPrivilege(w.lead, "note", w.caseId, id, { version: 3 })).rejects.toBeInstanceOf(ValidationError);
    const audit = await getDb().auditEvent.findMany({ where: { targetId: id }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["privilege.flagged", "privilege.unflagged"]));
  });
});
