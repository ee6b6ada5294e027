"use client";

import { useEffect, useId, useMemo, useRef, useState } from "react";
import { GraphFilters, NodeFinder } from "@/components/linkage/graph-controls";
import type { GraphRenderer, TLayoutState } from "@/components/linkage/graph-renderer";
import { ENTITY_STYLE } from "@/components/linkage/graph-theme";
import { SelectedEntity, nodeDetails, type TNodeDetails } from "@/components/linkage/selected-entity";
import { Button } from "@/components/ui/button";
import { graphToGexf, graphToGraphml, subgraph } from "@/lib/linkage/graph-export";
import { NO_FILTERS, shownItems, type TGraphFilters } from "@/lib/linkage/graph-filter";
import type { TGraphPayload } from "@/lib/linkage/graph-types";

export type GraphViewProps = {
  /** The graph to draw. A new object is a new graph to merge in: memoize it between renders. */
  payload: TGraphPayload;
  /** A node was selected (click, search, keyboard) or the selection cleared (null). */
  onSelectNode?: (id: string | null) => void;
  /** "Expand neighbours" on a node (button or double-click): fetch them and pass a merged payload. */
  onExpandNode?: (id: string) => void;
  /** Accessible name of the graph. */
  label?: string;
  /** Height of the drawing in CSS pixels. */
  height?: number;
  /** Base name of downloaded files (.png, .gexf, .graphml). */
  fileName?: string;
};

function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const PAN_STEP = 0.1;

/**
 * The linkage graph: sigma (WebGL) on graphology, laid out by ForceAtlas2 in a web worker from
 * seeded positions, with filters, legend, search, zoom, selection, expansion and exports. Safe
 * to render on the server: sigma is imported in an effect. When the first frame is drawn the
 * canvas wrapper gets data-rendered="true" and the page a performance mark "graph-first-render".
 */
export function GraphView({
  payload,
  onSelectNode,
  onExpandNode,
  label = "Linkage graph",
  height = 560,
  fileName = "linkage-graph",
}: GraphViewProps) {
  const helpId = useId();
  const canvasRef = useRef<HTMLDivElement>(null);
  const surfaceRef = useRef<HTMLDivElement>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);
  const rendererRef = useRef<GraphRenderer | null>(null);
  const payloadRef = useRef(payload);
  const callbacks = useRef({ onSelectNode, onExpandNode });
  const [layout, setLayout] = useState<TLayoutState | "loading">("loading");
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [filters, setFilters] = useState<TGraphFilters>(NO_FILTERS);
  const [counts, setCounts] = useState({
    nodes: payload.nodes.length,
    edges: payload.edges.length,
    shownNodes: 0,
    shownEdges: 0,
  });
  const [selected, setSelected] = useState<TNodeDetails | null>(null);
  const presentKinds = useMemo(() => new Set(payload.nodes.map((n) => n.kind)), [payload]);

  useEffect(() => {
    callbacks.current = { onSelectNode, onExpandNode };
  }, [onSelectNode, onExpandNode]);

  // Mount once: load sigma in the browser only, draw, then lay out.
  useEffect(() => {
    let cancelled = false;
    const surface = surfaceRef.current!;
    void import("@/components/linkage/graph-renderer")
      .then(({ GraphRenderer }) => {
        if (cancelled) return;
        performance.mark("graph-module-loaded");
        const renderer: GraphRenderer = new GraphRenderer(canvasRef.current!, payloadRef.current, {
          onFirstRender: () => {
            surface.dataset.rendered = "true";
            performance.mark("graph-first-render");
          },
          onLayout: (state) => {
            surface.dataset.layout = state;
            setLayout(state);
          },
          onSelect: (id) => {
            setSelected(id === null ? null : nodeDetails(renderer.graph, id));
            callbacks.current.onSelectNode?.(id);
          },
          onExpand: (id) => callbacks.current.onExpandNode?.(id),
          onHover: (hover) => {
            const tip = tooltipRef.current!;
            tip.hidden = hover === null;
            if (hover === null) return;
            const a = renderer.graph.getNodeAttributes(hover.id);
            tip.textContent = `${a.label} · ${ENTITY_STYLE[a.kind].label}${a.bridge ? " · bridge" : ""} · ${renderer.graph.degree(hover.id)} links`;
            tip.style.transform = `translate(${hover.x + 12}px, ${hover.y + 12}px)`;
          },
        });
        rendererRef.current = renderer;
        setReady(true);
        setCounts({ nodes: renderer.graph.order, edges: renderer.graph.size, ...renderer.setFilters(NO_FILTERS) });
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setError(e instanceof Error ? e.message : String(e));
        setLayout("done");
      });
    return () => {
      cancelled = true;
      rendererRef.current?.kill();
      rendererRef.current = null;
    };
  }, []);

  // A new payload (e.g. after "Expand"): merge it, keeping the positions already laid out.
  useEffect(() => {
    if (payloadRef.current === payload) return;
    payloadRef.current = payload;
    const renderer = rendererRef.current;
    if (!renderer) return;
    renderer.update(payload);
    setCounts({ nodes: renderer.graph.order, edges: renderer.graph.size, ...renderer.setFilters(filters) });
    setSelected((s) => (s && renderer.graph.hasNode(s.id) ? nodeDetails(renderer.graph, s.id) : null));
  }, [payload, filters]);

  function changeFilters(next: TGraphFilters) {
    setFilters(next);
    const renderer = rendererRef.current;
    if (renderer) setCounts((c) => ({ ...c, ...renderer.setFilters(next) }));
  }

  function exportGraph(format: "gexf" | "graphml") {
    const renderer = rendererRef.current;
    if (!renderer) return;
    const shown = shownItems(renderer.graph, filters);
    const visible = subgraph(
      renderer.graph,
      (id) => shown.nodes.has(id),
      (id) => shown.edges.has(id),
    );
    const xml = format === "gexf" ? graphToGexf(visible) : graphToGraphml(visible);
    download(new Blob([xml], { type: "application/xml" }), `${fileName}.${format}`);
  }

  async function exportPng() {
    const renderer = rendererRef.current;
    if (renderer) download(await renderer.toPng(), `${fileName}.png`);
  }

  function onKeyDown(e: React.KeyboardEvent) {
    const r = rendererRef.current;
    if (!r) return;
    const actions: Record<string, () => void> = {
      "+": r.zoomIn,
      "=": r.zoomIn,
      "-": r.zoomOut,
      "0": r.resetCamera,
      ArrowLeft: () => r.pan(-PAN_STEP, 0),
      ArrowRight: () => r.pan(PAN_STEP, 0),
      ArrowUp: () => r.pan(0, PAN_STEP),
      ArrowDown: () => r.pan(0, -PAN_STEP),
      Escape: () => r.select(null, { notify: true }),
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  }

  return (
    <section aria-label={label} className="grid gap-4 lg:grid-cols-[16rem_1fr]">
      <aside className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
        <NodeFinder nodes={payload.nodes} onPick={(id) => rendererRef.current?.focus(id)} />
        <GraphFilters filters={filters} onChange={changeFilters} presentKinds={presentKinds} />
      </aside>
      <div className="min-w-0 space-y-2">
        <div role="toolbar" aria-label="Graph controls" className="flex flex-wrap items-center gap-2">
          <Button
            variant="secondary"
            onClick={() => rendererRef.current?.zoomIn()}
            disabled={!ready}
            aria-label="Zoom in"
          >
            +
          </Button>
          <Button
            variant="secondary"
            onClick={() => rendererRef.current?.zoomOut()}
            disabled={!ready}
            aria-label="Zoom out"
          >
            −
          </Button>
          <Button variant="secondary" onClick={() => rendererRef.current?.resetCamera()} disabled={!ready}>
            Reset view
          </Button>
          {layout === "running" ? (
            <Button variant="secondary" onClick={() => rendererRef.current?.pauseLayout()}>
              Stop layout
            </Button>
          ) : layout === "paused" || layout === "done" ? (
            <Button variant="secondary" onClick={() => rendererRef.current?.resumeLayout()} disabled={!ready}>
              {layout === "paused" ? "Resume layout" : "Run layout again"}
            </Button>
          ) : null}
          <span className="ml-auto flex gap-2">
            <Button variant="secondary" onClick={() => void exportPng()} disabled={!ready}>
              PNG
            </Button>
            <Button variant="secondary" onClick={() => exportGraph("gexf")} disabled={!ready}>
              GEXF
            </Button>
            <Button variant="secondary" onClick={() => exportGraph("graphml")} disabled={!ready}>
              GraphML
            </Button>
          </span>
        </div>
        <div
          ref={surfaceRef}
          tabIndex={0}
          role="application"
          aria-roledescription="graph"
          aria-label={`${label}: ${counts.shownNodes} entities, ${counts.shownEdges} links`}
          aria-describedby={helpId}
          onKeyDown={onKeyDown}
          data-rendered="false"
          className="focus-visible:ring-brand-600 relative overflow-hidden rounded-lg border border-slate-200 bg-white focus:outline-none focus-visible:ring-2"
          style={{ position: "relative", height }}
        >
          <div ref={canvasRef} style={{ position: "absolute", inset: 0 }} />
          <div
            ref={tooltipRef}
            role="tooltip"
            hidden
            className="pointer-events-none absolute top-0 left-0 z-10 rounded bg-slate-900 px-2 py-1 text-xs text-white"
          />
          {layout === "loading" || layout === "running" ? (
            <p role="status" className="absolute top-2 left-2 rounded bg-white/90 px-2 py-1 text-xs text-slate-700">
              {layout === "loading" ? "Drawing…" : "Laying out…"}
            </p>
          ) : null}
          {error ? (
            <p role="alert" className="absolute inset-x-4 top-4 rounded bg-amber-50 p-3 text-sm text-amber-900">
              The graph cannot be drawn in this browser ({error}). Find entities with the search instead.
            </p>
          ) : null}
        </div>
        <p id={helpId} className="sr-only">
          Plus and minus zoom, 0 resets the view, arrow keys pan, Escape clears the selection. Use “Find an entity” to
          select a node by name.
        </p>
        <p role="status" className="text-sm text-slate-600">
          Showing {counts.shownNodes.toLocaleString("en")} of {counts.nodes.toLocaleString("en")} entities and{" "}
          {counts.shownEdges.toLocaleString("en")} of {counts.edges.toLocaleString("en")} links (links between the same
          two entities share one line)
        </p>
        {selected ? <SelectedEntity details={selected} onExpand={onExpandNode} /> : null}
      </div>
    </section>
  );
}
