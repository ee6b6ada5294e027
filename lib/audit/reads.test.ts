import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { listAuditEvents, auditCursor } from "@/lib/audit/queries";
import { listCaseActivity } from "@/lib/cases/activity";
import { listCaseMembers } from "@/lib/cases/queries";
import { describeEvidenceFile, openEvidenceFile } from "@/lib/evidence/queries";
import { getTimelineHistogram } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { createJointCase, createUser } from "@/tests/helpers/factories";
import { upload } from "@/tests/helpers/evidence";
import * as downloadRoute from "@/app/api/cases/[caseId]/evidence/[evidenceId]/download/route";
import * as previewRoute from "@/app/api/cases/[caseId]/evidence/[evidenceId]/preview/route";

// Defect 9 of issue 9: reads that were not audited, and a HEAD that was audited as a download.

const rowsOf = (actor: TActor, action: string) =>
  getDb().auditEvent.findMany({
    where: { actorId: actor.id, action },
    select: { caseId: true, targetId: true, details: true },
  });

describe("audited reads", () => {
  it("a histogram read is recorded with its filters, for the reader's organisation only", async () => {
    const w = await createJointCase();
    await getTimelineHistogram(w.partnerLead, w.caseId, ZTimelineFilters.parse({ q: "burst" }), {
      timeZone: "Europe/London",
    });
    expect(await rowsOf(w.partnerLead, "timeline.histogram_viewed")).toEqual([
      {
        caseId: w.caseId,
        targetId: w.caseId,
        details: expect.objectContaining({
          filters: expect.objectContaining({ q: "burst" }),
          timeZone: "Europe/London",
          orgOnly: w.partnerOrg.id,
        }),
      },
    ]);
    await expect(getTimelineHistogram(w.outsider, w.caseId, ZTimelineFilters.parse({}))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await rowsOf(w.outsider, "timeline.histogram_viewed")).toEqual([]);
  });

  it("opening the Members tab is recorded, for every organisation on the case", async () => {
    const w = await createJointCase();
    await listCaseMembers(w.partnerInvestigator, w.caseId);
    expect(await rowsOf(w.partnerInvestigator, "case.members_viewed")).toEqual([
      { caseId: w.caseId, targetId: w.caseId, details: {} },
    ]);
    const activity = await listCaseActivity(w.lead, w.caseId, { action: "case.members_viewed" });
    expect(activity.rows.map((r) => r.actorId)).toEqual([w.partnerInvestigator.id]);
  });

  it("opening the Activity tab is recorded once per listing, not for each further page", async () => {
    const w = await createJointCase();
    const page = await listCaseActivity(w.investigator, w.caseId, { action: "case." });
    await listCaseActivity(w.investigator, w.caseId, { cursor: auditCursor(999_999_999_999n) });
    expect(page.rows.some((r) => r.action === "case.activity_viewed")).toBe(false); // recorded after the read
    expect(await rowsOf(w.investigator, "case.activity_viewed")).toEqual([
      {
        caseId: w.caseId,
        targetId: w.caseId,
        details: { filters: { action: "case." }, orgOnly: w.ownerOrg.id },
      },
    ]);
    await expect(listCaseActivity(w.outsider, w.caseId, {})).rejects.toBeInstanceOf(NotFoundError);
    expect(await rowsOf(w.outsider, "case.activity_viewed")).toEqual([]);
  });

  it("an admin reading the audit log is recorded; a refused reader is not", async () => {
    const w = await createJointCase();
    const admin = await createUser({ orgId: w.ownerOrg.id, role: "ADMIN" });
    const page = await listAuditEvents(admin, { actor: w.lead.id });
    if (page.nextCursor) await listAuditEvents(admin, { actor: w.lead.id, cursor: page.nextCursor });
    expect(await rowsOf(admin, "audit.viewed")).toEqual([
      { caseId: null, targetId: null, details: { filters: { actor: w.lead.id } } },
    ]);
    await expect(listAuditEvents(w.lead, {})).rejects.toBeInstanceOf(NotFoundError);
    expect(await rowsOf(w.lead, "audit.viewed")).toEqual([]);
  });

  it("HEAD on a download or preview answers the file's headers and records nothing", async () => {
    const w = await createJointCase();
    const e = await upload(w.investigator, w.caseId, Buffer.from("head only"));
    const custody = () => getDb().custodyEvent.count({ where: { evidenceId: e.id } });
    const before = await custody();
    expect(await describeEvidenceFile(w.partnerLead, w.caseId, e.id, "download")).toEqual({
      fileName: "evidence.txt",
      mimeType: "text/plain",
      size: 9,
      sha256: e.sha256,
    });
    await expect(describeEvidenceFile(w.partnerLead, w.caseId, e.id, "preview")).rejects.toBeInstanceOf(NotFoundError);
    await expect(describeEvidenceFile(w.outsider, w.caseId, e.id, "download")).rejects.toBeInstanceOf(NotFoundError);
    expect(await rowsOf(w.partnerLead, "evidence.downloaded")).toEqual([]);
    expect(await custody()).toBe(before);
    // Both routes declare HEAD, so Next does not answer it by running GET (which records).
    expect(downloadRoute.HEAD).toBeTypeOf("function");
    expect(previewRoute.HEAD).toBeTypeOf("function");
    // A GET still is a download, recorded and in custody.
    (await openEvidenceFile(w.partnerLead, w.caseId, e.id, "download")).stream.destroy();
    expect(await rowsOf(w.partnerLead, "evidence.downloaded")).toHaveLength(1);
    expect(await custody()).toBe(before + 1);
  });
});
