import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ReleaseBadge } from "@/components/releases/item-release";
import { formatSize, IntegrityBadge, KindBadge } from "@/components/evidence/evidence-badges";
import type { TEvidenceRow } from "@/lib/evidence/queries";
import { InertText } from "@/components/ui/inert-text";

export function EvidenceTable({ caseId, items }: { caseId: string; items: TEvidenceRow[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            <th className="px-3 py-2">Title</th>
            <th className="px-3 py-2">Kind</th>
            <th className="px-3 py-2">Organisation</th>
            <th className="px-3 py-2">Size</th>
            <th className="px-3 py-2">Integrity</th>
            <th className="px-3 py-2">Added</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((e) => (
            <tr key={e.id}>
              <td className="px-3 py-2">
                <Link href={`/cases/${caseId}/evidence/${e.id}`} className="text-brand-700 font-medium hover:underline">
                  <InertText text={e.title} />
                </Link>
                <div className="flex flex-wrap gap-1 pt-1 text-xs text-slate-500">
                  <span className="font-mono">
                    <InertText text={e.fileName} />
                  </span>
                  {e.privileged && <Badge tone="orange">Privileged</Badge>}
                  <ReleaseBadge state={e.releaseState} orgName={e.orgName} />
                  {e.deleted && <Badge tone="red">Deleted</Badge>}
                  {e.tags.map((t) => (
                    <Badge key={t}>{t}</Badge>
                  ))}
                </div>
              </td>
              <td className="px-3 py-2">
                <KindBadge kind={e.kind} />
              </td>
              <td className="px-3 py-2">{e.orgName}</td>
              <td className="px-3 py-2 whitespace-nowrap">{formatSize(e.size)}</td>
              <td className="px-3 py-2">
                <IntegrityBadge integrity={e.integrity} />
              </td>
              <td className="px-3 py-2 whitespace-nowrap text-slate-600">
                {e.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                <div className="text-xs">{e.addedByName}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
