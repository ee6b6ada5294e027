import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { requestRelease } from "@/lib/releases/mutations";
import { createTimelineEvent, deleteTimelineEvent, updateTimelineEvent } from "@/lib/timeline/mutations";
import { getTimelineHistogram, listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { createJointCase } from "@/tests/helpers/factories";
import { upload } from "@/tests/helpers/evidence";

const ALL = ZTimelineFilters.parse({});
const event = (over: Record<string, unknown> = {}) => ({
  occurredAt: "2026-01-15T09:00",
  timeZone: "America/Los_Angeles",
  title: "API burst",
  category: "API_ACCESS",
  ...over,
});
const ids = async (actor: Parameters<typeof listTimelineEvents>[0], caseId: string, filters = ALL) =>
  (await listTimelineEvents(actor, caseId, filters, { limit: 500 })).items.map((e) => e.id);

describe("timeline events", () => {
  it("stores the entered time as UTC and lists it back with every field", async () => {
    const w = await createJointCase();
    const e = await createTimelineEvent(
      w.investigator,
      w.caseId,
      event({ endsAt: "2026-01-15T10:30", description: "d", source: "gateway logs", confidence: "CONFIRMED" }),
    );
    const { items, nextCursor } = await listTimelineEvents(w.partnerLead, w.caseId, ALL);
    expect(nextCursor).toBeNull();
    expect(items).toEqual([
      expect.objectContaining({
        id: e.id,
        occurredAt: "2026-01-15T17:00:00.000Z",
        endsAt: "2026-01-15T18:30:00.000Z",
        title: "API burst",
        category: "API_ACCESS",
        source: "gateway logs",
        confidence: "CONFIRMED",
        version: 1,
        orgName: w.ownerOrg.name,
      }),
    ]);
    expect(items[0]!.can).toEqual({
      edit: false,
      delete: false,
      release: false,
      approve: false,
      withdraw: false,
      flagPrivilege: false, // the item is the other organisation's
    });
    // Exactly the listed fields: nothing else the query reads (the author's id) reaches a reader.
    expect(Object.keys(items[0]!).sort()).toEqual(
      [
        "id",
        "occurredAt",
        "endsAt",
        "title",
        "description",
        "category",
        "customCategory",
        "source",
        "confidence",
        "attributes",
        "visibility",
        "version",
        "orgId",
        "orgName",
        "authorName",
        "evidence",
        "privileged",
        "privilegeBasis",
        "privilegeDescription",
        "withheld",
        "releaseState",
        "release",
        "can",
      ].sort(),
    );
  });

  it("owner-org-only events are hidden from the partner in the list, the histogram and by id", async () => {
    const w = await createJointCase();
    const shared = await createTimelineEvent(w.investigator, w.caseId, event());
    const secret = await createTimelineEvent(
      w.investigator,
      w.caseId,
      event({ visibility: "OWNER_ORG_ONLY", category: "DETECTION" }),
    );
    expect((await ids(w.lead, w.caseId)).sort()).toEqual([shared.id, secret.id].sort());
    expect(await ids(w.partnerLead, w.caseId)).toEqual([shared.id]);
    const histogram = await getTimelineHistogram(w.partnerLead, w.caseId, ALL);
    expect(histogram.categories).toEqual(["API_ACCESS"]);
    expect(histogram.buckets.reduce((n, b) => n + b.total, 0)).toBe(1);
    expect((await getTimelineHistogram(w.lead, w.caseId, ALL)).buckets.reduce((n, b) => n + b.total, 0)).toBe(2);
    await expect(updateTimelineEvent(w.partnerLead, secret.id, { ...event(), version: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(deleteTimelineEvent(w.partnerLead, secret.id, 1)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("non-members get 404 everywhere; viewers and legal reviewers cannot add; the partner cannot edit ours", async () => {
    const w = await createJointCase();
    const e = await createTimelineEvent(w.lead, w.caseId, event());
    await expect(listTimelineEvents(w.outsider, w.caseId, ALL)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getTimelineHistogram(w.outsider, w.caseId, ALL)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createTimelineEvent(w.outsider, w.caseId, event())).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateTimelineEvent(w.outsider, e.id, { ...event(), version: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(createTimelineEvent(w.viewer, w.caseId, event())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateTimelineEvent(w.partnerInvestigator, e.id, { ...event(), version: 1 })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(deleteTimelineEvent(w.investigator, e.id, 1)).rejects.toBeInstanceOf(ForbiddenError); // not the author, not a lead
    await expect(
      updateTimelineEvent(w.lead, e.id, { ...event(), version: 1 }, crypto.randomUUID()),
    ).rejects.toBeInstanceOf(NotFoundError); // wrong case in the URL
    expect(await getDb().timelineEvent.count({ where: { caseId: w.caseId } })).toBe(1);
  });

  it("a stale version is a visible conflict; edits and deletes are audited; deleted events disappear", async () => {
    const w = await createJointCase();
    const e = await createTimelineEvent(w.investigator, w.caseId, event());
    expect(await updateTimelineEvent(w.lead, e.id, { ...event({ title: "renamed" }), version: 1 })).toEqual({
      version: 2,
    });
    await expect(
      updateTimelineEvent(w.investigator, e.id, { ...event({ title: "stale" }), version: 1 }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(deleteTimelineEvent(w.investigator, e.id, 1)).rejects.toBeInstanceOf(ConflictError);
    expect((await getDb().timelineEvent.findUniqueOrThrow({ where: { id: e.id } })).title).toBe("renamed");
    await deleteTimelineEvent(w.investigator, e.id, 2);
    expect(await ids(w.lead, w.caseId)).toEqual([]);
    const actions = (
      await getDb().auditEvent.findMany({
        where: { caseId: w.caseId, action: { startsWith: "timeline_event." } },
        orderBy: { id: "asc" },
      })
    ).map((a) => a.action);
    expect(actions).toEqual(["timeline_event.created", "timeline_event.updated", "timeline_event.deleted"]);
  });

  it("rejects bad input, writing nothing: no title, unknown category, skipped DST hour, end before start", async () => {
    const w = await createJointCase();
    for (const bad of [
      event({ title: " " }),
      event({ category: "GOSSIP" }),
      event({ occurredAt: "2026-03-08T02:30" }),
      event({ endsAt: "2026-01-15T08:00" }),
      event({ timeZone: "Nowhere/City" }),
    ]) {
      await expect(createTimelineEvent(w.lead, w.caseId, bad)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await getDb().timelineEvent.count({ where: { caseId: w.caseId } })).toBe(0);
  });

  it("links evidence of the case; the partner sees only links to evidence they can see; foreign evidence is refused", async () => {
    const w = await createJointCase();
    const other = await createJointCase();
    const shared = await upload(w.investigator, w.caseId, Buffer.from(`shared ${crypto.randomUUID()}`), {
      title: "Shared log",
    });
    const secret = await upload(w.investigator, w.caseId, Buffer.from(`secret ${crypto.randomUUID()}`), {
      title: "Internal",
      visibility: "OWNER_ORG_ONLY",
    });
    const foreign = await upload(other.investigator, other.caseId, Buffer.from(`foreign ${crypto.randomUUID()}`));
    const e = await createTimelineEvent(w.investigator, w.caseId, event({ evidenceIds: [shared.id, secret.id] }));
    const [mine] = (await listTimelineEvents(w.lead, w.caseId, ALL)).items;
    expect(mine!.evidence.map((x) => x.title).sort()).toEqual(["Internal", "Shared log"]);
    const [theirs] = (await listTimelineEvents(w.partnerLead, w.caseId, ALL)).items;
    expect(theirs!.evidence.map((x) => x.id)).toEqual([shared.id]);
    await expect(
      createTimelineEvent(w.investigator, w.caseId, event({ evidenceIds: [foreign.id] })),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      createTimelineEvent(w.partnerInvestigator, w.caseId, event({ evidenceIds: [secret.id] })),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(e.id).toBeTruthy();
  });

  it("on a release-controlled case events start owner-org-only and reach the partner by release", async () => {
    const w = await createJointCase({ releaseMode: "LEAD_RELEASE" });
    const e = await createTimelineEvent(w.investigator, w.caseId, event({ visibility: "ALL_CASE_ORGS" }));
    expect(await ids(w.partnerLead, w.caseId)).toEqual([]);
    await requestRelease(w.lead, { itemType: "timeline_event", itemId: e.id, reason: "partner needs it" });
    expect(await ids(w.partnerLead, w.caseId)).toEqual([e.id]);
    // Editing takes it back to the owner organisation and ends the release.
    await updateTimelineEvent(w.investigator, e.id, { ...event({ title: "changed" }), version: 2 });
    expect(await ids(w.partnerLead, w.caseId)).toEqual([]);
  });

  it("under legal hold events can be neither edited nor deleted", async () => {
    const w = await createJointCase();
    const e = await createTimelineEvent(w.lead, w.caseId, event());
    await getDb().case.update({ where: { id: w.caseId }, data: { legalHold: true } });
    await expect(updateTimelineEvent(w.lead, e.id, { ...event({ title: "x" }), version: 1 })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(deleteTimelineEvent(w.lead, e.id, 1)).rejects.toBeInstanceOf(ConflictError);
    expect(await getDb().timelineEvent.findUniqueOrThrow({ where: { id: e.id } })).toMatchObject({
      version: 1,
      deletedAt: null,
    });
  });

  it("filters by category, confidence, source, organisation, free text and time range", async () => {
    const w = await createJointCase();
    const a = await createTimelineEvent(
      w.investigator,
      w.caseId,
      event({ category: "PAYMENT", confidence: "POSSIBLE", source: "billing", title: "Card 4242 added" }),
    );
    const b = await createTimelineEvent(
      w.partnerInvestigator,
      w.caseId,
      event({ occurredAt: "2026-02-01T09:00", description: "100% of keys rotated_daily" }),
    );
    const f = (raw: Record<string, unknown>) => ZTimelineFilters.parse(raw);
    expect(await ids(w.lead, w.caseId, f({ category: "PAYMENT" }))).toEqual([a.id]);
    expect(await ids(w.lead, w.caseId, f({ category: ["PAYMENT", "API_ACCESS"] }))).toEqual([a.id, b.id]);
    expect(await ids(w.lead, w.caseId, f({ confidence: "POSSIBLE" }))).toEqual([a.id]);
    expect(await ids(w.lead, w.caseId, f({ source: "billing" }))).toEqual([a.id]);
    expect(await ids(w.lead, w.caseId, f({ orgId: w.partnerOrg.id }))).toEqual([b.id]);
    expect(await ids(w.lead, w.caseId, f({ q: "card 4242" }))).toEqual([a.id]);
    expect(await ids(w.lead, w.caseId, f({ q: "100%" }))).toEqual([b.id]);
    expect(await ids(w.lead, w.caseId, f({ q: "rotated_d" }))).toEqual([b.id]);
    expect(await ids(w.lead, w.caseId, f({ from: "2026-01-20T00:00:00Z", to: "2026-03-01T00:00:00Z" }))).toEqual([
      b.id,
    ]);
    const h = await getTimelineHistogram(w.lead, w.caseId, ALL);
    expect(h.bucketSeconds).toBe(3 * 3600); // 17 days in at most 150 bars
    expect(h.buckets.filter((x) => x.total > 0).map((x) => [x.t, x.counts])).toEqual([
      ["2026-01-15T15:00:00.000Z", { PAYMENT: 1 }],
      ["2026-02-01T15:00:00.000Z", { API_ACCESS: 1 }],
    ]);
    expect(h.buckets).toHaveLength(17 * 8 + 1); // the empty 3-hour buckets between them too
  });

  it("keyset pagination returns every event exactly once while events are being added", async () => {
    const w = await createJointCase();
    const original: string[] = [];
    for (let i = 0; i < 60; i++) {
      // Several events share an instant, so the id breaks ties.
      original.push(
        (
          await createTimelineEvent(
            w.investigator,
            w.caseId,
            event({ occurredAt: `2026-01-${String(1 + (i % 20)).padStart(2, "0")}T09:00` }),
          )
        ).id,
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTimelineEvents(w.lead, w.caseId, ALL, { cursor, limit: 7 });
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
      // Meanwhile others add events, before and after the reader's position.
      await createTimelineEvent(
        w.partnerInvestigator,
        w.caseId,
        event({ occurredAt: `2026-01-${String(1 + ((pages * 7) % 20)).padStart(2, "0")}T09:00` }),
      );
      await createTimelineEvent(w.partnerInvestigator, w.caseId, event({ occurredAt: "2026-12-31T09:00" }));
      pages++;
    } while (cursor && pages < 100);
    expect(new Set(seen).size).toBe(seen.length); // nothing twice
    expect(original.every((id) => seen.includes(id))).toBe(true); // nothing skipped
    const times = (
      await getDb().timelineEvent.findMany({ where: { id: { in: seen } }, select: { id: true, occurredAt: true } })
    ).map((e) => e.occurredAt.getTime());
    expect(times.length).toBe(seen.length);
    await expect(listTimelineEvents(w.lead, w.caseId, ALL, { cursor: "garbage" })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
