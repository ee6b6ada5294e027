import { describe, expect, it } from "vitest";
import { readIsoUtcMs, readTime, type TTimeFormat } from "@/lib/ingest/time";
import { utcMs, zonedToUtc } from "@/lib/timeline/time";

const at = (value: string, format: TTimeFormat = "auto", zone = "UTC") => {
  const r = readTime(value, format, zone);
  return r.ok ? { iso: r.date.toISOString(), as: r.as } : { reason: r.reason };
};

describe("readTime, automatic", () => {
  it.each([
    ["1764574865", "2025-12-01T07:41:05.000Z", "epoch_s"],
    ["1764574865.25", "2025-12-01T07:41:05.250Z", "epoch_s"],
    ["1764574865123", "2025-12-01T07:41:05.123Z", "epoch_ms"],
    ["1764574865123456", "2025-12-01T07:41:05.123Z", "epoch_us"], // Timesketch's timestamp
    ["1764574865123456789", "2025-12-01T07:41:05.123Z", "epoch_ns"],
    ["2025-12-01T07:41:05Z", "2025-12-01T07:41:05.000Z", "iso"],
    ["2025-12-01T07:41:05.123456+00:00", "2025-12-01T07:41:05.123Z", "iso"],
    ["2025-12-01 08:41:05+01:00", "2025-12-01T07:41:05.000Z", "iso"],
    ["2025-12-01", "2025-12-01T00:00:00.000Z", "iso"],
    ["[01/Dec/2025:08:41:05 +0100]", "2025-12-01T07:41:05.000Z", "clf"],
    ["Mon, 01 Dec 2025 07:41:05 +0000", "2025-12-01T07:41:05.000Z", "rfc2822"],
    ["1 Dec 2025 02:41:05 -0500", "2025-12-01T07:41:05.000Z", "rfc2822"],
    ["01 Dec 2025 07:41 GMT", "2025-12-01T07:41:00.000Z", "rfc2822"],
    ["12/1/2025, 7:41:05.123 AM", "2025-12-01T07:41:05.123Z", "us_12h"], // Log Analytics CSV
    ["12/1/2025, 12:05:00 PM", "2025-12-01T12:05:00.000Z", "us_12h"],
    ["12/1/2025, 12:05:00 AM", "2025-12-01T00:05:00.000Z", "us_12h"],
  ])("%s → %s (%s)", (value, iso, as) => {
    expect(at(value)).toEqual({ iso, as });
  });

  it("reads a mixed column value by value: seconds and milliseconds side by side both land in 2025", () => {
    expect(at("1764574865").iso).toBe(at("1764574865000").iso);
  });

  it("reads naive ISO times in the chosen zone", () => {
    expect(at("2025-07-01T09:00", "auto", "America/Los_Angeles")).toEqual({
      iso: "2025-07-01T16:00:00.000Z",
      as: "iso",
    });
  });

  it.each([
    ["20251201", /too short to tell/],
    ["12345", /too short to tell/],
    ["99999999999999999999", /too large for an epoch time/],
    ["yesterday", /not a time in any known format/],
    ["", /empty/],
    ["31 Feb 2025 10:00:00 +0000", /does not exist/],
    ["2026-02-30T00:00:00Z", /does not exist/], // JavaScript alone would read 2 March
    ["2026-02-31T00:00:00+01:00", /does not exist/],
    ["2026-13-01T00:00:00Z", /does not exist/],
    ["2300-01-01T00:00:00Z", /outside 1970–2199/],
  ])("refuses %j", (value, reason) => {
    expect(at(value).reason).toMatch(reason);
  });
});

describe("readTime, explicit formats never read a value as something else", () => {
  it("epoch milliseconds refuses a seconds value instead of dating it January 1970", () => {
    expect(at("1764574865", "epoch_ms").reason).toBe(
      '"1764574865" looks like epoch seconds (2025-12-01T07:41:05.000Z), not milliseconds: check the time format.',
    );
  });

  it.each([
    ["1764574865123", "epoch_s", /looks like epoch milliseconds/],
    ["1764574865123456", "epoch_ms", /looks like epoch microseconds/],
    ["1764574865", "epoch_us", /looks like epoch seconds/],
    ["1764574865123", "epoch_ns", /looks like epoch milliseconds/],
    ["2025-12-01T07:41:05Z", "epoch_s", /not a number of seconds/],
    ["1764574865", "iso", /not an ISO 8601 time/],
    ["2025-12-01T07:41:05Z", "clf", /not a common log format time/],
    ["2025-12-01T07:41:05Z", "rfc2822", /not an RFC 2822 time/],
  ] as const)("%s as %s is refused", (value, format, reason) => {
    expect(at(value, format).reason).toMatch(reason);
  });

  it.each([
    ["1764574865", "epoch_s"],
    ["1764574865123", "epoch_ms"],
    ["1764574865123456", "epoch_us"],
    ["1764574865123456789", "epoch_ns"],
  ] as const)("%s as %s is read", (value, format) => {
    expect(at(value, format)).toEqual({ iso: expect.stringMatching(/^2025-12-01T07:41:05/), as: format });
  });

  it("explicit epoch seconds still takes an early compact value that automatic refuses", () => {
    expect(at("86400", "epoch_s")).toEqual({ iso: "1970-01-02T00:00:00.000Z", as: "epoch_s" });
  });
});

describe("readIsoUtcMs, the bulk loaders' shortcut", () => {
  it("reads what readTime reads, to the millisecond, or leaves the value to readTime", () => {
    const values = [
      "2026-11-02T10:00:00Z",
      "2026-11-02T10:00:00.1Z",
      "2026-11-02T10:00:00.12Z",
      "2026-11-02T10:00:00.123Z",
      "2026-11-02T23:59:59.999Z",
      "2024-02-29T00:00:00Z", // a leap day
      "2000-02-29T12:00:00Z", // a leap day (divisible by 400)
      "1970-01-01T00:00:00Z",
      "2199-12-31T23:59:59.999Z",
      "2026-12-31T00:00:00Z",
    ];
    for (const v of values) {
      const slow = readTime(v, "auto", "UTC");
      expect(slow.ok, v).toBe(true);
      expect(readIsoUtcMs(v), v).toBe(slow.ok ? slow.date.getTime() : NaN);
    }
  });

  it("reads each value on its own, whichever day the one before fell on", () => {
    // Rows of one day in a row, the next day, an impossible day between, and back.
    const values = [
      "2026-11-02T10:00:00Z",
      "2026-11-02T23:59:59.999Z",
      "2026-11-03T00:00:00Z",
      "2026-02-30T10:00:00Z",
      "2026-02-28T10:00:00Z",
      "2026-11-02T10:00:00.5Z",
      "2024-02-29T01:02:03Z",
      "2025-02-29T01:02:03Z",
      // The minute of the row before, with every shape of seconds, good and bad.
      "2026-11-02T10:00:00Z",
      "2026-11-02T10:00:59.9Z",
      "2026-11-02T10:00:07.25Z",
      "2026-11-02T10:00:07.125Z",
      "2026-11-02T10:00:00.Z",
      "2026-11-02T10:00:60Z",
      "2026-11-02T10:00:0aZ",
      "2026-11-02T10:00:00,1Z",
      "2026-11-02T10:00:00.12",
      "2026-11-02T10:00:00.1x2Z",
      "2026-11-02T10:00 00Z",
      "2026-11-02T10:00:00.000+01:00",
      "2026-11-02T10:01:00Z",
      "2026-11-02T10:00:30Z",
    ];
    const read = (v: string) => readIsoUtcMs(v);
    for (const v of values) {
      const slow = readTime(v, "auto", "UTC");
      // Read exactly as readTime reads it, or left to readTime; never a time readTime refuses.
      if (slow.ok) expect([slow.date.getTime(), null], v).toContain(read(v));
      else expect(read(v), v).toBeNull();
      // The shape it is for is always read.
      if (slow.ok && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/.test(v))
        expect(read(v), v).toBe(slow.date.getTime());
    }
  });

  it("declines what is not plainly a valid time, so that readTime gives the answer and its reason", () => {
    const declined = [
      "2025-02-29T00:00:00Z", // no such day
      "1900-02-29T00:00:00Z", // not a leap year (divisible by 100)
      "2026-04-31T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-11-00T00:00:00Z",
      "2026-11-02T24:00:00Z",
      "2026-11-02T10:60:00Z",
      "2026-11-02T10:00:60Z",
      "1969-12-31T23:59:59Z", // before the earliest time kept
      "2200-01-01T00:00:00Z",
      "2026-11-02T10:00:00.1234Z", // more than milliseconds
      "2026-11-02T10:00:00+01:00",
      "2026-11-02 10:00:00Z",
      "1762077600",
    ];
    for (const v of declined) expect(readIsoUtcMs(v), v).toBeNull();
    expect(readTime("2025-02-29T00:00:00Z", "auto", "UTC").ok).toBe(false);
  });
});

describe("years below 100", () => {
  // Date.UTC reads the years 0–99 as 1900–1999: "0099" would have become 1999, in range.
  it("are those years, so a file's 0099 is refused as outside 1970–2199, never read as 1999", () => {
    for (const [value, format] of [
      ["0099-06-01T00:00:00Z", "auto"],
      ["0099-06-01T00:00:00.123Z", "iso"],
      ["0099-06-01T00:00", "iso"],
      ["0099-06-01 00:00:00", "auto"],
      ["0099-06-01", "iso"],
      ["01/Jun/0099:00:00:00 +0000", "clf"],
      ["Mon, 01 Jun 0099 00:00:00 +0000", "rfc2822"],
      ["6/1/0099, 12:00:00 AM", "us_12h"],
      ["06/01/0099 00:00:00", "mdy"],
    ] as const)
      expect(at(value, format), value).toEqual({
        reason: expect.stringMatching(/^0099-06-01T00:00:00.*outside 1970–2199/),
      });
    expect(readIsoUtcMs("0099-06-01T00:00:00Z")).toBeNull();
  });

  it("are computed in their own calendar: year 0 is a leap year, 1900 was not", () => {
    expect(utcMs(99, 5, 1)).toBe(Date.parse("0099-06-01T00:00:00Z"));
    expect(new Date(utcMs(0, 1, 29, 23, 59, 59, 999)).toISOString()).toBe("0000-02-29T23:59:59.999Z");
    expect(new Date(utcMs(1900, 1, 29)).toISOString()).toBe("1900-03-01T00:00:00.000Z");
    expect(utcMs(2026, 11, 6, 3, 50)).toBe(Date.UTC(2026, 11, 6, 3, 50));
    const zoned = zonedToUtc("0099-06-01T00:00", "Europe/Paris");
    expect(zoned.ok && zoned.date.toISOString().slice(0, 10)).toMatch(/^0099-05-3[01]$/);
  });
});

describe("ISO 8601 as other tools write it", () => {
  it("takes a lower-case t and z, and a fraction to the nanosecond with or without a zone", () => {
    expect(at("2026-01-15t09:00:00z")).toEqual({ iso: "2026-01-15T09:00:00.000Z", as: "iso" });
    expect(at("2026-01-15t09:00:00.5+02:00", "iso")).toEqual({ iso: "2026-01-15T07:00:00.500Z", as: "iso" });
    expect(at("2026-01-15t09:00", "iso", "Europe/Paris")).toEqual({ iso: "2026-01-15T08:00:00.000Z", as: "iso" });
    expect(at("2026-01-15T09:00:00.123456", "iso")).toEqual({ iso: "2026-01-15T09:00:00.123Z", as: "iso" });
    expect(at("2026-01-15 09:00:00.123456789", "auto", "America/New_York")).toEqual({
      iso: "2026-01-15T14:00:00.123Z",
      as: "iso",
    });
    expect(at("2026-01-15T09:00:00.1234567891", "iso")).toEqual({ reason: expect.stringMatching(/not an ISO 8601/) });
  });
});
