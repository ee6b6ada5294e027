// The page the graph benchmark and tests/e2e/graph-view.spec.ts open: the graph view alone, fed
// /payload.json, with readouts of its callbacks. "Expand" adds two made-up neighbours, so the
// merge path (positions kept, new nodes placed) runs in a real browser.
import { useCallback, useState } from "react";
import { createRoot } from "react-dom/client";
import { GraphView } from "@/components/linkage/graph-view";
import type { TGraphPayload } from "@/lib/linkage/graph-types";

function Harness({ initial }: { initial: TGraphPayload }) {
  const [payload, setPayload] = useState(initial);
  const [selected, setSelected] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<string[]>([]);
  const onExpandNode = useCallback((id: string) => {
    setExpanded((list) => [...list, id]);
    setPayload((p) => {
      const n = p.nodes.length;
      const added = [0, 1].map((i) => ({
        id: `${id}-x${n + i}`,
        kind: "EMAIL" as const,
        label: `new${n + i}@example.com`,
      }));
      return {
        ...p,
        nodes: [...p.nodes, ...added],
        edges: [
          ...p.edges,
          ...added.map((a, i) => ({
            id: `e-${a.id}`,
            source: id,
            target: a.id,
            kind: "OTHER" as const,
            confidence: 50 + i,
            provenance: "manual",
          })),
        ],
      };
    });
  }, []);
  return (
    <main style={{ padding: 16, fontFamily: "system-ui, sans-serif" }}>
      <GraphView payload={payload} onSelectNode={setSelected} onExpandNode={onExpandNode} height={600} />
      <p data-testid="selected-readout">Selected: {selected ?? "none"}</p>
      <p data-testid="expanded-readout">Expanded: {expanded.join(", ") || "none"}</p>
    </main>
  );
}

const response = await fetch("/payload.json");
const payload = (await response.json()) as TGraphPayload;
createRoot(document.getElementById("root")!).render(<Harness initial={payload} />);
