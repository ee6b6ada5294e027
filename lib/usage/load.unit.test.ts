import { describe, expect, it } from "vitest";
import { TimeSpread } from "@/lib/usage/load";

// The measure behind the choice of index on time (indexImportTable): no database needed.

const spreadOf = (n: number, secondOf: (i: number) => number) => {
  const spread = new TimeSpread();
  for (let i = 0; i < n; i++) spread.add(secondOf(i) * 1_000);
  return spread.strayed();
};
const runs = TimeSpread.BLOCK_ROWS;
const DAY = 86_400;
const YEAR = 365 * DAY;

describe("TimeSpread: stray times in runs of rows", () => {
  it("finds none in a file in time order, forwards or backwards, whatever its pace", () => {
    expect(spreadOf(100 * runs, (i) => i)).toBe(false);
    expect(spreadOf(100 * runs, (i) => -i)).toBe(false);
    // A row an hour: each run spans six weeks, its usual stretch.
    expect(spreadOf(100 * runs, (i) => i * 3_600)).toBe(false);
    // All at one time.
    expect(spreadOf(100 * runs, () => 0)).toBe(false);
  });

  it("finds none in a bucketed export: many rows at each bucket's start, days or weeks apart, with gaps", () => {
    const bucketed = (rowsPerBucket: number, seconds: (bucket: number) => number) =>
      spreadOf(100 * runs, (i) => seconds(Math.floor(i / rowsPerBucket)));
    expect(bucketed(5_000, (b) => b * DAY)).toBe(false);
    expect(bucketed(3_000, (b) => (b + (b > 10 ? 2 : 0)) * DAY)).toBe(false); // two days missing
    expect(bucketed(3_000, (b) => (Math.floor(b / 5) * 7 + (b % 5)) * DAY)).toBe(false); // weekdays only
    expect(bucketed(3_000, (b) => b * 2 * DAY)).toBe(false);
    expect(bucketed(3_000, (b) => b * 7 * DAY)).toBe(false);
    expect(bucketed(2_000, (b) => b * 30 * DAY)).toBe(false);
    // The same daily buckets with one row in 200 from a clock a year out: found.
    expect(spreadOf(100 * runs, (i) => Math.floor(i / 3_000) * DAY + (i % 200 === 7 ? YEAR : 0))).toBe(true);
  });

  it("finds strays in more than one run, and more than one in a hundred", () => {
    // In 1 run of 100, or 2 of 300: no. In 2 of 100: yes, with a run's first row among them
    // (its first time is the one a stray could move).
    expect(spreadOf(100 * runs, (i) => (i === 5 * runs + 7 ? i + YEAR : i))).toBe(false);
    expect(spreadOf(300 * runs, (i) => (i === 5 * runs + 7 || i === 60 * runs ? i - YEAR : i))).toBe(false);
    expect(spreadOf(100 * runs, (i) => (i === 5 * runs + 7 || i === 60 * runs ? i - YEAR : i))).toBe(true);
    // One row in 20 from a clock a year out: every run, a fifth of the runs' first rows too.
    expect(spreadOf(100 * runs, (i) => (i % 20 === 0 ? i + YEAR : i))).toBe(true);
    // Too few runs to tell.
    expect(spreadOf(15 * runs, (i) => (i % 100 === 0 ? i + YEAR : i))).toBe(false);
  });
});
