import { describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { getTimelineHistogram } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { createJointCase } from "@/tests/helpers/factories";

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
