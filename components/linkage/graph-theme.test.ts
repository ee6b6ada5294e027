import { describe, expect, it } from "vitest";
import { nodeSize } from "@/components/linkage/graph-theme";

// Node radii in screen pixels: by degree, a ring's room for bridges, and smaller on big graphs.
describe("graph node sizes", () => {
  it("grow with degree from 5.5 px to a 14 px cap, and a bridge is 2 px larger", () => {
    expect(nodeSize(1, false, 9)).toBe(5.5);
    expect(nodeSize(7, false, 9)).toBe(8.5);
    expect(nodeSize(127, false, 9)).toBe(14);
    expect(nodeSize(5_000, false, 9)).toBe(14);
    expect(nodeSize(1, true, 9)).toBe(7.5);
    const sizes = [0, 1, 3, 15, 63, 255].map((d) => nodeSize(d, false, 50));
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  });

  it("shrink past 200 nodes, to 0.3 of themselves from about 2,222", () => {
    expect(nodeSize(7, false, 200)).toBe(8.5);
    expect(nodeSize(7, false, 800)).toBeCloseTo(8.5 / 2);
    expect(nodeSize(7, false, 5_000)).toBeCloseTo(8.5 * 0.3);
    expect(nodeSize(7, false, 50_000)).toBeCloseTo(8.5 * 0.3);
  });
});
