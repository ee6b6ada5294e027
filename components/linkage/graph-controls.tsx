"use client";

import { useId, useMemo, useState } from "react";
import {
  BAND_STYLE,
  BRIDGE_RING_COLOUR,
  ENTITY_STYLE,
  LINK_STYLE,
  type TNodeShape,
} from "@/components/linkage/graph-theme";
import { CONFIDENCE_BANDS, bandFloor } from "@/lib/linkage/confidence";
import type { TGraphFilters } from "@/lib/linkage/graph-filter";
import { ENTITY_KINDS, LINK_KINDS, type TEntityKind, type TGraphNode } from "@/lib/linkage/graph-types";

const toggle = <T,>(list: readonly T[], item: T) =>
  list.includes(item) ? list.filter((x) => x !== item) : [...list, item];

/** The shape of an entity kind as a small SVG, the same shapes the canvas draws. */
export function KindGlyph({ shape, colour, ring = false }: { shape: TNodeShape; colour: string; ring?: boolean }) {
  const stroke = ring ? { stroke: BRIDGE_RING_COLOUR, strokeWidth: 2.5 } : {};
  const body = {
    circle: <circle cx="8" cy="8" r="6" fill={colour} {...stroke} />,
    square: <rect x="2" y="2" width="12" height="12" rx="2" fill={colour} {...stroke} />,
    triangle: <polygon points="8,1.5 14.5,14 1.5,14" fill={colour} {...stroke} />,
    diamond: <polygon points="8,1 15,8 8,15 1,8" fill={colour} {...stroke} />,
    rectangle: <rect x="1" y="4" width="14" height="8" rx="1" fill={colour} {...stroke} />,
  }[shape];
  return (
    <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16" className="shrink-0">
      {body}
    </svg>
  );
}

/**
 * Filters, doubling as the legend: each entity kind with its shape, colour and name (only the
 * kinds present), each link kind with its colour, and the confidence bands with their stroke.
 */
export function GraphFilters({
  filters,
  onChange,
  presentKinds,
}: {
  filters: TGraphFilters;
  onChange: (filters: TGraphFilters) => void;
  presentKinds: ReadonlySet<TEntityKind>;
}) {
  const confidenceId = useId();
  return (
    <div className="space-y-4 text-sm">
      <fieldset>
        <legend className="mb-1 font-medium text-slate-900">Entities</legend>
        {ENTITY_KINDS.filter((k) => presentKinds.has(k)).map((kind) => (
          <label key={kind} className="flex items-center gap-2 py-0.5">
            <input
              type="checkbox"
              checked={!filters.hiddenNodeKinds.includes(kind)}
              onChange={() => onChange({ ...filters, hiddenNodeKinds: toggle(filters.hiddenNodeKinds, kind) })}
            />
            <KindGlyph shape={ENTITY_STYLE[kind].shape} colour={ENTITY_STYLE[kind].colour} />
            {ENTITY_STYLE[kind].label}
          </label>
        ))}
        <p className="mt-1 flex items-center gap-2 text-slate-600">
          <KindGlyph shape="circle" colour="#ffffff" ring /> Dark ring: bridge between groups
        </p>
      </fieldset>
      <fieldset>
        <legend className="mb-1 font-medium text-slate-900">Links</legend>
        {LINK_KINDS.map((kind) => (
          <label key={kind} className="flex items-center gap-2 py-0.5">
            <input
              type="checkbox"
              checked={!filters.hiddenLinkKinds.includes(kind)}
              onChange={() => onChange({ ...filters, hiddenLinkKinds: toggle(filters.hiddenLinkKinds, kind) })}
            />
            <span
              aria-hidden="true"
              className="h-1 w-5 shrink-0 rounded"
              style={{ background: LINK_STYLE[kind].colour }}
            />
            {LINK_STYLE[kind].label}
          </label>
        ))}
      </fieldset>
      <div>
        <label htmlFor={confidenceId} className="mb-1 block font-medium text-slate-900">
          Lowest confidence
        </label>
        <select
          id={confidenceId}
          value={filters.minConfidence}
          onChange={(e) => onChange({ ...filters, minConfidence: Number(e.target.value) })}
          className="w-full rounded-md border border-slate-300 px-2 py-1"
        >
          {/* A floor between the bands (the page's own, from the address) is offered as it is. */}
          {!CONFIDENCE_BANDS.some((band) => bandFloor(band) === filters.minConfidence) && (
            <option value={filters.minConfidence}>{filters.minConfidence} and above</option>
          )}
          {CONFIDENCE_BANDS.map((band) => (
            <option key={band} value={bandFloor(band)}>
              {BAND_STYLE[band].label} and above
            </option>
          ))}
        </select>
        <ul className="mt-2 space-y-1 text-slate-600">
          {CONFIDENCE_BANDS.map((band) => (
            <li key={band} className="flex items-center gap-2">
              <svg aria-hidden="true" width="24" height="8">
                <line
                  x1="0"
                  y1="4"
                  x2="24"
                  y2="4"
                  stroke="#334155"
                  strokeWidth={BAND_STYLE[band].size * 1.5}
                  strokeDasharray={BAND_STYLE[band].dashed ? "4 3" : undefined}
                />
              </svg>
              {BAND_STYLE[band].label}
              {BAND_STYLE[band].dashed ? ", dashed" : ""}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

const MAX_RESULTS = 20;

/** Finds a node by its label or kind and focuses it: the keyboard way into the canvas. */
export function NodeFinder({ nodes, onPick }: { nodes: readonly TGraphNode[]; onPick: (id: string) => void }) {
  const inputId = useId();
  const listId = useId();
  const [query, setQuery] = useState("");
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    return nodes.filter(
      (n) => n.label.toLowerCase().includes(q) || ENTITY_STYLE[n.kind].label.toLowerCase().includes(q),
    );
  }, [nodes, query]);
  return (
    <div className="text-sm">
      <label htmlFor={inputId} className="mb-1 block font-medium text-slate-900">
        Find an entity
      </label>
      <input
        id={inputId}
        type="search"
        value={query}
        aria-controls={listId}
        placeholder="Label or kind, e.g. acct_17"
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && matches[0]) onPick(matches[0].id);
        }}
        className="w-full rounded-md border border-slate-300 px-2 py-1"
      />
      <ul id={listId} aria-label="Matching entities" className="mt-1 max-h-56 overflow-y-auto">
        {matches.slice(0, MAX_RESULTS).map((n) => (
          <li key={n.id}>
            <button
              type="button"
              onClick={() => onPick(n.id)}
              aria-label={`${n.label}, ${ENTITY_STYLE[n.kind].label}${n.bridge ? ", bridge" : ""}`}
              className="flex w-full items-center gap-2 rounded px-1 py-0.5 text-left hover:bg-slate-100"
            >
              <KindGlyph shape={ENTITY_STYLE[n.kind].shape} colour={ENTITY_STYLE[n.kind].colour} ring={n.bridge} />
              <span className="truncate">{n.label}</span>
              <span className="ml-auto text-slate-500">{ENTITY_STYLE[n.kind].label}</span>
            </button>
          </li>
        ))}
      </ul>
      {matches.length > MAX_RESULTS ? (
        <p className="text-slate-500">{matches.length - MAX_RESULTS} more match; type more to narrow the list.</p>
      ) : null}
    </div>
  );
}
