// How the graph view draws each entity kind and link kind, shared by the WebGL styles and the
// legend. A kind is told by its shape and its name (legend, tooltip, details), never by colour
// alone. Node colours reach 3:1 on white (WCAG 1.4.11, graphics); Tailwind 600s and 700s.
import {
  confidenceBand,
  HIGH_CONFIDENCE_MIN,
  LOW_CONFIDENCE_MAX,
  type TConfidenceBand,
} from "@/lib/linkage/confidence";
import type { TEntityKind, TLinkKind } from "@/lib/linkage/graph-types";

export type TNodeShape = "circle" | "square" | "triangle" | "diamond" | "rectangle";

/** Shapes group the kinds into families: people, keys, identifiers, network, instruments. */
export const ENTITY_STYLE: Record<TEntityKind, { label: string; colour: string; shape: TNodeShape }> = {
  ACCOUNT: { label: "Account", colour: "#2563eb", shape: "circle" },
  PERSON: { label: "Person or alias", colour: "#9333ea", shape: "circle" },
  API_KEY: { label: "API key", colour: "#c2410c", shape: "diamond" },
  ORG_ID: { label: "Organisation or project id", colour: "#0e7490", shape: "square" },
  EMAIL: { label: "Email", colour: "#db2777", shape: "square" },
  DOMAIN: { label: "Domain", colour: "#4d7c0f", shape: "square" },
  IP: { label: "IP address", colour: "#dc2626", shape: "triangle" },
  NETWORK: { label: "Network", colour: "#a16207", shape: "triangle" },
  ASN: { label: "ASN", colour: "#475569", shape: "triangle" },
  PAYMENT: { label: "Payment instrument", colour: "#15803d", shape: "rectangle" },
  DEVICE: { label: "Device", colour: "#4338ca", shape: "rectangle" },
};

export const LINK_STYLE: Record<TLinkKind, { label: string; colour: string }> = {
  USES_KEY: { label: "Uses key", colour: "#ea580c" },
  SHARES_PAYMENT: { label: "Shares payment instrument", colour: "#16a34a" },
  SHARES_IP: { label: "Shares IP", colour: "#ef4444" },
  SHARES_DEVICE: { label: "Shares device", colour: "#6366f1" },
  SAME_ORG_ID: { label: "Same organisation id", colour: "#0891b2" },
  SYNCHRONISED: { label: "Synchronised activity", colour: "#a855f7" },
  SAME_OWNER: { label: "Same owner", colour: "#2563eb" },
  CONTROLS: { label: "Controls", colour: "#1e293b" },
  OTHER: { label: "Other", colour: "#94a3b8" },
};

/** Edge thickness (screen pixels) and opacity by confidence band; low links are also dashed. */
export const BAND_STYLE: Record<TConfidenceBand, { label: string; size: number; opacity: number; dashed: boolean }> = {
  low: { label: `Low (0–${LOW_CONFIDENCE_MAX})`, size: 0.6, opacity: 0.45, dashed: true },
  medium: {
    label: `Medium (${LOW_CONFIDENCE_MAX + 1}–${HIGH_CONFIDENCE_MIN - 1})`,
    size: 1.2,
    opacity: 0.7,
    dashed: false,
  },
  high: { label: `High (${HIGH_CONFIDENCE_MIN}–100)`, size: 2.4, opacity: 0.9, dashed: false },
};

export const BRIDGE_RING_COLOUR = "#0f172a";
export const FADED_NODE_COLOUR = "#e2e8f0";
export const FADED_EDGE_COLOUR = "#f1f5f9";

export const edgeBand = (confidence: number) => BAND_STYLE[confidenceBand(confidence)];

/**
 * Node radius in screen pixels at the first view (sigma-styles sets itemSizesReference: "screen")
 * from its degree: 5.5 px with one link, 14 from about 100, so a node is readable alone and not a
 * blot with hundreds of links. Past 200 nodes all shrink with the graph's size (to 0.3 at 2,222
 * and more), so the whole graph, framed at once, shows its links between the nodes.
 */
export const nodeSize = (degree: number, bridge: boolean, order: number) =>
  (Math.min(4 + 1.5 * Math.log2(1 + degree), 14) + (bridge ? 2 : 0)) *
  Math.max(0.3, Math.min(1, Math.sqrt(200 / order)));
