import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZUpdateEvidence } from "@/lib/evidence/schemas";

// The collection time as the edit form (a datetime-local value, in UTC) and the upload API send it.
describe("evidence collection time", () => {
  // A server far from UTC: a time without a zone must not be read in the server's own.
  // eslint-disable-next-line no-restricted-properties -- the process's time zone is what is under test
  const env = process.env;
  const zone = env.TZ;
  beforeEach(() => void (env.TZ = "America/New_York"));
  afterEach(() => {
    if (zone === undefined) delete env.TZ;
    else env.TZ = zone;
  });
  const read = (collectedAt: string) =>
    ZUpdateEvidence.safeParse({ version: 1, title: "Log", kind: "API_LOG_EXPORT", collectedAt });
  const at = (collectedAt: string) => read(collectedAt).data?.collectedAt;

  it("reads a time without a zone as UTC, to the minute, second or a fraction", () => {
    expect(at("2026-01-31T12:00")).toEqual(new Date(Date.UTC(2026, 0, 31, 12)));
    expect(at("2026-01-31 12:00:07")).toEqual(new Date(Date.UTC(2026, 0, 31, 12, 0, 7)));
    expect(at(" 2026-01-31T12:00:07.120 ")).toEqual(new Date(Date.UTC(2026, 0, 31, 12, 0, 7, 120)));
    expect(at("2026-01-31")).toEqual(new Date(Date.UTC(2026, 0, 31)));
  });

  it("keeps a time written with its zone, and an empty field as none", () => {
    expect(at("2026-01-31T12:00:00+02:00")).toEqual(new Date(Date.UTC(2026, 0, 31, 10)));
    expect(at("2026-01-31T12:00:00Z")).toEqual(new Date(Date.UTC(2026, 0, 31, 12)));
    expect(read("").success).toBe(true);
    expect(at("")).toBeNull();
  });

  it("refuses a day that does not exist, rather than moving it to the next month", () => {
    expect(read("2026-02-31T12:00").success).toBe(false);
    expect(read("2026-02-31T12:00:00Z").success).toBe(false);
    expect(read("2026-02-28T24:30").success).toBe(false);
  });

  it("refuses what is not a time, naming why", () => {
    const refused = read("yesterday");
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/^Enter a valid date and time: .*not an ISO 8601 time/);
    expect(read("2999-01-01T00:00:00Z").success).toBe(false);
    expect(read("2026-01-31T12:00:07.1204567891").success).toBe(false); // beyond the nanosecond
  });

  it("takes ISO 8601 as other tools write it: a lower-case t, a fraction to the microsecond kept to the millisecond", () => {
    expect(at("2026-01-31t12:00")).toEqual(new Date(Date.UTC(2026, 0, 31, 12)));
    expect(at("2026-01-31T12:00:07.120456")).toEqual(new Date(Date.UTC(2026, 0, 31, 12, 0, 7, 120)));
  });
});
