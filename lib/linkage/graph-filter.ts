// The graph view's filters (entity kinds, link kinds, lowest confidence) as predicates over the
// graph's attributes: the view hides what they reject, counts what they keep, and exports the
// same subgraph. Client-safe.
import type { TEdgeAttributes, TLinkageGraph, TNodeAttributes } from "@/lib/linkage/graph-export";
import type { TEntityKind, TLinkKind } from "@/lib/linkage/graph-types";

export type TGraphFilters = {
  hiddenNodeKinds: readonly TEntityKind[];
  hiddenLinkKinds: readonly TLinkKind[];
  minConfidence: number; // links below it are hidden (0 shows all)
};

export const NO_FILTERS: TGraphFilters = { hiddenNodeKinds: [], hiddenLinkKinds: [], minConfidence: 0 };

export type TFilterPredicates = {
  node: (attributes: TNodeAttributes) => boolean;
  edge: (attributes: TEdgeAttributes) => boolean;
};

export function filterPredicates(filters: TGraphFilters): TFilterPredicates {
  const nodeKinds = new Set(filters.hiddenNodeKinds);
  const linkKinds = new Set(filters.hiddenLinkKinds);
  return {
    node: (a) => !nodeKinds.has(a.kind),
    edge: (a) => !linkKinds.has(a.kind) && a.confidence >= filters.minConfidence,
  };
}

/** Which nodes and edges the filters keep; an edge is kept only with both of its ends. */
export function shownItems(graph: TLinkageGraph, filters: TGraphFilters) {
  const keep = filterPredicates(filters);
  const nodes = new Set<string>();
  const edges = new Set<string>();
  graph.forEachNode((id, a) => {
    if (keep.node(a)) nodes.add(id);
  });
  graph.forEachEdge((id, a, source, target) => {
    if (nodes.has(source) && nodes.has(target) && keep.edge(a)) edges.add(id);
  });
  return { nodes, edges };
}
