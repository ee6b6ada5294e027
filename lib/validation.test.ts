import { describe, expect, it, vi } from "vitest";
import { ZCreateCase, ZUpdateCase } from "@/lib/cases/schemas";
import { ValidationError } from "@/lib/errors";
import { ZUploadMetadata } from "@/lib/evidence/schemas";
import { ZCreateNote, ZUpdateNote } from "@/lib/notes/schemas";
import { ZImportFileName } from "@/lib/timeline/import-schemas";
import { ZCreateEvent, ZDeleteEvent, ZUpdateEvent, filtersFromSearchParams } from "@/lib/timeline/schemas";
import { ZCreateUser } from "@/lib/users/schemas";
import { ZQueryDate, ZVersion, parseInput, parseQuery } from "@/lib/validation";

// Inputs an outside test sent that reached PostgreSQL and failed there with a 500. Each must be
// refused by its schema (a ValidationError, 400) before anything is queried or written.
const filters = (query: string) => () => filtersFromSearchParams(new URLSearchParams(query));
const event = { occurredAt: "2026-01-15T09:00", timeZone: "UTC", title: "API burst", category: "API_ACCESS" };

describe("malformed input is a 400 at the schema", () => {
  it("a NUL in the timeline search or source filter", () => {
    expect(filters("q=%00")).toThrow(ValidationError);
    expect(filters("q=abc%00def")).toThrow(/NUL/);
    expect(filters("source=%00")).toThrow(ValidationError);
    expect(filters("q=tenant&source=gateway").call(null)).toMatchObject({ q: "tenant", source: "gateway" });
  });

  it("a filter date PostgreSQL cannot hold, or no date at all", () => {
    expect(filters("to=0000-12-31")).toThrow(/between the years 1 and 9999/);
    expect(filters("to=0099-06-01").call(null)).toMatchObject({ to: new Date("0099-06-01T00:00:00Z") }); // not 1999
    expect(filters("to=-271821-04-20")).toThrow(/valid date/); // not ISO 8601's four-digit year
    expect(filters("from=%2B275760-09-13")).toThrow(ValidationError);
    expect(filters("from=yesterday")).toThrow(/valid date/);
    expect(filters("from=2026-01-15&to=").call(null)).toMatchObject({ from: new Date("2026-01-15"), to: undefined });
  });

  it("a NUL in an event's title or description, created or edited", () => {
    expect(() => parseInput(ZCreateEvent, { ...event, title: "a\u0000b" })).toThrow(ValidationError);
    expect(() => parseInput(ZCreateEvent, { ...event, description: "\u0000" })).toThrow(ValidationError);
    expect(() => parseInput(ZUpdateEvent, { ...event, version: 1, title: "\u0000" })).toThrow(ValidationError);
    expect(parseInput(ZCreateEvent, event).title).toBe("API burst");
  });

  it("a NUL in a note, created or edited", () => {
    expect(ZCreateNote.safeParse({ body: "Tenant \u0000 used a key" }).error?.issues[0]?.message).toMatch(/NUL/);
    expect(() => parseInput(ZCreateNote, { body: "Tenant \u0000 used a key" })).toThrow(ValidationError);
    expect(() => parseInput(ZUpdateNote, { body: "\u0000x", version: 1 })).toThrow(ValidationError);
    expect(parseInput(ZCreateNote, { body: "Tenant <tenant-id>" }).body).toBe("Tenant <tenant-id>");
  });

  it("a version that is not a whole number PostgreSQL can hold", () => {
    for (const bad of ["abc", "1e400", "1.5", "0", "-1", "2147483648", "NaN", "Infinity"]) {
      expect(ZVersion.safeParse(bad).success, bad).toBe(false);
      expect(() => parseQuery(ZDeleteEvent, { version: bad }), bad).toThrow(ValidationError);
    }
    expect(parseQuery(ZDeleteEvent, { version: "3" })).toEqual({ version: 3 });
    expect(parseQuery(ZDeleteEvent, { version: null })).toEqual({ version: undefined });
    expect(parseQuery(ZDeleteEvent, {})).toEqual({ version: undefined });
  });

  it("an X-File-Name that is not valid URI encoding or not an importable file", () => {
    expect(() => parseQuery(ZImportFileName, "%E0%A4%A")).toThrow(ValidationError);
    expect(ZImportFileName.safeParse("%").error?.issues[0]?.message).toMatch(/not valid URI encoding/);
    expect(() => parseQuery(ZImportFileName, "a%00.csv")).toThrow(/control characters/);
    expect(() => parseQuery(ZImportFileName, "events.exe")).toThrow(ValidationError);
    expect(() => parseQuery(ZImportFileName, "")).toThrow(ValidationError);
    expect(parseQuery(ZImportFileName, encodeURIComponent("Zeitleiste März.JSONL"))).toEqual({
      name: "Zeitleiste März.JSONL",
      format: "JSONL",
    });
  });

  it("an evidence collection time PostgreSQL cannot hold", () => {
    const meta = { title: "t", kind: "OTHER", fileName: "a.txt" };
    expect(() => parseInput(ZUploadMetadata, { ...meta, collectedAt: "-271821-04-20" })).toThrow(ValidationError);
    expect(() => parseInput(ZUploadMetadata, { ...meta, title: "\u0000" })).toThrow(ValidationError);
    expect(parseInput(ZUploadMetadata, { ...meta, collectedAt: "2026-01-15T09:00:00Z" }).collectedAt).toEqual(
      new Date("2026-01-15T09:00:00Z"),
    );
  });

  it("a case title, summary or version and a user's name that PostgreSQL cannot hold", () => {
    const kase = { title: "A case", severity: "HIGH", tlp: "AMBER" };
    expect(() => parseInput(ZCreateCase, { ...kase, title: "A\u0000case" })).toThrow(ValidationError);
    expect(() => parseInput(ZCreateCase, { ...kase, summary: "\u0000" })).toThrow(ValidationError);
    expect(() => parseInput(ZUpdateCase, { ...kase, summary: "", releaseMode: "DIRECT", version: "1e400" })).toThrow(
      ValidationError,
    );
    expect(parseInput(ZCreateCase, kase).title).toBe("A case");
    const user = { email: "a@b.example", name: "Ann\u0000", role: "INVESTIGATOR", password: "tulip-ledger-vortex" };
    expect(() => parseInput(ZCreateUser, { ...user, confirmPassword: user.password })).toThrow(ValidationError);
    expect(parseInput(ZCreateUser, { ...user, name: "Ann", confirmPassword: user.password }).name).toBe("Ann");
  });

  it("ZQueryDate leaves an absent date absent", () => {
    expect(ZQueryDate.parse(undefined)).toBeUndefined();
    expect(ZQueryDate.parse("")).toBeUndefined();
    expect(ZQueryDate.parse("0001-01-01T00:00:00Z")).toEqual(new Date("0001-01-01T00:00:00Z"));
  });

  it("ZQueryDate reads a time with no zone as UTC, whatever the server's zone", () => {
    vi.stubEnv("TZ", "America/New_York"); // Node reads TZ again when it changes
    try {
      expect(ZQueryDate.parse("2026-01-15T09:00")).toEqual(new Date("2026-01-15T09:00:00Z"));
      expect(ZQueryDate.parse(" 2026-01-15 09:00:30.5 ")).toEqual(new Date("2026-01-15T09:00:30.500Z"));
      // A zone or offset given is kept; a date alone was always UTC.
      expect(ZQueryDate.parse("2026-01-15T09:00+02:00")).toEqual(new Date("2026-01-15T07:00:00Z"));
      expect(ZQueryDate.parse("2026-01-15")).toEqual(new Date("2026-01-15T00:00:00Z"));
      // Date would read 31 February as 3 March.
      expect(() => ZQueryDate.parse("2026-02-31T09:00")).toThrow(/valid date/);
      expect(() => ZQueryDate.parse("2026-02-31")).toThrow(/valid date/);
      expect(ZQueryDate.parse("2028-02-29")).toEqual(new Date("2028-02-29T00:00:00Z"));
      // Only ISO 8601: Date would read these too, in the server's zone.
      for (const other of ["Jan 15 2026 09:00", "2026/01/15", "15 Jan 2026", "+2026-01-15", "1736931600000"])
        expect(() => ZQueryDate.parse(other), other).toThrow(/valid date/);
      expect(ZQueryDate.parse("2026-01-15t09:00z")).toEqual(new Date("2026-01-15T09:00:00Z"));
      // Fractions to the microsecond or nanosecond (Python's isoformat, PostgreSQL's text), as UTC.
      expect(ZQueryDate.parse("2026-01-15T09:00:00.123456")).toEqual(new Date("2026-01-15T09:00:00.123Z"));
      expect(ZQueryDate.parse("2026-01-15 09:00:00.123456789")).toEqual(new Date("2026-01-15T09:00:00.123Z"));
      expect(ZQueryDate.parse("   ")).toBeUndefined();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
