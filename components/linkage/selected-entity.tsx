"use client";

import { KindGlyph } from "@/components/linkage/graph-controls";
import { BAND_STYLE, ENTITY_STYLE, LINK_STYLE } from "@/components/linkage/graph-theme";
import { Button } from "@/components/ui/button";
import { confidenceBand } from "@/lib/linkage/confidence";
import type { TLinkageGraph } from "@/lib/linkage/graph-export";

const MAX_LINKS = 12;

export type TNodeDetails = ReturnType<typeof nodeDetails>;

/** What the view shows of a selected node: its attributes and its strongest links. */
export function nodeDetails(graph: TLinkageGraph, id: string) {
  const a = graph.getNodeAttributes(id);
  const links = graph.mapEdges(id, (edge, e, source, target) => {
    const other = source === id ? target : source;
    return { id: edge, other: graph.getNodeAttributes(other), ...e };
  });
  links.sort((x, y) => y.confidence - x.confidence);
  return { id, ...a, degree: links.length, links: links.slice(0, MAX_LINKS) };
}

/** The selected node in text: the accessible reading of the highlighted neighbourhood. */
export function SelectedEntity({ details, onExpand }: { details: TNodeDetails; onExpand?: (id: string) => void }) {
  const kind = ENTITY_STYLE[details.kind];
  return (
    <section aria-label="Selected entity" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <KindGlyph shape={kind.shape} colour={kind.colour} ring={details.bridge} />
        <h3 className="font-semibold text-slate-900">{details.label}</h3>
        <span className="text-slate-600">
          {kind.label}
          {details.bridge ? " · bridge between groups" : ""}
          {details.community === undefined ? "" : ` · community ${details.community}`} · {details.degree} links
        </span>
        {onExpand ? (
          <Button variant="secondary" className="ml-auto" onClick={() => onExpand(details.id)}>
            Expand neighbours
          </Button>
        ) : null}
      </div>
      {details.links.length > 0 ? (
        <ul className="mt-2 space-y-1 text-slate-700">
          {details.links.map((link) => (
            <li key={link.id}>
              {LINK_STYLE[link.kind].label} → {link.other.label} ({ENTITY_STYLE[link.other.kind].label}),{" "}
              {BAND_STYLE[confidenceBand(link.confidence)].label.split(" ")[0]?.toLowerCase()} confidence{" "}
              {link.confidence}, {link.provenance}
            </li>
          ))}
        </ul>
      ) : null}
      {details.degree > details.links.length ? (
        <p className="mt-1 text-slate-500">
          The {details.links.length} strongest of {details.degree} links.
        </p>
      ) : null}
    </section>
  );
}
