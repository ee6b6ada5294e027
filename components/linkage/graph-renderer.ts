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

function sizeNodes(graph: TLinkageGraph) {
  graph.updateEachNodeAttributes((id, a) => ({ ...a, size: nodeSize(graph.degree(id), a.bridge) }), {
    attributes: ["size"],
  });
}

export class GraphRenderer {
  readonly graph: TLinkageGraph;
  private readonly sigma: Sigma<TNodeAttributes, TEdgeAttributes, object, TNodeState>;
  private layout: FA2LayoutSupervisor | null = null;
  private iterationsLeft = 0;
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
    this.sigma = new Sigma(this.graph, container, sigmaOptions(this.graph.order >= LARGE));
    // Reported after the constructor returns (the first frame is drawn inside it), then laid out.
    this.sigma.once("afterRender", () =>
      queueMicrotask(() => {
        events.onFirstRender();
        this.startLayout();
      }),
    );
    this.sigma.on("clickNode", ({ node }) => this.select(node, { notify: true }));
    this.sigma.on("clickStage", () => this.select(null, { notify: true }));
    this.sigma.on("doubleClickNode", (e) => {
      e.preventSigmaDefault();
      events.onExpand(e.node);
    });
    this.sigma.on("enterNode", ({ node, event }) => events.onHover({ id: node, x: event.x, y: event.y }));
    this.sigma.on("leaveNode", () => events.onHover(null));
    this.graph.on("eachNodeAttributesUpdated", this.countIteration);
    this.sigma.refresh(); // the first frame now, not at the next animation frame
  }

  /** Runs ForceAtlas2 in a web worker for `iterations` steps, then stops by itself. */
  startLayout(iterations = layoutIterations(this.graph.order)) {
    this.stopLayout();
    if (this.graph.order < 2) return this.events.onLayout("done");
    this.iterationsLeft = iterations;
    this.layout = new FA2LayoutSupervisor(this.graph, {
      settings: inferSettings(this.graph),
      getEdgeWeight: "weight",
    });
    this.layout.start();
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

  private stopLayout() {
    this.layout?.kill(); // kill, not stop: an idle supervisor would respawn its worker on graph changes
    this.layout = null;
  }

  // One FA2 step writes every position once (graph.updateEachNodeAttributes): count them.
  private countIteration = () => {
    if (!this.layout?.isRunning()) return;
    this.iterationsLeft -= 1;
    if (this.iterationsLeft > 0) return;
    // stop() now, so no later step is applied; kill once the supervisor's message handler returns.
    this.layout.stop();
    queueMicrotask(() => this.stopLayout());
    this.events.onLayout("done");
  };

  /**
   * Takes a new payload: existing nodes keep their positions, new ones start next to a
   * neighbour already drawn, gone ones leave; the layout runs again when something was added.
   */
  update(payload: TGraphPayload) {
    this.seed = payload.seed;
    const next = payloadToGraph(payload);
    const graph = this.graph;
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
    placeNewNodes(graph, this.seed);
    sizeNodes(graph);
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
    this.graph.off("eachNodeAttributesUpdated", this.countIteration);
    this.sigma.kill();
  }
}
