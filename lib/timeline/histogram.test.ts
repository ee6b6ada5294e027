import { describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { getDb } from "@/lib/db";
import { Prisma } from "@/lib/db";
import { createTimelineEvent, deleteTimelineEvent, updateTimelineEvent } from "@/lib/timeline/mutations";
import { derivedFromTimeline, foldTimelineChanges, timelineVersion } from "@/lib/timeline/derived-cache";
import { getTimelineHistogram } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { createJointCase } from "@/tests/helpers/factories";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";

const ALL = ZTimelineFilters.parse({});

/** A case with one event at each UTC instant. */
async function caseWith(instants: string[]) {
  const w = await createJointCase();
  for (const at of instants)
    await createTimelineEvent(w.investigator, w.caseId, {
      occurredAt: at,
      timeZone: "UTC",
      title: `At ${at}`,
      category: "API_ACCESS",
    });
  return w;
}

/** The buckets holding events (the histogram also returns the empty ones between them). */
const bars = (h: Awaited<ReturnType<typeof getTimelineHistogram>>) =>
  h.buckets.filter((b) => b.total > 0).map((b) => [b.t, b.end, b.total]);

describe("timeline histogram in the viewer's time zone", () => {
  it("day buckets start at local midnight: 07:30Z and 08:30Z on 1 March are different days in Los Angeles", async () => {
    // 2025-02-28 23:30 PST and 2025-03-01 00:30 PST; the April event makes the range need day buckets.
    const w = await caseWith(["2025-03-01T07:30:00Z", "2025-03-01T08:30:00Z", "2025-04-15T20:00:00Z"]);
    const la = await getTimelineHistogram(w.lead, w.caseId, ALL, { timeZone: "America/Los_Angeles" });
    expect(la.bucketSeconds).toBe(86_400);
    expect(la.timeZone).toBe("America/Los_Angeles");
    expect(bars(la)).toEqual([
      ["2025-02-28T08:00:00.000Z", "2025-03-01T08:00:00.000Z", 1],
      ["2025-03-01T08:00:00.000Z", "2025-03-02T08:00:00.000Z", 1],
      ["2025-04-15T07:00:00.000Z", "2025-04-16T07:00:00.000Z", 1], // PDT: midnight is 07:00Z
    ]);
    // Every day from the first to the last is a bucket, the empty ones too, each ending where the next starts.
    expect(la.buckets).toHaveLength(47); // 28 February to 15 April
    expect(la.buckets.every((b, i) => i === 0 || la.buckets[i - 1]!.end === b.t)).toBe(true);
    expect(la.buckets.filter((b) => b.total === 0)).toHaveLength(44);
    // In UTC (the default) both March events fall on 1 March.
    const utc = await getTimelineHistogram(w.lead, w.caseId, ALL);
    expect(bars(utc)).toEqual([
      ["2025-03-01T00:00:00.000Z", "2025-03-02T00:00:00.000Z", 2],
      ["2025-04-15T00:00:00.000Z", "2025-04-16T00:00:00.000Z", 1],
    ]);
  });

  it("an event seconds after a DST change falls in its bucket even when the range starts off the minute", async () => {
    // The range starts at :30 s; the change is at 2024-03-10T10:00Z; hour buckets.
    const w = await caseWith(["2024-03-09T00:00:30Z", "2024-03-10T10:00:10Z", "2024-03-10T11:30:00Z"]);
    const la = await getTimelineHistogram(w.lead, w.caseId, ALL, { timeZone: "America/Los_Angeles" });
    for (const at of ["2024-03-10T10:00:10Z", "2024-03-10T11:30:00Z"]) {
      const bucket = la.buckets.find((b) => b.t <= new Date(at).toISOString() && new Date(at).toISOString() < b.end);
      expect(bucket?.total, at).toBe(1);
    }
    expect(la.buckets.every((b) => b.t < b.end)).toBe(true);
  });

  it("across the spring-forward change a local day is 23 hours and the next starts at PDT midnight", async () => {
    // 2025-03-09 02:00 PST → 03:00 PDT. Events: 8 Mar 23:30 PST, 9 Mar 23:30 PDT, 10 Mar 00:30 PDT.
    const w = await caseWith([
      "2025-03-09T07:30:00Z",
      "2025-03-10T06:30:00Z",
      "2025-03-10T07:30:00Z",
      "2025-04-20T19:00:00Z",
    ]);
    const h = await getTimelineHistogram(w.lead, w.caseId, ALL, { timeZone: "America/Los_Angeles" });
    expect(h.bucketSeconds).toBe(86_400);
    expect(bars(h).slice(0, 3)).toEqual([
      ["2025-03-08T08:00:00.000Z", "2025-03-09T08:00:00.000Z", 1],
      ["2025-03-09T08:00:00.000Z", "2025-03-10T07:00:00.000Z", 1], // 23 hours
      ["2025-03-10T07:00:00.000Z", "2025-03-11T07:00:00.000Z", 1],
    ]);
  });

  it("when the clocks go back, the repeated local hour is one bucket from its first occurrence (two real hours)", async () => {
    // 2025-11-02 02:00 PDT → 01:00 PST: 08:30Z and 09:30Z are both 01:30 in Los Angeles.
    const w = await caseWith(["2025-11-02T08:30:00Z", "2025-11-02T09:30:00Z", "2025-11-04T00:00:00Z"]);
    const h = await getTimelineHistogram(w.lead, w.caseId, ALL, { timeZone: "America/Los_Angeles" });
    expect(h.bucketSeconds).toBe(3600);
    expect(bars(h)[0]).toEqual(["2025-11-02T08:00:00.000Z", "2025-11-02T10:00:00.000Z", 2]);
  });

  it("hour buckets follow the zone's hours, also where they are not UTC's (Asia/Kolkata, +05:30)", async () => {
    const w = await caseWith(["2025-01-10T10:00:00Z", "2025-01-12T00:00:00Z"]); // 15:30 and 05:30 IST
    const h = await getTimelineHistogram(w.lead, w.caseId, ALL, { timeZone: "Asia/Kolkata" });
    expect(h.bucketSeconds).toBe(3600);
    expect(bars(h)).toEqual([
      ["2025-01-10T09:30:00.000Z", "2025-01-10T10:30:00.000Z", 1],
      ["2025-01-11T23:30:00.000Z", "2025-01-12T00:30:00.000Z", 1],
    ]);
  });

  it("refuses what is not an IANA zone (offsets, SQL) with 400, after the 404 for outsiders", async () => {
    const w = await caseWith(["2025-01-10T10:00:00Z", "2025-01-12T00:00:00Z"]);
    for (const timeZone of ["+05:30", "UTC+3", "Mars/Olympus_Mons", 'UTC\'; DROP TABLE "TimelineEvent"; --', ""]) {
      await expect(getTimelineHistogram(w.lead, w.caseId, ALL, { timeZone })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(getTimelineHistogram(w.outsider, w.caseId, ALL, { timeZone: "+05:30" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // Aliases and any spelling Intl accepts are read as the canonical zone.
    const h = await getTimelineHistogram(w.lead, w.caseId, ALL, { timeZone: "asia/calcutta" });
    expect(h.buckets[0]!.t).toBe("2025-01-10T09:30:00.000Z");
  });
});

describe("histogram counts kept between requests while the case's timeline is unchanged", () => {
  const total = (h: Awaited<ReturnType<typeof getTimelineHistogram>>) => h.buckets.reduce((n, b) => n + b.total, 0);
  /** An event written with the database's triggers off: a change the timeline version does not see. */
  async function unseenEvent(caseId: string, authorId: string, orgId: string) {
    await getDb().$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL session_replication_role = replica`;
      await tx.timelineEvent.create({
        data: {
          caseId,
          orgId,
          authorId,
          occurredAt: new Date("2025-01-10T12:00:00Z"),
          title: "Unseen",
          category: "OTHER",
        },
      });
    });
  }

  it("every statement that changes the case's events moves its version; other cases' and no-op statements do not", async () => {
    const w = await caseWith(["2025-01-10T10:00:00Z"]);
    const other = await caseWith(["2025-01-10T10:00:00Z"]);
    const before = await timelineVersion(w.caseId, w.lead);
    const { id } = await createTimelineEvent(w.investigator, w.caseId, {
      occurredAt: "2025-01-11T10:00:00Z",
      timeZone: "UTC",
      title: "Second",
      category: "API_ACCESS",
    });
    expect(await timelineVersion(w.caseId, w.lead)).toBe(before + 1);
    await getDb().timelineEvent.updateMany({ where: { caseId: w.caseId }, data: { source: "edited" } });
    expect(await timelineVersion(w.caseId, w.lead)).toBe(before + 2);
    await getDb().timelineEvent.updateMany({
      where: { caseId: w.caseId, title: "no such event" },
      data: { source: "x" },
    });
    expect(await timelineVersion(w.caseId, w.lead)).toBe(before + 2);
    await getDb().timelineEvent.delete({ where: { id } });
    expect(await timelineVersion(w.caseId, w.lead)).toBe(before + 3);
    expect(await timelineVersion(other.caseId, other.lead)).toBe(before);
    // A case deleted with its events (they cascade) leaves no version behind and no error.
    await getDb().case.delete({ where: { id: other.caseId } });
    expect(await timelineVersion(other.caseId, other.lead)).toBe(before);
  });

  it("folding the change rows keeps every case's version, and the next change still moves it", async () => {
    const w = await caseWith(["2025-01-10T10:00:00Z", "2025-01-11T10:00:00Z"]);
    const rows = () => getDb().timelineChange.count({ where: { caseId: w.caseId } });
    const version = await timelineVersion(w.caseId, w.lead);
    expect(version).toBe(2);
    expect(await foldTimelineChanges()).toBeGreaterThanOrEqual(2);
    expect(await rows()).toBe(0);
    expect(await timelineVersion(w.caseId, w.lead)).toBe(version);
    await createTimelineEvent(w.investigator, w.caseId, {
      occurredAt: "2025-01-12T10:00:00Z",
      timeZone: "UTC",
      title: "After the fold",
      category: "API_ACCESS",
    });
    expect(await timelineVersion(w.caseId, w.lead)).toBe(version + 1);
    await foldTimelineChanges();
    expect([await rows(), await timelineVersion(w.caseId, w.lead)]).toEqual([0, version + 1]);
  });

  it("a reader's version moves with the changes it sees, never with the other organisation's owner-only events", async () => {
    const w = await createJointCase({ releaseMode: "DIRECT" });
    const versions = async () => [
      await timelineVersion(w.caseId, w.lead),
      await timelineVersion(w.caseId, w.partnerLead),
    ];
    const moved = async (change: () => Promise<unknown>) => {
      const [own, partner] = await versions();
      await change();
      const [ownAfter, partnerAfter] = await versions();
      return { owner: ownAfter! > own!, partner: partnerAfter! > partner! };
    };
    const input = { occurredAt: "2025-01-10T10:00:00Z", timeZone: "UTC", title: "Private", category: "API_ACCESS" };
    let id = "";
    expect(
      await moved(async () => {
        ({ id } = await createTimelineEvent(w.investigator, w.caseId, { ...input, visibility: "OWNER_ORG_ONLY" }));
      }),
    ).toEqual({ owner: true, partner: false });
    // The partner's own private events, the other way round.
    expect(
      await moved(() =>
        createTimelineEvent(w.partnerInvestigator, w.caseId, {
          ...input,
          title: "Theirs",
          visibility: "OWNER_ORG_ONLY",
        }),
      ),
    ).toEqual({ owner: false, partner: true });
    const edit = (version: number, changes: object) =>
      updateTimelineEvent(w.investigator, id, {
        ...input,
        visibility: "OWNER_ORG_ONLY",
        evidenceIds: [],
        version,
        ...changes,
      });
    expect(await moved(() => edit(1, { title: "Still private" }))).toEqual({ owner: true, partner: false });
    // Shared, then owner-only again: the partner sees it come, and go.
    expect(await moved(() => edit(2, { visibility: "ALL_CASE_ORGS" }))).toEqual({ owner: true, partner: true });
    expect(await moved(() => edit(3, {}))).toEqual({ owner: true, partner: true });
    expect(await moved(() => deleteTimelineEvent(w.investigator, id, 4))).toEqual({
      owner: true,
      partner: false,
    });
    expect(
      await moved(() => createTimelineEvent(w.partnerInvestigator, w.caseId, { ...input, title: "Shared" })),
    ).toEqual({ owner: true, partner: true });
    // One statement over events of both classes moves both; removing an owner-only row outright
    // (the delete trigger) moves the owner's only.
    expect(
      await moved(() => getDb().timelineEvent.updateMany({ where: { caseId: w.caseId }, data: { source: "both" } })),
    ).toEqual({ owner: true, partner: true });
    expect(await moved(() => getDb().timelineEvent.delete({ where: { id } }))).toEqual({ owner: true, partner: false });
    const before = await versions();
    await foldTimelineChanges();
    expect(await versions()).toEqual(before);

    // So the partner's kept results outlive the owner's private work; the owner's do not.
    let computed = 0;
    const keptFor = (reader: typeof w.lead) =>
      derivedFromTimeline(w.caseId, reader, Prisma.sql`SELECT ${reader.orgId}::text`, async () => ++computed);
    const [partnerFirst, ownFirst] = [await keptFor(w.partnerLead), await keptFor(w.lead)];
    await createTimelineEvent(w.investigator, w.caseId, { ...input, visibility: "OWNER_ORG_ONLY" });
    expect(await keptFor(w.partnerLead)).toBe(partnerFirst);
    expect(await keptFor(w.lead)).not.toBe(ownFirst);
  });

  it.skipIf(onEmbeddedTestDatabase())(
    "a change still uncommitted while the rows are folded moves the version when it commits",
    async () => {
      const w = await caseWith(["2025-01-10T10:00:00Z"]);
      const version = await timelineVersion(w.caseId, w.lead);
      await getDb().$transaction(async (tx) => {
        await tx.timelineEvent.updateMany({ where: { caseId: w.caseId }, data: { source: "edited" } });
        // Another connection folds meanwhile: it cannot see this change's row, so leaves it.
        await foldTimelineChanges();
        expect(await timelineVersion(w.caseId, w.lead)).toBe(version);
      });
      expect(await timelineVersion(w.caseId, w.lead)).toBe(version + 1);
      await foldTimelineChanges();
      expect(await timelineVersion(w.caseId, w.lead)).toBe(version + 1);
    },
  );

  it("a repeated request reads the kept counts, and the next change, by anyone, is counted at once", async () => {
    const w = await caseWith(["2025-01-10T10:00:00Z", "2025-01-12T00:00:00Z"]);
    expect(total(await getTimelineHistogram(w.lead, w.caseId, ALL))).toBe(2);
    // Kept: a row added behind the version's back is not counted until the timeline changes.
    await unseenEvent(w.caseId, w.lead.id, w.ownerOrg.id);
    expect(total(await getTimelineHistogram(w.lead, w.caseId, ALL))).toBe(2);
    await createTimelineEvent(w.partnerInvestigator, w.caseId, {
      occurredAt: "2025-01-11T10:00:00Z",
      timeZone: "UTC",
      title: "Partner's",
      category: "API_ACCESS",
    });
    expect(total(await getTimelineHistogram(w.lead, w.caseId, ALL))).toBe(4);
  });

  it("an event made owner-only leaves the partner's counts at once, for every partner role, and stays in the owner's", async () => {
    const w = await createJointCase({ releaseMode: "DIRECT" });
    const input = {
      occurredAt: "2025-01-10T10:00:00Z",
      timeZone: "UTC",
      title: "Shared first",
      category: "API_ACCESS",
    };
    const { id } = await createTimelineEvent(w.investigator, w.caseId, input);
    await createTimelineEvent(w.lead, w.caseId, { ...input, occurredAt: "2025-01-12T00:00:00Z", title: "Other" });
    const partners = [w.partnerLead, w.partnerInvestigator];
    for (const p of partners) expect(total(await getTimelineHistogram(p, w.caseId, ALL))).toBe(2);
    expect(total(await getTimelineHistogram(w.lead, w.caseId, ALL))).toBe(2);
    await updateTimelineEvent(w.investigator, id, {
      ...input,
      visibility: "OWNER_ORG_ONLY",
      version: 1,
      evidenceIds: [],
    });
    for (const p of partners) expect(total(await getTimelineHistogram(p, w.caseId, ALL))).toBe(1);
    expect(total(await getTimelineHistogram(w.lead, w.caseId, ALL))).toBe(2);
    expect(total(await getTimelineHistogram(w.investigator, w.caseId, ALL))).toBe(2);
  });

  it("each reader's counts are their own: a partner's request never reads the owner's kept counts", async () => {
    const w = await createJointCase({ releaseMode: "DIRECT" });
    const input = { occurredAt: "2025-01-10T10:00:00Z", timeZone: "UTC", title: "Private", category: "API_ACCESS" };
    await createTimelineEvent(w.investigator, w.caseId, { ...input, visibility: "OWNER_ORG_ONLY" });
    await createTimelineEvent(w.investigator, w.caseId, { ...input, occurredAt: "2025-01-11T10:00:00Z" });
    expect(total(await getTimelineHistogram(w.lead, w.caseId, ALL))).toBe(2);
    expect(total(await getTimelineHistogram(w.partnerLead, w.caseId, ALL))).toBe(1);
    expect(total(await getTimelineHistogram(w.partnerInvestigator, w.caseId, ALL))).toBe(1);
    expect(total(await getTimelineHistogram(w.viewer, w.caseId, ALL))).toBe(2);
  });
});
