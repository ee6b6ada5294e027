import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { listCaseActivity } from "@/lib/cases/activity";
import { getCaseHeader, getCaseOverview } from "@/lib/cases/queries";
import { getEvidence } from "@/lib/evidence/queries";
import { createNote } from "@/lib/notes/mutations";
import { createTimelineEvent, updateTimelineEvent } from "@/lib/timeline/mutations";
import { createJointCase, createOrg, createUser } from "@/tests/helpers/factories";
import { upload } from "@/tests/helpers/evidence";

// Defect 9 of issue 9: refused attempts on a case are recorded, rate limited in the database,
// in the actor's organisation's view only, and never so that a hidden thing can be told from
// one that does not exist.

const refusals = (actor: TActor) =>
  getDb().auditEvent.findMany({
    where: { actorId: actor.id, action: "case.access_refused" },
    orderBy: { id: "asc" },
    select: { targetType: true, targetId: true, caseId: true, details: true },
  });

/** The error a call is refused with, for comparing refusals with each other. */
const refusal = (call: Promise<unknown>) =>
  call.then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: Error) => ({ type: error.constructor.name, message: error.message }),
  );

describe("refused attempts", () => {
  it("a non-member's attempt on a case is recorded, once per 10 minutes, without the case", async () => {
    const w = await createJointCase();
    const stranger = await createUser({ orgId: (await createOrg()).id });
    for (const actor of [w.outsider, stranger]) {
      await expect(getCaseOverview(actor, w.caseId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(getCaseHeader(actor, w.caseId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(listCaseActivity(actor, w.caseId, {})).rejects.toBeInstanceOf(NotFoundError);
      expect(await refusals(actor)).toEqual([
        { targetType: "case", targetId: w.caseId, caseId: null, details: { attempted: "case.read" } },
      ]);
    }
  });

  it("a case that does not exist is refused and recorded exactly like one that is hidden", async () => {
    const w = await createJointCase();
    const [hidden, missing] = [w.caseId, randomUUID()];
    const a = await createUser({ orgId: w.partnerOrg.id });
    const b = await createUser({ orgId: w.partnerOrg.id });
    expect(await refusal(getCaseOverview(a, hidden))).toEqual(await refusal(getCaseOverview(b, missing)));
    const [ra, rb] = [await refusals(a), await refusals(b)];
    expect(ra).toHaveLength(1);
    expect(rb).toEqual([{ ...ra[0], targetId: missing }]);
    // Neither shows in any Activity tab: the row names no case.
    const activity = await listCaseActivity(w.partnerLead, w.caseId, { action: "case.access_refused" });
    expect(activity.rows).toEqual([]);
  });

  it("a member lacking one permission is recorded in the case, for their own organisation only", async () => {
    const w = await createJointCase();
    await expect(createNote(w.viewer, w.caseId, { body: "x" })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await refusals(w.viewer)).toEqual([
      {
        targetType: "case",
        targetId: w.caseId,
        caseId: w.caseId,
        details: { attempted: "note.create", orgOnly: w.ownerOrg.id },
      },
    ]);
    const filter = { action: "case.access_refused" };
    expect((await listCaseActivity(w.lead, w.caseId, filter)).rows).toHaveLength(1);
    expect((await listCaseActivity(w.partnerLead, w.caseId, filter)).rows).toEqual([]);
    // The same member refused again on the same case, for another action: no second row.
    await expect(
      createTimelineEvent(w.viewer, w.caseId, { occurredAt: "2026-01-01T00:00", timeZone: "UTC", title: "t" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await refusals(w.viewer)).toHaveLength(1);
  });

  it("an item the actor may not see is refused like one that does not exist, and recorded alike", async () => {
    const w = await createJointCase({ releaseMode: "LEAD_RELEASE" });
    const e = await upload(w.investigator, w.caseId, Buffer.from(`private ${randomUUID()}`));
    const other = await createUser({ orgId: w.partnerOrg.id });
    await getDb().caseMember.create({ data: { caseId: w.caseId, userId: other.id, role: "LEAD" } });
    const missing = randomUUID();
    expect(await refusal(getEvidence(w.partnerLead, w.caseId, e.id))).toEqual(
      await refusal(getEvidence(other, w.caseId, missing)),
    );
    expect(await refusals(w.partnerLead)).toEqual([
      { targetType: "evidence", targetId: e.id, caseId: null, details: { attempted: "evidence.read" } },
    ]);
    expect(await refusals(other)).toEqual([
      { targetType: "evidence", targetId: missing, caseId: null, details: { attempted: "evidence.read" } },
    ]);
    // An unknown event id: NotFound, and another row (another target).
    await expect(updateTimelineEvent(w.partnerLead, randomUUID(), {})).rejects.toBeInstanceOf(NotFoundError);
    expect(await refusals(w.partnerLead)).toHaveLength(2);
  });

  it("the limit holds for concurrent attempts, and a scan over many ids writes at most 20 rows", async () => {
    const w = await createJointCase();
    await Promise.all(
      Array.from({ length: 8 }, () => expect(getCaseOverview(w.outsider, w.caseId)).rejects.toThrow(NotFoundError)),
    );
    expect(await refusals(w.outsider)).toHaveLength(1);
    for (let i = 0; i < 30; i++) await getCaseOverview(w.outsider, randomUUID()).catch(() => undefined);
    expect(await refusals(w.outsider)).toHaveLength(20);
  });

  it("a malformed id is refused without a row, and allowed access writes none", async () => {
    const w = await createJointCase();
    await expect(getCaseOverview(w.outsider, "not-a-case")).rejects.toBeInstanceOf(NotFoundError);
    await getCaseOverview(w.lead, w.caseId);
    await getCaseOverview(w.partnerLead, w.caseId);
    expect([...(await refusals(w.outsider)), ...(await refusals(w.lead)), ...(await refusals(w.partnerLead))]).toEqual(
      [],
    );
  });
});
