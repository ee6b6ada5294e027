import { describe, expect, it } from "vitest";
import { ignoredUsageFilters, parseUsageFilters } from "@/lib/usage/filters";

// The Usage tab's filters from a URL: what is applied, and what is left out and said to be.
describe("usage filters", () => {
  it("applies what it can read and names what it cannot, as typed", () => {
    const params = {
      account: "acct_1",
      from: "yesterday",
      to: "2026-13-45",
      ip: "203.0.113.0/24",
      model: ["gpt-x", "ignored second value"],
      key: "",
    };
    const filters = parseUsageFilters(params);
    expect(filters).toEqual({ account: "acct_1", ip: "203.0.113.0/24", model: "gpt-x" });
    expect(ignoredUsageFilters(params, filters)).toEqual([
      { name: "from", value: "yesterday", why: "unreadable" },
      { name: "to", value: "2026-13-45", why: "unreadable" },
    ]);
    // A day that does not exist is left out and said to be, not moved to March.
    expect(parseUsageFilters({ from: "2026-02-31" }).from).toBeUndefined();
  });

  it("takes a signal by its id, and says so of anything else", () => {
    const id = "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f1a2b3c";
    expect(parseUsageFilters({ signal: id }).signal).toBe(id);
    // Its accounts are looked up where the page is read, never taken from the URL.
    expect(parseUsageFilters({ signal: id, accounts: ["acct_1", "acct_2"] })).toEqual({ signal: id });
    expect(ignoredUsageFilters({ signal: "acct_1" }, parseUsageFilters({ signal: "acct_1" }))).toEqual([
      { name: "signal", value: "acct_1", why: "unreadable" },
    ]);
  });

  it("leaves nothing out of a well-formed link, nor of an empty one", () => {
    const params = { from: "2026-11-28", to: "2026-11-29T10:00Z", ip: "2001:db8::/48", by: "account" };
    const filters = parseUsageFilters(params);
    expect(filters.from).toBe("2026-11-28T00:00:00.000Z");
    expect(filters.to).toBe("2026-11-29T10:00:00.000Z");
    // Without a zone, UTC, as the importers read it (never the server's own zone).
    expect(parseUsageFilters({ from: "2026-11-28T10:00", to: "2026-11-28 11:30:00" })).toMatchObject({
      from: "2026-11-28T10:00:00.000Z",
      to: "2026-11-28T11:30:00.000Z",
    });
    expect(ignoredUsageFilters(params, filters)).toEqual([]);
    expect(ignoredUsageFilters({}, parseUsageFilters({}))).toEqual([]);
    expect(ignoredUsageFilters({ ip: "not an address", by: "colour" }, parseUsageFilters({ ip: "x" }))).toEqual([
      { name: "ip", value: "not an address", why: "unreadable" },
      { name: "by", value: "colour", why: "unreadable" },
    ]);
  });

  it("leaves out a To that is not after From (it would match nothing), and says why", () => {
    for (const to of ["2026-11-29", "2026-12-01"]) {
      const params = { from: "2026-12-01", to };
      const filters = parseUsageFilters(params);
      expect(filters).toEqual({ from: "2026-12-01T00:00:00.000Z" });
      expect(ignoredUsageFilters(params, filters)).toEqual([{ name: "to", value: to, why: "not_after_from" }]);
    }
    // Without From, or after it: applied.
    expect(parseUsageFilters({ to: "2026-11-29" }).to).toBe("2026-11-29T00:00:00.000Z");
    expect(parseUsageFilters({ from: "2026-11-29", to: "2026-11-29T00:00:01Z" }).to).toBe("2026-11-29T00:00:01.000Z");
  });
});
