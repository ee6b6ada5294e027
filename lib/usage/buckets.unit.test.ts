import { describe, expect, it } from "vitest";
import { nextBucket, withEmptyBuckets } from "@/lib/usage/buckets";

describe("time buckets", () => {
  it("step by hour, day, week and calendar month (UTC)", () => {
    const t = new Date("2026-01-31T00:00:00Z");
    expect(nextBucket(t, "hour").toISOString()).toBe("2026-01-31T01:00:00.000Z");
    expect(nextBucket(t, "day").toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(nextBucket(t, "week").toISOString()).toBe("2026-02-07T00:00:00.000Z");
    expect(nextBucket(new Date("2026-01-01T00:00:00Z"), "month").toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(nextBucket(new Date("2026-12-01T00:00:00Z"), "month").toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("fill the gaps between the first and the last point, and leave a dense series as it is", () => {
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const empty = (t: string) => ({ t, n: 0 });
    const points = [
      { t: "2026-11-28", n: 4 },
      { t: "2026-12-01", n: 2 },
    ];
    expect(withEmptyBuckets(points, "day", day, empty)).toEqual([
      { t: "2026-11-28", n: 4 },
      { t: "2026-11-29", n: 0 },
      { t: "2026-11-30", n: 0 },
      { t: "2026-12-01", n: 2 },
    ]);
    const months = withEmptyBuckets(
      [
        { t: "2024-05-01", n: 1 },
        { t: "2026-11-01", n: 1 },
      ],
      "month",
      day,
      empty,
    );
    expect(months).toHaveLength(31);
    expect(months[1]).toEqual({ t: "2024-06-01", n: 0 });
    const dense = [
      { t: "2026-11-28", n: 1 },
      { t: "2026-11-29", n: 1 },
    ];
    expect(withEmptyBuckets(dense, "day", day, empty)).toEqual(dense);
    expect(withEmptyBuckets([], "day", day, empty)).toEqual([]);
  });
});
