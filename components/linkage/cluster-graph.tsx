"use client";

import Link from "next/link";
import { useCallback, useState } from "react";
import { GraphView } from "@/components/linkage/graph-view";
import type { TGraphPayload } from "@/lib/linkage/graph-types";

/** Adds the neighbours of `more` to `base`, keeping every node and edge once. */
function mergePayload(base: TGraphPayload, more: TGraphPayload): TGraphPayload {
  const nodes = new Map(base.nodes.map((n) => [n.id, n]));
  for (const n of more.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const edges = new Map(base.edges.map((e) => [e.id, e]));
  for (const e of more.edges) if (!edges.has(e.id)) edges.set(e.id, e);
  return { ...base, nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** A cluster's graph: the graph view, its "expand" fetching neighbours, and the selected entity's page. */
export function ClusterGraph({
  caseId,
  initial,
  minConfidence,
  fileName,
}: {
  caseId: string;
  initial: TGraphPayload;
  minConfidence: number;
  fileName: string;
}) {
  const [payload, setPayload] = useState(initial);
  const [selected, setSelected] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const expand = useCallback(
    async (id: string) => {
      setStatus("Fetching neighbours…");
      const response = await fetch(`/api/cases/${caseId}/linkages/entities/${id}/graph?minConfidence=${minConfidence}`);
      if (!response.ok) {
        setStatus("Could not fetch the neighbours; try again.");
        return;
      }
      const merged = mergePayload(payload, (await response.json()) as TGraphPayload);
      const added = merged.nodes.length - payload.nodes.length;
      setPayload(merged);
      setStatus(added ? `${added} neighbour(s) added.` : "No more neighbours at this confidence.");
    },
    [caseId, minConfidence, payload],
  );
  return (
    <div className="space-y-2">
      <GraphView
        payload={payload}
        onSelectNode={setSelected}
        onExpandNode={expand}
        label="Cluster graph"
        fileName={fileName}
      />
      <p role="status" aria-live="polite" className="text-sm text-slate-600">
        {status}
        {selected && (
          <Link href={`/cases/${caseId}/linkages/entities/${selected}`} className="text-brand-700 ml-2 hover:underline">
            Open the selected entity&apos;s page
          </Link>
        )}
      </p>
    </div>
  );
}
