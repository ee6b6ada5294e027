import { describe, expect, it } from "vitest";
import { filtersForPage } from "@/lib/timeline/schemas";

const read = (query: string) => filtersForPage(new URLSearchParams(query));

describe("a timeline deep link's filters", () => {
  it("apply as written when all can be read", () => {
    const query = "q=key&to=2026-02-01&category=PAYMENT&category=API_ACCESS";
    expect(read(query)).toEqual({
      filters: { q: "key", to: new Date("2026-02-01T00:00:00Z"), category: ["PAYMENT", "API_ACCESS"] },
      unread: [],
      applied: new URLSearchParams(query),
    });
  });

  it("leave out only what cannot be read, and say what and why", () => {
    // What the page passes on (more pages, exports) leaves it out too: the API would refuse it.
    expect(read("from=garbage&q=key")).toEqual({
      filters: { q: "key", category: [] },
      unread: ["From “garbage”: Enter a valid date (e.g. 2026-01-15)."],
      applied: new URLSearchParams("q=key"),
    });
    const { filters, unread, applied } = read(`from=0000-01-01&to=2026-01-01&q=${"x".repeat(201)}&source=a%00b`);
    expect(filters).toEqual({ to: new Date("2026-01-01T00:00:00Z"), category: [] });
    expect(applied.toString()).toBe("to=2026-01-01");
    expect(unread.sort()).toEqual([
      "From “0000-01-01”: Enter a date between the years 1 and 9999.",
      expect.stringMatching(/^Source: .*NUL/),
      "Text: The search can be at most 200 characters.",
    ]);
  });
});
