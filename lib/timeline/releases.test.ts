import { describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/session";
import { ForbiddenError } from "@/lib/errors";
import { decideRelease, requestRelease, withdrawRelease } from "@/lib/releases/mutations";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { createJointCase } from "@/tests/helpers/factories";

// What the timeline list shows about releases (badge, approve/withdraw buttons) comes from the
// listed events' releaseState, release and can; the buttons must be exactly what the release
// mutations allow.
const ALL = ZTimelineFilters.parse({});
const event = (over: Record<string, unknown> = {}) => ({
  occurredAt: "2026-01-15T09:00",
  timeZone: "UTC",
  title: "Key rotation",
  category: "DETECTION",
  ...over,
});

async function seen(actor: TActor, caseId: string, id: string) {
  const e = (await listTimelineEvents(actor, caseId, ALL)).items.find((x) => x.id === id);
  return (
    e && {
      state: e.releaseState,
      release: e.release,
      release_: e.can.release,
      approve: e.can.approve,
      withdraw: e.can.withdraw,
    }
  );
}

describe("release state of listed timeline events", () => {
  it("two-person case: owner org sees org-only → pending → released → withdrawn with the right buttons; the partner only the released event, without its release", async () => {
    const w = await createJointCase({ releaseMode: "TWO_PERSON" });
    const { id } = await createTimelineEvent(w.investigator, w.caseId, event());

    expect(await seen(w.lead, w.caseId, id)).toEqual({
      state: "OWNER_ORG_ONLY",
      release: null,
      release_: true,
      approve: false,
      withdraw: false,
    });
    expect(await seen(w.investigator, w.caseId, id)).toMatchObject({ state: "OWNER_ORG_ONLY", release_: false }); // leads release
    expect(await seen(w.partnerLead, w.caseId, id)).toBeUndefined();

    const { releaseId, status } = await requestRelease(w.lead, {
      itemType: "timeline_event",
      itemId: id,
      reason: "Partner needs the detection time",
    });
    expect(status).toBe("PENDING");
    const pending = {
      id: releaseId,
      status: "PENDING",
      reason: "Partner needs the detection time",
      requestedByName: w.lead.name,
    };
    // The requester cannot approve their own request; a second person of the organisation can.
    expect(await seen(w.lead, w.caseId, id)).toEqual({
      state: "PENDING",
      release: pending,
      release_: false,
      approve: false,
      withdraw: false,
    });
    expect(await seen(w.investigator, w.caseId, id)).toEqual({
      state: "PENDING",
      release: pending,
      release_: false,
      approve: true,
      withdraw: false,
    });
    expect(await seen(w.viewer, w.caseId, id)).toMatchObject({ state: "PENDING", approve: false });
    expect(await seen(w.partnerLead, w.caseId, id)).toBeUndefined();
    await expect(decideRelease(w.lead, releaseId, { approve: "approve" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(decideRelease(w.viewer, releaseId, { approve: "approve" })).rejects.toBeInstanceOf(ForbiddenError);

    await decideRelease(w.investigator, releaseId, { approve: "approve" });
    const released = { ...pending, status: "RELEASED" };
    expect(await seen(w.lead, w.caseId, id)).toEqual({
      state: "RELEASED",
      release: released,
      release_: false,
      approve: false,
      withdraw: true,
    });
    expect(await seen(w.investigator, w.caseId, id)).toMatchObject({ state: "RELEASED", withdraw: false }); // leads withdraw
    // The partner sees that it was released, not the release's reason or who asked.
    expect(await seen(w.partnerLead, w.caseId, id)).toEqual({
      state: "RELEASED",
      release: null,
      release_: false,
      approve: false,
      withdraw: false,
    });
    await expect(withdrawRelease(w.partnerLead, releaseId, { reason: "not ours" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(withdrawRelease(w.investigator, releaseId, { reason: "not a lead" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );

    await withdrawRelease(w.lead, releaseId, { reason: "Shared too early" });
    expect(await seen(w.lead, w.caseId, id)).toEqual({
      state: "OWNER_ORG_ONLY",
      release: null,
      release_: true,
      approve: false,
      withdraw: false,
    });
    expect(await seen(w.partnerLead, w.caseId, id)).toBeUndefined();
  });

  it("direct case: shared events need no release; the partner's own org-only event is theirs to release and hidden from us", async () => {
    const w = await createJointCase();
    const shared = await createTimelineEvent(w.investigator, w.caseId, event());
    const theirs = await createTimelineEvent(w.partnerInvestigator, w.caseId, event({ visibility: "OWNER_ORG_ONLY" }));
    const none = { release: null, release_: false, approve: false, withdraw: false };
    expect(await seen(w.lead, w.caseId, shared.id)).toEqual({ state: "SHARED", ...none });
    expect(await seen(w.partnerLead, w.caseId, shared.id)).toEqual({ state: "SHARED", ...none });
    expect(await seen(w.partnerLead, w.caseId, theirs.id)).toEqual({
      state: "OWNER_ORG_ONLY",
      ...none,
      release_: true,
    });
    expect(await seen(w.lead, w.caseId, theirs.id)).toBeUndefined();
    // A direct release is in force at once; its organisation's lead may withdraw it.
    const { releaseId, status } = await requestRelease(w.partnerLead, {
      itemType: "timeline_event",
      itemId: theirs.id,
      reason: "For the joint report",
    });
    expect(status).toBe("RELEASED");
    expect(await seen(w.lead, w.caseId, theirs.id)).toEqual({ state: "RELEASED", ...none });
    expect(await seen(w.partnerLead, w.caseId, theirs.id)).toMatchObject({
      state: "RELEASED",
      release: { id: releaseId, status: "RELEASED" },
      withdraw: true,
    });
  });
});
