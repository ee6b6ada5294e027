import Graph from "graphology";
import { parse as parseGexf } from "graphology-gexf";
import { parse as parseGraphml } from "graphology-graphml";
import { describe, expect, it } from "vitest";
import { graphToGexf, graphToGraphml, payloadToGraph, subgraph } from "@/lib/linkage/graph-export";
import type { TGraphPayload } from "@/lib/linkage/graph-types";

// Labels and provenance with characters XML must escape, a bridge, a community, a pair of
// entities joined by two links of different kinds, and a node without community.
const PAYLOAD: TGraphPayload = {
  seed: 7,
  nodes: [
    { id: "n1", kind: "ACCOUNT", label: 'acct_17 <main> & "alt"', bridge: true, community: 0 },
    { id: "n2", kind: "API_KEY", label: "sk-ab…wxyz", community: 1 },
    { id: "n3", kind: "IP", label: "2001:db8::1" },
    { id: "n4", kind: "EMAIL", label: "o'brien@example.com", community: 1 },
  ],
  edges: [
    { id: "e1", source: "n1", target: "n2", kind: "USES_KEY", confidence: 90, provenance: "rule:shared-key@2" },
    { id: "e2", source: "n1", target: "n3", kind: "SHARES_IP", confidence: 20, provenance: "rule:shared-ip@1" },
    { id: "e3", source: "n1", target: "n3", kind: "OTHER", confidence: 50, provenance: "manual <analyst>" },
    { id: "e4", source: "n4", target: "n1", kind: "SAME_OWNER", confidence: 67, provenance: "manual" },
  ],
};

type TParsed = Graph;

/** Nodes and edges of a parsed document against the payload, attribute by attribute. */
function expectSameAsPayload(parsed: TParsed) {
  expect(parsed.order).toBe(PAYLOAD.nodes.length);
  expect(parsed.size).toBe(PAYLOAD.edges.length);
  for (const node of PAYLOAD.nodes) {
    const a = parsed.getNodeAttributes(node.id);
    expect(a.label).toBe(node.label);
    expect(a.kind).toBe(node.kind);
    expect(a.bridge).toBe(node.bridge === true);
    expect(a.community).toBe(node.community);
  }
  for (const edge of PAYLOAD.edges) {
    expect(parsed.source(edge.id)).toBe(edge.source);
    expect(parsed.target(edge.id)).toBe(edge.target);
    const a = parsed.getEdgeAttributes(edge.id);
    expect(a.kind).toBe(edge.kind);
    expect(a.confidence).toBe(edge.confidence);
    expect(a.provenance).toBe(edge.provenance);
  }
}

describe("payloadToGraph", () => {
  it("keeps payload order and attributes, and skips edges to missing nodes and self-loops", () => {
    const graph = payloadToGraph({
      ...PAYLOAD,
      edges: [
        ...PAYLOAD.edges,
        { id: "dangling", source: "n1", target: "gone", kind: "OTHER", confidence: 10, provenance: "manual" },
        { id: "loop", source: "n2", target: "n2", kind: "OTHER", confidence: 10, provenance: "manual" },
      ],
    });
    expect(graph.nodes()).toEqual(["n1", "n2", "n3", "n4"]);
    expect(graph.edges()).toEqual(["e1", "e2", "e3", "e4"]);
    expect(graph.getNodeAttributes("n3")).toEqual({ kind: "IP", label: "2001:db8::1", bridge: false });
    expect(graph.getEdgeAttribute("e1", "weight")).toBe(0.9);
  });

  it("subgraph keeps edges only between kept nodes", () => {
    const graph = payloadToGraph(PAYLOAD);
    const sub = subgraph(
      graph,
      (_id, a) => a.kind !== "IP",
      (_id, a) => a.confidence >= 60,
    );
    expect(sub.nodes()).toEqual(["n1", "n2", "n4"]);
    expect(sub.edges()).toEqual(["e1", "e4"]);
  });
});

describe("GEXF export", () => {
  it("parses back into the same nodes, edges and attributes", () => {
    const xml = graphToGexf(payloadToGraph(PAYLOAD));
    expect(xml).toContain('version="1.3"');
    expectSameAsPayload(parseGexf(Graph, xml));
  });

  it("carries positions, size and colour once drawn", () => {
    const graph = payloadToGraph(PAYLOAD);
    graph.mergeNodeAttributes("n2", { x: 1.5, y: -2, size: 6, color: "#1d5fd1" });
    const parsed = parseGexf(Graph, graphToGexf(graph));
    expect(parsed.getNodeAttributes("n2")).toMatchObject({ x: 1.5, y: -2, size: 6, color: "#1d5fd1" });
  });
});

describe("GraphML export", () => {
  it("parses back into the same nodes, edges and attributes", () => {
    expectSameAsPayload(parseGraphml(Graph, graphToGraphml(payloadToGraph(PAYLOAD))));
  });

  it("declares typed keys and carries positions once drawn", () => {
    const graph = payloadToGraph(PAYLOAD);
    graph.mergeNodeAttributes("n1", { x: 3.25, y: 4 });
    const xml = graphToGraphml(graph);
    expect(xml).toContain('attr.name="confidence" attr.type="int"');
    expect(parseGraphml(Graph, xml).getNodeAttributes("n1")).toMatchObject({ x: 3.25, y: 4, bridge: true });
  });

  it("an empty graph is a valid document", () => {
    const parsed = parseGraphml(Graph, graphToGraphml(payloadToGraph({ nodes: [], edges: [], seed: 1 })));
    expect(parsed.order).toBe(0);
  });
});
