import { describe, expect, it } from "vitest";
import { bandFloor, confidenceBand } from "@/lib/linkage/confidence";
import { payloadToGraph } from "@/lib/linkage/graph-export";
import { NO_FILTERS, shownItems } from "@/lib/linkage/graph-filter";
import { layoutIterations, placeNewNodes, seededPosition } from "@/lib/linkage/graph-layout";
import type { TGraphPayload } from "@/lib/linkage/graph-types";

describe("confidenceBand", () => {
  it("splits the STIX 0–100 scale as its appendix does: low to 29, medium 30–69, high from 70", () => {
    expect([0, 1, 29].map(confidenceBand)).toEqual(["low", "low", "low"]);
    expect([30, 50, 69].map(confidenceBand)).toEqual(["medium", "medium", "medium"]);
    expect([70, 85, 100].map(confidenceBand)).toEqual(["high", "high", "high"]);
    expect([-5, Number.NaN, 150].map(confidenceBand)).toEqual(["low", "low", "high"]);
  });

  it("band floors are the first value of each band", () => {
    for (const band of ["low", "medium", "high"] as const) expect(confidenceBand(bandFloor(band))).toBe(band);
    expect(confidenceBand(bandFloor("medium") - 1)).toBe("low");
    expect(confidenceBand(bandFloor("high") - 1)).toBe("medium");
  });
});

const PAYLOAD: TGraphPayload = {
  seed: 42,
  nodes: [
    { id: "a", kind: "ACCOUNT", label: "acct_1" },
    { id: "b", kind: "ACCOUNT", label: "acct_2" },
    { id: "k", kind: "API_KEY", label: "sk-1…abcd" },
    { id: "i", kind: "IP", label: "192.0.2.7" },
  ],
  edges: [
    { id: "ak", source: "a", target: "k", kind: "USES_KEY", confidence: 95, provenance: "rule:key@1" },
    { id: "bk", source: "b", target: "k", kind: "USES_KEY", confidence: 60, provenance: "rule:key@1" },
    { id: "ai", source: "a", target: "i", kind: "SHARES_IP", confidence: 20, provenance: "rule:ip@1" },
    { id: "ab", source: "a", target: "b", kind: "SAME_OWNER", confidence: 40, provenance: "manual" },
  ],
};

describe("graph filters", () => {
  it("no filter shows everything", () => {
    const shown = shownItems(payloadToGraph(PAYLOAD), NO_FILTERS);
    expect([shown.nodes.size, shown.edges.size]).toEqual([4, 4]);
  });

  it("a hidden entity kind hides its nodes and their links", () => {
    const shown = shownItems(payloadToGraph(PAYLOAD), { ...NO_FILTERS, hiddenNodeKinds: ["API_KEY"] });
    expect([...shown.nodes]).toEqual(["a", "b", "i"]);
    expect([...shown.edges]).toEqual(["ai", "ab"]);
  });

  it("link kinds and the lowest confidence hide links, not nodes", () => {
    const graph = payloadToGraph(PAYLOAD);
    const byKind = shownItems(graph, { ...NO_FILTERS, hiddenLinkKinds: ["USES_KEY"] });
    expect([byKind.nodes.size, [...byKind.edges]]).toEqual([4, ["ai", "ab"]]);
    const byConfidence = shownItems(graph, { ...NO_FILTERS, minConfidence: 60 });
    expect([...byConfidence.edges]).toEqual(["ak", "bk"]);
  });
});

describe("seeded layout", () => {
  it("a node's start depends on the seed and its id, not on order", () => {
    const forward = payloadToGraph(PAYLOAD);
    const backward = payloadToGraph({ ...PAYLOAD, nodes: [...PAYLOAD.nodes].reverse() });
    placeNewNodes(forward, PAYLOAD.seed);
    placeNewNodes(backward, PAYLOAD.seed);
    for (const id of ["a", "b", "k", "i"])
      expect(forward.getNodeAttributes(id)).toEqual(backward.getNodeAttributes(id));
    expect(seededPosition("a", 1, 4)).not.toEqual(seededPosition("a", 2, 4));
  });

  it("keeps placed nodes and puts new ones next to a placed neighbour", () => {
    const graph = payloadToGraph(PAYLOAD);
    graph.mergeNodeAttributes("a", { x: 1000, y: 1000 });
    const placed = placeNewNodes(graph, PAYLOAD.seed);
    expect(placed).toEqual(["b", "k", "i"]);
    expect(graph.getNodeAttributes("a")).toMatchObject({ x: 1000, y: 1000 });
    const i = graph.getNodeAttributes("i"); // i's only neighbour is a
    expect(Math.hypot(i.x! - 1000, i.y! - 1000)).toBeLessThanOrEqual(10);
  });

  it("starts each community in its own disc", () => {
    const nodes = Array.from({ length: 60 }, (_, i) => ({
      id: `n${i}`,
      kind: "ACCOUNT" as const,
      label: `acct_${i}`,
      community: i % 3,
    }));
    const graph = payloadToGraph({ nodes, edges: [], seed: 9 });
    placeNewNodes(graph, 9);
    const centre = (c: number) => {
      const members = nodes.filter((n) => n.community === c).map((n) => graph.getNodeAttributes(n.id));
      return {
        x: members.reduce((s, a) => s + a.x!, 0) / members.length,
        y: members.reduce((s, a) => s + a.y!, 0) / members.length,
      };
    };
    const centres = [0, 1, 2].map(centre);
    for (const n of nodes) {
      const at = graph.getNodeAttributes(n.id);
      const distances = centres.map((c) => Math.hypot(at.x! - c.x, at.y! - c.y));
      expect(Math.min(...distances)).toBe(distances[n.community]);
    }
  });

  it("runs fewer iterations on bigger graphs", () => {
    expect(layoutIterations(100)).toBeGreaterThan(layoutIterations(5000));
  });
});
