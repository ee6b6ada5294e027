// Sigma 4 primitives and styles of the linkage graph: node shape and colour by entity kind, a
// dark ring around bridge nodes, edge colour by link kind and thickness, opacity and dashes by
// confidence band; everything outside a selection's neighbourhood fades. Browser-only (imports
// sigma, which needs WebGL 2): loaded by graph-view.tsx inside an effect.
import { DEFAULT_STYLES } from "sigma";
import type { FragmentLayer } from "sigma/rendering";
import { layerDashed, layerFill, sdfCircle, sdfDiamond, sdfRectangle, sdfSquare, sdfTriangle } from "sigma/rendering";
import type { SigmaOptions } from "sigma/types";
import {
  BRIDGE_RING_COLOUR,
  ENTITY_STYLE,
  FADED_EDGE_COLOUR,
  FADED_NODE_COLOUR,
  LINK_STYLE,
  edgeBand,
} from "@/components/linkage/graph-theme";
import type { TEdgeAttributes, TNodeAttributes } from "@/lib/linkage/graph-export";

const UNSIGNED_BYTE = 0x1401; // WebGL2RenderingContext.UNSIGNED_BYTE, without touching the global

/**
 * A ring along the inside of the node's outline, in the colour of the `ringColor` variable
 * (transparent for nodes without one): about a fifth of the radius, at least 2.5 px.
 */
const layerRing: FragmentLayer = {
  name: "ring",
  uniforms: [],
  attributes: [{ name: "ringColor", size: 4, type: UNSIGNED_BYTE, normalized: true, source: "ringColor" }],
  glsl: /* glsl */ `
vec4 layer_ring(vec4 v_ringColor) {
  float width = max(0.2 * context.shapeSize, 2.5 * context.pixelToUV);
  float inRing = smoothstep(-width - context.aaWidth, -width + context.aaWidth, context.sdf);
  return vec4(v_ringColor.rgb, v_ringColor.a * inRing);
}
`,
};

export type TNodeState = { isSelected: boolean };

const primitives = {
  nodes: {
    shapes: [sdfCircle(), sdfSquare({ cornerRadius: 0.15 }), sdfTriangle(), sdfDiamond(), sdfRectangle()],
    variables: { ringColor: { type: "color", default: "rgba(0,0,0,0)" } },
    layers: [layerFill(), layerRing],
  },
  edges: {
    variables: { gapColor: { type: "color", default: "rgba(0,0,0,0)" } },
    // Solid edges fill their gaps with their own colour; low-confidence ones leave them empty.
    layers: [
      layerDashed({
        dashSize: { value: 6, mode: "pixels" },
        gapSize: { value: 4, mode: "pixels" },
        dashColor: { attribute: "color" },
        gapColor: { attribute: "gapColor" },
      }),
    ],
  },
} as const;

type TOptions = SigmaOptions<TNodeAttributes, TEdgeAttributes, object, TNodeState, object, object, typeof primitives>;
type TGraphState = { hasHighlighted: boolean };

const faded = (graphState: TGraphState, state: { isHighlighted: boolean }) =>
  graphState.hasHighlighted && !state.isHighlighted;

function edgeColour(a: TEdgeAttributes, state: { isHighlighted: boolean }, graphState: TGraphState) {
  return faded(graphState, state) ? FADED_EDGE_COLOUR : LINK_STYLE[a.kind].colour;
}

/**
 * Options for `new Sigma(graph, container, options)`, tuned for 5,000 nodes. While
 * `edgesSuspended()` is true (a big graph being laid out) no edge is drawn: each frame then costs
 * a fraction, and the layout is not held back by drawing 20,000 links many times over.
 */
export function sigmaOptions(large: boolean, edgesSuspended: () => boolean): TOptions {
  return {
    primitives,
    customNodeState: { isSelected: false },
    styles: {
      nodes: [
        DEFAULT_STYLES.nodes,
        {
          shape: (a) => ENTITY_STYLE[a.kind].shape,
          color: (a, state, graphState) => (faded(graphState, state) ? FADED_NODE_COLOUR : ENTITY_STYLE[a.kind].colour),
          ringColor: (a, state, graphState) =>
            a.bridge && !faded(graphState, state) ? BRIDGE_RING_COLOUR : "rgba(0,0,0,0)",
          zIndex: (a, state) => (state.isSelected ? 3 : state.isHighlighted ? 2 : a.bridge ? 1 : 0),
          labelVisibility: (_a, state) => (state.isHovered || state.isHighlighted ? "visible" : "auto"),
          backdropVisibility: (_a, state) => (state.isHovered || state.isSelected ? "visible" : "hidden"),
          depth: (_a, state) => (state.isHovered || state.isHighlighted ? "topNodes" : "nodes"),
        },
      ],
      edges: [
        DEFAULT_STYLES.edges,
        {
          color: (a, state, graphState) => edgeColour(a, state, graphState),
          gapColor: (a, state, graphState) =>
            edgeBand(a.confidence).dashed ? "rgba(0,0,0,0)" : edgeColour(a, state, graphState),
          size: (a, state) => edgeBand(a.confidence).size * (state.isHighlighted ? 1.6 : 1),
          opacity: (a, state) => (state.isHighlighted ? 1 : edgeBand(a.confidence).opacity),
          label: () => "",
          visibility: (_a, state) => (state.isHidden || edgesSuspended() ? "hidden" : "visible"),
        },
      ],
    },
    settings: {
      hideEdgesOnMove: large,
      hideLabelsOnMove: large,
      renderEdgeLabels: false,
      enableEdgeEvents: false,
      // A small graph labels every node the label grid has room for. A large one's nodes are
      // drawn smaller (graph-theme nodeSize): at the first view its hubs (about 70 links at
      // 5,000 nodes) are labelled, and the rest as one zooms in.
      labelRenderedSizeThreshold: large ? 4 : 0,
      // Below sigma's 1.7 px floor, so the confidence bands' thicknesses (BAND_STYLE) stay apart.
      minEdgeThickness: 0.5,
      labelDensity: large ? 0.5 : 1,
      // Node sizes (graph-theme nodeSize) are screen pixels at the first view: sigma 4 would read
      // them in layout units, and a nine-node cluster's nodes then filled half the stage.
      itemSizesReference: "screen",
      minCameraRatio: 0.02,
      maxCameraRatio: 20,
      // The first view and "Reset view" frame the nodes whole, and their labels on a graph small
      // enough to label (fitting positions alone cut the outer nodes and their labels in half).
      autoRescaleContent: large ? "nodes" : "labels",
    } as TOptions["settings"],
  };
}
