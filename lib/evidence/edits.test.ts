// Issue 9, defect 3 and the custody rough edges: who may change evidence metadata (effective
// role, organisation, the privilege flag), the legal hold, and what custody records.
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ConflictError, ForbiddenError } from "@/lib/errors";
import { updateEvidence } from "@/lib/evidence/mutations";
import { flagPrivilege } from "@/lib/privilege/mutations";
import { getEvidence } from "@/lib/evidence/queries";
import { verifyEvidence } from "@/lib/evidence/verify";
import { decideRelease, requestRelease, withdrawRelease } from "@/lib/releases/mutations";
import { sha256, upload } from "@/tests/helpers/evidence";
import { createJointCase, createUser, uid } from "@/tests/helpers/factories";

const META = { title: "Renamed", kind: "OTHER", description: "rewritten" };

async function sharedItem(opts: Parameters<typeof createJointCase>[0] = {}) {
  const w = await createJointCase(opts);
  const bytes = Buffer.from(`evidence ${uid()}`);
  const { id } = await upload(w.investigator, w.caseId, bytes, { title: "Original", visibility: "ALL_CASE_ORGS" });
  const row = () => getDb().evidence.findUniqueOrThrow({ where: { id } });
  return { w, id, row, bytes };
}

async function member(
  w: Awaited<ReturnType<typeof createJointCase>>,
  orgId: string,
  global: "LEGAL" | "EXECUTIVE" | "INVESTIGATOR",
  role: "LEAD" | "LEGAL_REVIEWER",
) {
  const user = await createUser({ orgId, role: global });
  await getDb().caseMember.create({ data: { caseId: w.caseId, userId: user.id, role } });
  return user;
}

const custody = async (id: string) =>
  (await getDb().custodyEvent.findMany({ where: { evidenceId: id }, orderBy: { id: "asc" } })).map((c) => c.action);

const FLAG = { basis: "ATTORNEY_CLIENT", description: "Memo from counsel", version: 1 };
const flag = (actor: Parameters<typeof flagPrivilege>[0], caseId: string, id: string, input: object = FLAG) =>
  flagPrivilege(actor, "evidence", caseId, id, input);

describe("evidence edits", () => {
  it("a lead demoted to executive acts as a viewer: no metadata edit, no privilege flag", async () => {
    const { w, id, row } = await sharedItem();
    const demoted = await member(w, w.ownerOrg.id, "EXECUTIVE", "LEAD");
    await expect(updateEvidence(demoted, w.caseId, id, { ...META, version: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(flag(demoted, w.caseId, id)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await getEvidence(demoted, w.caseId, id)).toMatchObject({ can: { edit: false, flagPrivilege: false } });
    expect(await row()).toMatchObject({ title: "Original", privileged: false, version: 1 });
    // The same stored role with a global role that may hold it edits.
    await updateEvidence(w.lead, w.caseId, id, { ...META, version: 1 });
    expect(await row()).toMatchObject({ title: "Renamed", version: 2 });
  });

  it("a partner's legal reviewer may not flag the owner's item; the owner's reviewer flags it, in custody", async () => {
    const { w, id, row } = await sharedItem();
    const partnerReviewer = await member(w, w.partnerOrg.id, "LEGAL", "LEGAL_REVIEWER");
    await expect(updateEvidence(partnerReviewer, w.caseId, id, { ...META, version: 1 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(flag(partnerReviewer, w.caseId, id)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await getEvidence(partnerReviewer, w.caseId, id)).toMatchObject({
      can: { edit: false, flagPrivilege: false },
    });
    const reviewer = await member(w, w.ownerOrg.id, "LEGAL", "LEGAL_REVIEWER");
    await flag(reviewer, w.caseId, id);
    expect(await row()).toMatchObject({
      title: "Original",
      privileged: true,
      privilegeBasis: "ATTORNEY_CLIENT",
      version: 2,
    });
    const changed = await getDb().custodyEvent.findFirstOrThrow({
      where: { evidenceId: id, action: "METADATA_CHANGED" },
    });
    expect(changed.note).toBe("Flagged privileged (ATTORNEY_CLIENT).");
  });

  it("the metadata form no longer carries the flag; a partner lead or investigator may not flag", async () => {
    const { w, id, row } = await sharedItem();
    const reviewer = await member(w, w.ownerOrg.id, "LEGAL", "LEGAL_REVIEWER");
    await updateEvidence(reviewer, w.caseId, id, { ...META, privileged: "on", version: 1 });
    expect(await row()).toMatchObject({ title: "Renamed", privileged: false });
    for (const partner of [w.partnerLead, w.partnerInvestigator]) {
      await expect(flag(partner, w.caseId, id, { ...FLAG, version: 2 })).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await row()).toMatchObject({ privileged: false, version: 2 });
  });

  it("under legal hold metadata is frozen, but counsel can still flag privilege (a flag removes nothing)", async () => {
    const { w, id, row } = await sharedItem();
    await getDb().case.update({ where: { id: w.caseId }, data: { legalHold: true } });
    await expect(updateEvidence(w.lead, w.caseId, id, { ...META, version: 1 })).rejects.toBeInstanceOf(ConflictError);
    await flag(w.lead, w.caseId, id);
    expect(await row()).toMatchObject({ title: "Original", privileged: true, version: 2 });
    expect(await custody(id)).toContain("METADATA_CHANGED");
  });
});

describe("evidence custody", () => {
  it("an upload whose browser hash matched is recorded as verified, in custody and on the item", async () => {
    const w = await createJointCase();
    const bytes = Buffer.from(`hashed in the browser ${uid()}`);
    const { id } = await upload(w.investigator, w.caseId, bytes, {}, { sha256: sha256(bytes) });
    expect(await getDb().evidence.findUniqueOrThrow({ where: { id } })).toMatchObject({ integrity: "INTACT" });
    expect((await getDb().evidence.findUniqueOrThrow({ where: { id } })).lastVerifiedAt).not.toBeNull();
    expect(await custody(id)).toEqual(["COLLECTED", "UPLOADED", "VERIFIED"]);
    // Without a client hash there was nothing to check against: not yet verified.
    const other = await upload(w.investigator, w.caseId, Buffer.from(`no client hash ${uid()}`));
    expect(await getDb().evidence.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({
      integrity: "UNVERIFIED",
    });
  });

  it("views are recorded once per reader and item within the window, each reader on their own", async () => {
    const { w, id } = await sharedItem();
    await getEvidence(w.lead, w.caseId, id);
    await verifyEvidence(w.lead, w.caseId, id);
    await getEvidence(w.lead, w.caseId, id);
    const [seen] = await Promise.all([
      getEvidence(w.partnerLead, w.caseId, id),
      getEvidence(w.partnerLead, w.caseId, id),
    ]);
    expect(await custody(id)).toEqual(["COLLECTED", "UPLOADED", "VIEWED", "VERIFIED", "VIEWED"]);
    // The page shows who did what and when, never a row id (one sequence counts every case's custody).
    const rows = "custody" in seen ? seen.custody : [];
    expect(rows.map((row) => Object.keys(row).sort())).toContainEqual([
      "action",
      "actorName",
      "note",
      "occurredAt",
      "sha256",
    ]);
    expect(rows.filter((row) => "id" in row)).toEqual([]);
    const views = await getDb().custodyEvent.findMany({ where: { evidenceId: id, action: "VIEWED" } });
    expect(views.map((v) => v.actorId).sort()).toEqual([w.lead.id, w.partnerLead.id].sort());
    // An old view does not count: the next one is recorded.
    await getDb().custodyEvent.updateMany({
      where: { evidenceId: id, actorId: w.lead.id, action: "VIEWED" },
      data: { occurredAt: new Date(Date.now() - 6 * 60_000) },
    });
    await getEvidence(w.lead, w.caseId, id);
    expect(await getDb().custodyEvent.count({ where: { evidenceId: id, actorId: w.lead.id, action: "VIEWED" } })).toBe(
      2,
    );
  });

  it("release and withdrawal custody rows carry the reason the lead typed", async () => {
    const w = await createJointCase({ releaseMode: "TWO_PERSON" });
    const { id } = await upload(w.investigator, w.caseId, Buffer.from(`release me ${uid()}`));
    const { releaseId } = await requestRelease(w.lead, {
      itemType: "evidence",
      itemId: id,
      reason: "Partner needs the export",
    });
    await decideRelease(w.investigator, releaseId, { approve: "approve" });
    await withdrawRelease(w.lead, releaseId, { reason: "Shared too early" });
    const rows = await getDb().custodyEvent.findMany({
      where: { evidenceId: id, action: "RELEASED" },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => r.note)).toEqual([
      "Released to every organisation on the case. Reason: Partner needs the export",
      "Release withdrawn: owner organisation only. Reason: Shared too early",
    ]);
  });
});
