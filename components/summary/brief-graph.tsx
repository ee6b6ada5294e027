import type { TBriefGraph } from "@/lib/summary/layout";

const SIZE = 220;

/** The main cluster as a small static picture: accounts (blue circles) inside, ties (orange squares) around. */
export function BriefGraph({ graph }: { graph: TBriefGraph }) {
  return (
    <figure aria-labelledby="brief-graph-title" className="break-inside-avoid">
      <figcaption id="brief-graph-title" className="mb-1 text-sm font-semibold">
        Main cluster: {graph.accounts} accounts, {graph.nodeCount} entities
        {graph.nodeCount > graph.nodes.length ? ` (first ${graph.nodes.length} shown)` : ""}
      </figcaption>
      <svg
        viewBox={`0 0 ${SIZE} ${SIZE}`}
        width={SIZE}
        height={SIZE}
        role="img"
        aria-label={`Graph of the main cluster: ${graph.nodes.length} entities and ${graph.edges.length} links`}
      >
        {graph.edges.map((e, i) => (
          <line
            key={i}
            x1={e.x1 * SIZE}
            y1={e.y1 * SIZE}
            x2={e.x2 * SIZE}
            y2={e.y2 * SIZE}
            stroke="#94a3b8"
            strokeWidth={e.confidence >= 67 ? 1.5 : 0.8}
          />
        ))}
        {graph.nodes.map((n) =>
          n.kind === "ACCOUNT" ? (
            <circle key={n.id} cx={n.x * SIZE} cy={n.y * SIZE} r={5} fill="#0072b2">
              <title>{`${n.kind}: ${n.label}`}</title>
            </circle>
          ) : (
            <rect key={n.id} x={n.x * SIZE - 4} y={n.y * SIZE - 4} width={8} height={8} fill="#e69f00">
              <title>{`${n.kind}: ${n.label}`}</title>
            </rect>
          ),
        )}
      </svg>
    </figure>
  );
}
