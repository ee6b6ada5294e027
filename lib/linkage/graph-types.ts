// The graph payload the server sends to the graph view (components/linkage/graph-view.tsx) and
// the graph exports (GEXF, GraphML). Plain data, safe on both sides: no server-only imports.

export const ENTITY_KINDS = [
  "ACCOUNT",
  "API_KEY",
  "ORG_ID",
  "EMAIL",
  "IP",
  "NETWORK",
  "ASN",
  "PAYMENT",
  "DEVICE",
  "DOMAIN",
  "PERSON",
] as const;
export type TEntityKind = (typeof ENTITY_KINDS)[number];

export const LINK_KINDS = [
  "USES_KEY",
  "SHARES_PAYMENT",
  "SHARES_IP",
  "SHARES_DEVICE",
  "SAME_ORG_ID",
  "SYNCHRONISED",
  "SAME_OWNER",
  "CONTROLS",
  "OTHER",
] as const;
export type TLinkKind = (typeof LINK_KINDS)[number];

export type TGraphNode = {
  id: string; // entity id
  kind: TEntityKind;
  label: string; // the display value (an API key: prefix…last four)
  bridge?: boolean; // joins two communities of its cluster
  community?: number; // Louvain community within the cluster, when split
};

export type TGraphEdge = {
  id: string; // link id
  source: string;
  target: string;
  kind: TLinkKind;
  confidence: number; // STIX 0–100
  provenance: string; // "manual" or "rule:<id>@<version>"
};

export type TGraphPayload = {
  nodes: TGraphNode[];
  edges: TGraphEdge[];
  seed: number; // layout seed: the same payload lays out the same way
};
