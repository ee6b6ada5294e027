import { describe, expect, it } from "vitest";
import { uuidv7 } from "@/lib/db/uuidv7";

describe("uuidv7", () => {
  it("is a version 7, RFC 9562 variant UUID carrying the time", () => {
    // Later than any clock reading before it in this process (ids never go back in time), so
    // it carries this time whichever test ran first.
    const id = uuidv7(Date.UTC(2100, 0, 2, 3, 4, 5, 678));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(Date.UTC(2100, 0, 2, 3, 4, 5, 678));
  });

  it("counts up within one millisecond, past 4,096 ids, and never repeats", () => {
    const t = Date.now() + 60_000;
    const ids = Array.from({ length: 10_000 }, () => uuidv7(t));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // An earlier clock reading (the clock stepped back) still sorts after.
    expect(uuidv7(t - 5_000) > ids.at(-1)!).toBe(true);
  });
});
