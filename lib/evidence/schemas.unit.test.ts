import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ZUpdateEvidence } from "@/lib/evidence/schemas";

// The collection time as the edit form sends it: a datetime-local value, written in UTC.
describe("evidence collection time", () => {
  // A server far from UTC: a time without a zone must not be read in the server's own.
  // eslint-disable-next-line no-restricted-properties -- the process's time zone is what is under test
  const env = process.env;
  const zone = env.TZ;
  beforeEach(() => void (env.TZ = "America/New_York"));
  afterEach(() => void (env.TZ = zone));
  const read = (collectedAt: string) =>
    ZUpdateEvidence.safeParse({ version: 1, title: "Log", kind: "API_LOG_EXPORT", collectedAt });

  it("reads a time without a zone as UTC, to the second or the millisecond", () => {
    expect(read("2026-01-31T12:00").data?.collectedAt).toEqual(new Date(Date.UTC(2026, 0, 31, 12)));
    expect(read("2026-01-31T12:00:07").data?.collectedAt).toEqual(new Date(Date.UTC(2026, 0, 31, 12, 0, 7)));
    expect(read(" 2026-01-31T12:00:07.120 ").data?.collectedAt).toEqual(new Date(Date.UTC(2026, 0, 31, 12, 0, 7, 120)));
  });

  it("keeps a time written with its zone, and an empty field as none", () => {
    expect(read("2026-01-31T12:00:00+02:00").data?.collectedAt).toEqual(new Date(Date.UTC(2026, 0, 31, 10)));
    expect(read("2026-01-31T12:00:00Z").data?.collectedAt).toEqual(new Date(Date.UTC(2026, 0, 31, 12)));
    expect(read("").data?.collectedAt).toBeNull();
  });

  it("refuses what is not a time", () => {
    expect(read("2026-02-31T25:00").success).toBe(false);
    expect(read("yesterday").success).toBe(false);
  });
});
