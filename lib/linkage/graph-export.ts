// The graph payload as a graphology graph, and that graph as GEXF (Gephi) and GraphML (yEd,
// Cytoscape, NetworkX) documents for download. Client-safe: the graph view calls these in the
// browser; the tests parse the output back with graphology-gexf / graphology-graphml.
import Graph from "graphology";
import writeGexfDocument from "graphology-gexf/browser/writer";
import type { TEntityKind, TGraphEdge, TGraphPayload, TLinkKind } from "@/lib/linkage/graph-types";

/** What a node carries in the graph: the payload's fields, plus layout and look once drawn. */
export type TNodeAttributes = {
  kind: TEntityKind;
  label: string;
  bridge: boolean;
  community?: number;
  x?: number;
  y?: number;
  size?: number;
  color?: string;
};

export type TEdgeAttributes = {
  kind: TLinkKind;
  confidence: number;
  provenance: string;
  weight?: number; // ForceAtlas2 reads it: stronger links pull harder
};

export type TLinkageGraph = Graph<TNodeAttributes, TEdgeAttributes>;

/** A directed multigraph: two entities can be joined by several links of different kinds. */
export function createLinkageGraph(): TLinkageGraph {
  return new Graph<TNodeAttributes, TEdgeAttributes>({ type: "directed", multi: true, allowSelfLoops: false });
}

export function nodeAttributesOf(node: TGraphPayload["nodes"][number]): TNodeAttributes {
  const attributes: TNodeAttributes = { kind: node.kind, label: node.label, bridge: node.bridge === true };
  if (typeof node.community === "number") attributes.community = node.community;
  return attributes;
}

export function edgeAttributesOf(edge: TGraphEdge): TEdgeAttributes {
  return {
    kind: edge.kind,
    confidence: edge.confidence,
    provenance: edge.provenance,
    weight: Math.max(edge.confidence, 1) / 100,
  };
}

/**
 * The payload as a graph, in payload order (so a seeded layout is reproducible). A repeated node
 * id keeps its first entry; an edge whose end is not in the payload, or a self-loop, is left
 * out: the server never sends one, and a drawing must not fail on it.
 */
export function payloadToGraph(payload: TGraphPayload): TLinkageGraph {
  const graph = createLinkageGraph();
  for (const node of payload.nodes) if (!graph.hasNode(node.id)) graph.addNode(node.id, nodeAttributesOf(node));
  for (const edge of payload.edges) {
    if (edge.source === edge.target || graph.hasEdge(edge.id)) continue;
    if (!graph.hasNode(edge.source) || !graph.hasNode(edge.target)) continue;
    graph.addEdgeWithKey(edge.id, edge.source, edge.target, edgeAttributesOf(edge));
  }
  return graph;
}

/** The nodes and edges of `graph` that pass the predicates (an edge also needs both ends). */
export function subgraph(
  graph: TLinkageGraph,
  keepNode: (id: string, attributes: TNodeAttributes) => boolean,
  keepEdge: (id: string, attributes: TEdgeAttributes) => boolean = () => true,
): TLinkageGraph {
  const out = createLinkageGraph();
  graph.forEachNode((id, attributes) => {
    if (keepNode(id, attributes)) out.addNode(id, { ...attributes });
  });
  graph.forEachEdge((id, attributes, source, target) => {
    if (out.hasNode(source) && out.hasNode(target) && keepEdge(id, attributes))
      out.addEdgeWithKey(id, source, target, { ...attributes });
  });
  return out;
}

/**
 * GEXF 1.3: node kind, bridge and community, edge kind, confidence and provenance as declared
 * attributes; the label as the GEXF label; position, size and colour (when drawn) as viz data,
 * so Gephi opens the picture as it was on screen.
 */
export function graphToGexf(graph: TLinkageGraph): string {
  return writeGexfDocument(graph, {
    version: "1.3",
    formatNode: (_key, a) => ({
      label: a.label,
      attributes: { kind: a.kind, bridge: a.bridge, ...(a.community === undefined ? {} : { community: a.community }) },
      viz: {
        ...(a.x === undefined || a.y === undefined ? {} : { x: a.x, y: a.y }),
        ...(a.size === undefined ? {} : { size: a.size }),
        ...(a.color === undefined ? {} : { color: a.color }),
      },
    }),
    formatEdge: (_key, a) => ({
      weight: a.confidence,
      attributes: { kind: a.kind, confidence: a.confidence, provenance: a.provenance },
    }),
  });
}

// graphology-graphml 0.5 parses GraphML but has no writer, so the document is written here.
const escapeXml = (value: string) =>
  value.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);

type TKey = { id: string; for: "node" | "edge"; name: string; type: "string" | "boolean" | "int" | "double" };

const GRAPHML_KEYS: TKey[] = [
  { id: "label", for: "node", name: "label", type: "string" },
  { id: "kind", for: "node", name: "kind", type: "string" },
  { id: "bridge", for: "node", name: "bridge", type: "boolean" },
  { id: "community", for: "node", name: "community", type: "int" },
  { id: "x", for: "node", name: "x", type: "double" },
  { id: "y", for: "node", name: "y", type: "double" },
  { id: "e_kind", for: "edge", name: "kind", type: "string" },
  { id: "confidence", for: "edge", name: "confidence", type: "int" },
  { id: "provenance", for: "edge", name: "provenance", type: "string" },
];

const data = (key: string, value: string | number | boolean | undefined) =>
  value === undefined ? "" : `<data key="${key}">${escapeXml(String(value))}</data>`;

/** GraphML with typed keys for the node and edge attributes (positions when drawn). */
export function graphToGraphml(graph: TLinkageGraph): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...GRAPHML_KEYS.map((k) => `  <key id="${k.id}" for="${k.for}" attr.name="${k.name}" attr.type="${k.type}"/>`),
    '  <graph id="linkage" edgedefault="directed">',
  ];
  graph.forEachNode((id, a) => {
    const fields = [data("label", a.label), data("kind", a.kind), data("bridge", a.bridge)];
    fields.push(data("community", a.community), data("x", a.x), data("y", a.y));
    lines.push(`    <node id="${escapeXml(id)}">${fields.join("")}</node>`);
  });
  graph.forEachEdge((id, a, source, target) => {
    const fields = [data("e_kind", a.kind), data("confidence", a.confidence), data("provenance", a.provenance)];
    lines.push(
      `    <edge id="${escapeXml(id)}" source="${escapeXml(source)}" target="${escapeXml(target)}">${fields.join("")}</edge>`,
    );
  });
  lines.push("  </graph>", "</graphml>", "");
  return lines.join("\n");
}
