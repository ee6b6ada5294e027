// The imperative side of the graph view: one sigma renderer on one graphology graph, the
// ForceAtlas2 worker, filters, selection, camera and picture export. Browser-only (sigma needs
// WebGL 2 at import): graph-view.tsx loads it with a dynamic import inside an effect, so the
// page can render on the server. React never re-renders per frame: sigma draws, and this module
// reports only discrete changes (layout state, selection) through callbacks.
import FA2LayoutSupervisor from "graphology-layout-forceatlas2/worker";
import { inferSettings } from "graphology-layout-forceatlas2";
import Sigma from "sigma";
import { nodeSize } from "@/components/linkage/graph-theme";
import { sigmaOptions, type TNodeState } from "@/components/linkage/sigma-styles";
import {
  payloadToGraph,
  type TEdgeAttributes,
  type TLinkageGraph,
  type TNodeAttributes,
} from "@/lib/linkage/graph-export";
import { NO_FILTERS, shownItems, type TGraphFilters } from "@/lib/linkage/graph-filter";
import { layoutIterations, placeNewNodes } from "@/lib/linkage/graph-layout";
import type { TGraphPayload } from "@/lib/linkage/graph-types";

export type TLayoutState = "running" | "paused" | "done";

export type TRendererEvents = {
  onFirstRender: () => void;
  onLayout: (state: TLayoutState) => void;
  onSelect: (id: string | null) => void;
  onExpand: (id: string) => void;
  onHover: (hover: { id: string; x: number; y: number } | null) => void;
};

const LARGE = 2000; // nodes from which edges hide while panning and labels thin out
// How often the drawing takes the layout's positions while it runs, by node count. A big graph's
// frame can cost seconds on a software renderer (no GPU), and the worker only iterates between
// frames; from MEDIUM nodes on, links are not drawn until the layout stops.
const MEDIUM = 800;
const syncInterval = (order: number) => (order < MEDIUM ? 250 : order < LARGE ? 1000 : 5000);

function sizeNodes(graph: TLinkageGraph) {
  graph.updateEachNodeAttributes((id, a) => ({ ...a, size: nodeSize(graph.degree(id), a.bridge, graph.order) }), {
    attributes: ["size"],
  });
}

export class GraphRenderer {
  readonly graph: TLinkageGraph;
  private readonly sigma: Sigma<TNodeAttributes, TEdgeAttributes, object, TNodeState>;
  private layout: FA2LayoutSupervisor | null = null;
  private layoutGraph: TLinkageGraph | null = null; // positions only: the worker's graph
  private syncTimer: ReturnType<typeof setInterval> | null = null;
  private iterationsLeft = 0;
  private edgesSuspended = false;
  private filters: TGraphFilters = NO_FILTERS;
  private selected: string | null = null;
  private highlighted: { nodes: string[]; edges: string[] } = { nodes: [], edges: [] };
  private seed: number;

  constructor(
    container: HTMLElement,
    payload: TGraphPayload,
    private readonly events: TRendererEvents,
  ) {
    this.seed = payload.seed;
    this.graph = payloadToGraph(payload);
    placeNewNodes(this.graph, this.seed);
    sizeNodes(this.graph);
    performance.mark("graph-data-ready");
    this.sigma = new Sigma(
      this.graph,
      container,
      sigmaOptions(this.graph.order >= LARGE, () => this.edgesSuspended),
    );
    performance.mark("graph-renderer-ready");
    this.sigma.on("clickNode", ({ node }) => this.select(node, { notify: true }));
    this.sigma.on("clickStage", () => this.select(null, { notify: true }));
    this.sigma.on("doubleClickNode", (e) => {
      e.preventSigmaDefault();
      events.onExpand(e.node);
    });
    this.sigma.on("enterNode", ({ node, event }) => events.onHover({ id: node, x: event.x, y: event.y }));
    this.sigma.on("leaveNode", () => events.onHover(null));
    // The constructor drew the first frame. Report it once its pixels exist (a 1-pixel read waits
    // for the GPU to finish the draw calls), after this constructor returns; then lay out.
    const gl = this.sigma.getWebGLContext();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
    queueMicrotask(() => {
      events.onFirstRender();
      this.startLayout();
    });
  }

  /**
   * Runs ForceAtlas2 in a web worker for `iterations` steps, then stops by itself. The worker
   * moves a positions-only copy of the graph; the drawing follows on a timer (syncInterval), so a
   * slow frame (thousands of links on a software renderer) does not hold back the iterations.
   */
  startLayout(iterations = layoutIterations(this.graph.order)) {
    this.stopLayout();
    if (this.graph.order < 2) return this.events.onLayout("done");
    this.iterationsLeft = iterations;
    const layoutGraph = this.graph.emptyCopy();
    this.graph.forEachNode((id, a) => layoutGraph.mergeNodeAttributes(id, { x: a.x, y: a.y }));
    this.graph.forEachEdge((id, a, source, target) => layoutGraph.addEdgeWithKey(id, source, target, a));
    layoutGraph.on("eachNodeAttributesUpdated", this.countIteration);
    this.layoutGraph = layoutGraph;
    this.layout = new FA2LayoutSupervisor(layoutGraph, {
      settings: inferSettings(layoutGraph),
      getEdgeWeight: "weight",
    });
    this.layout.start();
    this.syncTimer = setInterval(this.syncPositions, syncInterval(this.graph.order));
    this.suspendEdges(this.graph.order >= MEDIUM);
    this.events.onLayout("running");
  }

  /** Pauses the layout; `resumeLayout` continues with the iterations that were left. */
  pauseLayout() {
    if (!this.layout?.isRunning()) return;
    this.stopLayout();
    this.events.onLayout("paused");
  }

  resumeLayout() {
    this.startLayout(Math.max(this.iterationsLeft, 50));
  }

  private syncPositions = () => {
    const layoutGraph = this.layoutGraph;
    if (!layoutGraph) return;
    this.graph.updateEachNodeAttributes(
      (id, a) => {
        const at = layoutGraph.getNodeAttributes(id);
        return { ...a, x: at.x, y: at.y };
      },
      { attributes: ["x", "y"] },
    );
  };

  /** Stops the worker (kill, not stop: an idle supervisor respawns on graph changes) and syncs. */
  private stopLayout() {
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.syncTimer = null;
    this.syncPositions();
    this.layout?.kill();
    this.layout = null;
    this.layoutGraph = null;
    this.suspendEdges(false);
  }

  private suspendEdges(suspended: boolean) {
    if (this.edgesSuspended === suspended) return;
    this.edgesSuspended = suspended;
    this.sigma.refresh({ partialGraph: { edges: this.graph.edges() }, skipIndexation: true, schedule: true });
  }

  // One FA2 step writes every position once (updateEachNodeAttributes): count them.
  private countIteration = () => {
    if (!this.layout?.isRunning()) return;
    this.iterationsLeft -= 1;
    if (this.iterationsLeft > 0) return;
    // stop() now, so no later step is applied; kill once the supervisor's message handler returns.
    this.layout.stop();
    queueMicrotask(() => {
      this.stopLayout();
      this.events.onLayout("done");
    });
  };

  /**
   * Takes a new payload: existing nodes keep their positions, new ones start next to a
   * neighbour already drawn, gone ones leave; the layout runs again when something was added.
   */
  update(payload: TGraphPayload) {
    this.seed = payload.seed;
    this.stopLayout();
    const next = payloadToGraph(payload);
    const graph = this.graph;
    // Positions and sizes are worked out on `next` first: sigma draws a node as soon as it is added.
    next.forEachNode((id) => {
      if (graph.hasNode(id))
        next.mergeNodeAttributes(id, { x: graph.getNodeAttribute(id, "x"), y: graph.getNodeAttribute(id, "y") });
    });
    placeNewNodes(next, this.seed);
    sizeNodes(next);
    for (const id of graph.filterEdges((e) => !next.hasEdge(e))) graph.dropEdge(id);
    for (const id of graph.filterNodes((n) => !next.hasNode(n))) graph.dropNode(id);
    let added = 0;
    next.forEachNode((id, a) => {
      if (graph.hasNode(id)) {
        graph.mergeNodeAttributes(id, a);
      } else {
        graph.addNode(id, a);
        added += 1;
      }
    });
    next.forEachEdge((id, a, source, target) => {
      if (graph.hasEdge(id)) graph.mergeEdgeAttributes(id, a);
      else graph.addEdgeWithKey(id, source, target, a);
    });
    if (this.selected !== null && !graph.hasNode(this.selected)) this.select(null, { notify: true });
    this.applyFilters();
    this.highlight();
    if (added > 0) this.startLayout(Math.min(layoutIterations(graph.order), 150));
  }

  setFilters(filters: TGraphFilters) {
    this.filters = filters;
    return this.applyFilters();
  }

  private applyFilters() {
    const shown = shownItems(this.graph, this.filters);
    const hiddenNodes = this.graph.filterNodes((id) => !shown.nodes.has(id));
    const hiddenEdges = this.graph.filterEdges((id) => !shown.edges.has(id));
    this.sigma.setNodesState([...shown.nodes], { isHidden: false });
    this.sigma.setNodesState(hiddenNodes, { isHidden: true });
    this.sigma.setEdgesState([...shown.edges], { isHidden: false });
    this.sigma.setEdgesState(hiddenEdges, { isHidden: true });
    return { shownNodes: shown.nodes.size, shownEdges: shown.edges.size };
  }

  /** Selects a node (or none) and highlights it with its neighbours and links. */
  select(id: string | null, { notify = false } = {}) {
    if (id !== null && !this.graph.hasNode(id)) id = null;
    if (this.selected !== null && this.graph.hasNode(this.selected))
      this.sigma.setNodeState(this.selected, { isSelected: false });
    this.selected = id;
    if (id !== null) this.sigma.setNodeState(id, { isSelected: true });
    this.highlight();
    if (notify) this.events.onSelect(id);
  }

  private highlight() {
    const alive = (ids: string[], has: (id: string) => boolean) => ids.filter(has);
    this.sigma.setNodesState(
      alive(this.highlighted.nodes, (n) => this.graph.hasNode(n)),
      { isHighlighted: false },
    );
    this.sigma.setEdgesState(
      alive(this.highlighted.edges, (e) => this.graph.hasEdge(e)),
      { isHighlighted: false },
    );
    const id = this.selected;
    this.highlighted =
      id === null
        ? { nodes: [], edges: [] }
        : { nodes: [id, ...this.graph.neighbors(id)], edges: this.graph.edges(id) };
    this.sigma.setNodesState(this.highlighted.nodes, { isHighlighted: true });
    this.sigma.setEdgesState(this.highlighted.edges, { isHighlighted: true });
  }

  /** Selects a node and moves the camera to it (the keyboard and search path). */
  focus(id: string) {
    this.select(id, { notify: true });
    const at = this.sigma.getNodeDisplayData(id);
    if (at) void this.sigma.getCamera().animate({ x: at.x, y: at.y, ratio: 0.25 }, { duration: 400 });
  }

  zoomIn = () => void this.sigma.getCamera().zoomIn({ duration: 200 });
  zoomOut = () => void this.sigma.getCamera().zoomOut({ duration: 200 });
  resetCamera = () => void this.sigma.getCamera().reset({ duration: 300 });

  pan(dx: number, dy: number) {
    const camera = this.sigma.getCamera();
    const state = camera.getState();
    void camera.animate({ x: state.x + dx * state.ratio, y: state.y + dy * state.ratio }, { duration: 150 });
  }

  /**
   * The picture as on screen, on white, as PNG. The stage is a WebGL canvas without a preserved
   * drawing buffer, so it is copied in the same task as a synchronous render.
   */
  async toPng(): Promise<Blob> {
    const stage = this.sigma.getStageCanvas();
    const out = document.createElement("canvas");
    out.width = stage.width;
    out.height = stage.height;
    const ctx = out.getContext("2d");
    if (!ctx) throw new Error("No 2D canvas for the PNG export.");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    this.sigma.refresh();
    ctx.drawImage(stage, 0, 0);
    return new Promise((resolve, reject) =>
      out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG encoding failed."))), "image/png"),
    );
  }

  kill() {
    this.stopLayout();
    this.sigma.kill();
  }
}
