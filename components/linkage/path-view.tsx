import Link from "next/link";
import { ConfidenceBadge, LINK_KIND_LABELS, provenanceLabel } from "@/components/linkage/labels";
import type { TPathView } from "@/lib/linkage/queries";

/** A path as hops, each with its link (why, how sure) and the evidence behind it. */
export function PathView({ caseId, path }: { caseId: string; path: NonNullable<TPathView> }) {
  const base = `/cases/${caseId}/linkages`;
  if (!path.hops.length) return <p className="mt-3 text-sm">These are one entity.</p>;
  return (
    <ol className="mt-4 space-y-2" aria-label={`Path from ${path.from.value} to ${path.to.value}`}>
      {path.hops.map((hop, i) => (
        <li key={hop.link.id} className="rounded-md border border-slate-200 p-3 text-sm">
          <p>
            <span className="mr-2 text-xs text-slate-500">Hop {i + 1}</span>
            <Link href={`${base}/entities/${hop.from.id}`} className="font-mono text-xs hover:underline">
              {hop.from.value}
            </Link>
            <span className="mx-2 text-slate-600">— {LINK_KIND_LABELS[hop.link.kind].toLowerCase()} —</span>
            <Link href={`${base}/entities/${hop.to.id}`} className="font-mono text-xs hover:underline">
              {hop.to.value}
            </Link>
          </p>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
            <ConfidenceBadge confidence={hop.link.confidence} />
            {provenanceLabel(hop.link.provenance)}
            <Link href={`${base}/links/${hop.link.id}`} className="text-brand-700 hover:underline">
              Why do we believe this?
            </Link>
          </p>
          {hop.support.length > 0 && (
            <p className="mt-1 text-xs text-slate-600">
              Evidence:{" "}
              {hop.support.map((s, j) => (
                <span key={j}>
                  {j > 0 && ", "}
                  {s.evidence ? (
                    <Link href={`/cases/${caseId}/evidence/${s.evidence.id}`} className="hover:underline">
                      {s.evidence.title}
                    </Link>
                  ) : (
                    "a usage import"
                  )}
                  {s.rows > 0 && ` (${s.rows.toLocaleString("en")} requests)`}
                </span>
              ))}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}
