import type { TGraphPayload } from "@/lib/linkage/graph-types";

// The brief's small picture of the main cluster: nodes on a circle (accounts on the inner
// ring, what ties them on the outer), in a unit square, so the HTML (SVG) and the PDF draw the
// same picture. Plain data, no server-only imports.

export type TBriefGraph = {
  accounts: number;
  nodeCount: number;
  nodes: { id: string; kind: string; label: string; x: number; y: number }[];
  edges: { x1: number; y1: number; x2: number; y2: number; confidence: number }[];
};

export function circleLayout(payload: TGraphPayload, accounts: number, nodeCount: number): TBriefGraph {
  const rings = [payload.nodes.filter((n) => n.kind === "ACCOUNT"), payload.nodes.filter((n) => n.kind !== "ACCOUNT")];
  const place = new Map<string, { x: number; y: number }>();
  rings.forEach((ring, r) =>
    ring.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / Math.max(ring.length, 1) + r * 0.3;
      const radius = rings[1]!.length === 0 ? 0.4 : r === 0 ? 0.22 : 0.44;
      place.set(n.id, { x: 0.5 + radius * Math.cos(angle), y: 0.5 + radius * Math.sin(angle) });
    }),
  );
  return {
    accounts,
    nodeCount,
    nodes: payload.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label, ...place.get(n.id)! })),
    edges: payload.edges.map((e) => {
      const a = place.get(e.source)!;
      const b = place.get(e.target)!;
      return { x1: a.x, y1: a.y, x2: b.x, y2: b.y, confidence: e.confidence };
    }),
  };
}
