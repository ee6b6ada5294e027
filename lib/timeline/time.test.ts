import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  formatInZone,
  isValidTimeZone,
  offsetPeriods,
  utcToZonedInput,
  zonedDay,
  zonedStart,
  zonedToUtc,
  zoneOffsetMinutes,
} from "@/lib/timeline/time";
import { ZCreateEvent } from "@/lib/timeline/schemas";

const utc = (local: string, zone: string) => {
  const r = zonedToUtc(local, zone);
  if (!r.ok) throw new Error(r.reason);
  return r.date.toISOString();
};

describe("time zones", () => {
  it("UTC's offset, taken without formatting, is what Intl gives for the same zone", () => {
    for (const iso of [
      "1970-01-01T00:00:00Z",
      "2026-03-29T01:30:00Z",
      "2026-10-25T00:59:59Z",
      "2199-12-31T23:59:59Z",
    ]) {
      const at = new Date(iso);
      expect(zoneOffsetMinutes(at, "UTC")).toBe(0);
      expect(zoneOffsetMinutes(at, "Etc/UTC")).toBe(0); // the formatting path
    }
    expect(zoneOffsetMinutes(new Date("2026-07-15T12:00:00Z"), "Europe/London")).toBe(60);
    expect(utcToZonedInput(new Date("2026-07-15T17:05:09Z"), "UTC")).toBe("2026-07-15T17:05");
  });

  it("09:00 in Los Angeles is 17:00 UTC in winter and 16:00 UTC in summer, and shows back as 09:00", () => {
    expect(utc("2026-01-15T09:00", "America/Los_Angeles")).toBe("2026-01-15T17:00:00.000Z");
    expect(utc("2026-07-15T09:00", "America/Los_Angeles")).toBe("2026-07-15T16:00:00.000Z");
    expect(utcToZonedInput(new Date("2026-01-15T17:00:00Z"), "America/Los_Angeles")).toBe("2026-01-15T09:00");
    expect(utcToZonedInput(new Date("2026-07-15T16:00:00Z"), "America/Los_Angeles")).toBe("2026-07-15T09:00");
    expect(formatInZone(new Date("2026-01-15T17:00:00Z"), "America/Los_Angeles")).toBe(
      "2026-01-15 09:00 America/Los_Angeles (UTC-08:00)",
    );
    expect(formatInZone(new Date("2026-07-15T16:00:00Z"), "America/Los_Angeles")).toBe(
      "2026-07-15 09:00 America/Los_Angeles (UTC-07:00)",
    );
  });

  it("DST spring forward: the skipped hour is refused, the minutes around it convert", () => {
    // 2026-03-08: 02:00 PST becomes 03:00 PDT.
    expect(utc("2026-03-08T01:59", "America/Los_Angeles")).toBe("2026-03-08T09:59:00.000Z");
    expect(zonedToUtc("2026-03-08T02:30", "America/Los_Angeles")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("does not exist"),
    });
    expect(utc("2026-03-08T03:00", "America/Los_Angeles")).toBe("2026-03-08T10:00:00.000Z");
  });

  it("DST fall back: the repeated hour takes its first occurrence; both instants show back with their offset", () => {
    // 2026-11-01: 02:00 PDT becomes 01:00 PST, so 01:30 happens twice.
    expect(utc("2026-11-01T01:30", "America/Los_Angeles")).toBe("2026-11-01T08:30:00.000Z");
    expect(formatInZone(new Date("2026-11-01T08:30:00Z"), "America/Los_Angeles")).toContain(
      "01:30 America/Los_Angeles (UTC-07:00)",
    );
    expect(formatInZone(new Date("2026-11-01T09:30:00Z"), "America/Los_Angeles")).toContain(
      "01:30 America/Los_Angeles (UTC-08:00)",
    );
    expect(utc("2026-11-01T02:00", "America/Los_Angeles")).toBe("2026-11-01T10:00:00.000Z");
  });

  it("other zones, half-hour offsets, the southern hemisphere and the day an event is grouped under", () => {
    expect(utc("2026-01-15T09:00", "Asia/Kolkata")).toBe("2026-01-15T03:30:00.000Z");
    expect(utc("2026-01-15T09:00", "Australia/Sydney")).toBe("2026-01-14T22:00:00.000Z"); // AEDT in January
    expect(zonedToUtc("2026-03-29T01:30", "Europe/London").ok).toBe(false); // skipped in London
    expect(utc("2026-01-15T09:00", "UTC")).toBe("2026-01-15T09:00:00.000Z");
    expect(zonedDay(new Date("2026-01-16T02:00:00Z"), "America/Los_Angeles")).toBe("2026-01-15");
  });

  it("where a bucket starting at a wall-clock time starts: first occurrence, or the jump past a skipped time", () => {
    expect(zonedStart("2025-03-01T00:00:00", "America/Los_Angeles").toISOString()).toBe("2025-03-01T08:00:00.000Z");
    expect(zonedStart("2025-11-02T01:00:00", "America/Los_Angeles").toISOString()).toBe("2025-11-02T08:00:00.000Z"); // repeated: PDT's
    expect(zonedStart("2025-03-09T02:00:00", "America/Los_Angeles").toISOString()).toBe("2025-03-09T10:00:00.000Z"); // skipped: 03:00 PDT
    // Santiago springs forward at midnight (00:00 -04 → 01:00 -03): the day starts at the jump.
    expect(zonedStart("2025-09-07T00:00:00", "America/Santiago").toISOString()).toBe("2025-09-07T04:00:00.000Z");
    expect(zonedStart("2025-09-07T00:30:00", "America/Santiago").toISOString()).toBe("2025-09-07T04:00:00.000Z");
  });

  it("canonical zone names for the database; offsets and unknown zones are refused", () => {
    expect(canonicalTimeZone("america/los_angeles")).toBe("America/Los_Angeles");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("Etc/GMT+5")).toBe("Etc/GMT+5");
    for (const bad of ["+05:30", "-08:00", "UTC+3", "Mars/Olympus_Mons", ""]) expect(canonicalTimeZone(bad)).toBeNull();
  });

  it("year 0 and the years before it (1 BC and earlier to Intl) convert as any other year", () => {
    // New York kept local mean time then: UTC-4:56:02, taken to the minute.
    expect(utc("0000-06-01T10:00", "America/New_York")).toBe("0000-06-01T14:56:00.000Z");
    expect(utc("0001-06-01T10:00", "America/New_York")).toBe("0001-06-01T14:56:00.000Z");
    for (const iso of ["0000-06-01T10:00:00Z", "-000001-06-01T10:00:00Z", "-000400-02-29T10:00:00Z"])
      expect(zoneOffsetMinutes(new Date(iso), "Asia/Tokyo")).toBe(559);
    expect(utcToZonedInput(new Date("0000-06-01T00:41:00Z"), "Asia/Tokyo")).toBe("0000-06-01T10:00");
  });

  it("refuses impossible dates, unknown zones and malformed input", () => {
    expect(zonedToUtc("2026-02-30T09:00", "UTC").ok).toBe(false);
    expect(zonedToUtc("2026-01-15T25:00", "UTC").ok).toBe(false);
    expect(zonedToUtc("2026-01-15T09:00", "Mars/Olympus_Mons").ok).toBe(false);
    expect(zonedToUtc("yesterday", "UTC").ok).toBe(false);
  });

  it("the event schema converts the entered time, accepts ISO instants with an offset, and checks the end", () => {
    const base = { title: "t", category: "API_ACCESS", timeZone: "America/Los_Angeles" };
    expect(ZCreateEvent.parse({ ...base, occurredAt: "2026-01-15T09:00" }).occurredAt.toISOString()).toBe(
      "2026-01-15T17:00:00.000Z",
    );
    expect(ZCreateEvent.parse({ ...base, occurredAt: "2026-01-15T09:00:00+01:00" }).occurredAt.toISOString()).toBe(
      "2026-01-15T08:00:00.000Z",
    );
    const bad = ZCreateEvent.safeParse({ ...base, occurredAt: "2026-01-15T09:00", endsAt: "2026-01-15T08:00" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["endsAt"]);
    expect(ZCreateEvent.safeParse({ ...base, occurredAt: "2026-03-08T02:30" }).error?.issues[0]?.path).toEqual([
      "occurredAt",
    ]);
    expect(ZCreateEvent.safeParse({ ...base, occurredAt: "1969-12-31T23:59Z" }).error?.issues[0]?.message).toBe(
      "Enter a time between 1970 and 2199.",
    );
    expect(ZCreateEvent.safeParse({ ...base, occurredAt: "9999-01-01T00:00" }).error?.issues[0]?.message).toBe(
      "Enter a time between 1970 and 2199.",
    );
  });

  it("offset periods: each DST change of the range found to the minute, none for UTC or Kolkata", () => {
    const year = [new Date("2025-01-01T00:00Z"), new Date("2025-12-31T23:59Z")] as const;
    expect(offsetPeriods("America/Los_Angeles", ...year)).toEqual([
      { start: year[0], offset: -480 },
      { start: new Date("2025-03-09T10:00Z"), offset: -420 },
      { start: new Date("2025-11-02T09:00Z"), offset: -480 },
    ]);
    expect(offsetPeriods("UTC", ...year)).toEqual([{ start: year[0], offset: 0 }]);
    // Found to the instant, also from a start off the minute; no sampling beyond the events' span.
    expect(
      offsetPeriods("America/Los_Angeles", new Date("2024-03-09T00:00:30.250Z"), new Date("2024-03-11T00:00Z"))![1]!
        .start,
    ).toEqual(new Date("2024-03-10T10:00:00Z"));
    expect(
      offsetPeriods("America/Los_Angeles", new Date("0100-01-01T00:00Z"), new Date("9999-01-01T00:00Z")),
    ).toBeNull();
    expect(isValidTimeZone(`Europe/${"x".repeat(70)}`)).toBe(false);
    expect(offsetPeriods("Asia/Kolkata", ...year)).toEqual([{ start: year[0], offset: 330 }]);
    // Lord Howe moves by 30 minutes; Santiago skips midnight.
    expect(offsetPeriods("Australia/Lord_Howe", ...year)!.map((p) => p.offset)).toEqual([660, 630, 660]);
    expect(offsetPeriods("America/Santiago", ...year)!.map((p) => p.start.toISOString())).toEqual([
      "2025-01-01T00:00:00.000Z",
      "2025-04-06T03:00:00.000Z",
      "2025-09-07T04:00:00.000Z",
    ]);
  });
});
