import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ReleaseBadge } from "@/components/releases/item-release";
import { formatBytes } from "@/lib/bytes";
import { IntegrityBadge, KindBadge } from "@/components/evidence/evidence-badges";
import { PrivilegedBadge, withheldKindLabel, WithheldBadge } from "@/components/privilege/withheld";
import type { TEvidenceRow } from "@/lib/evidence/queries";
import { InertText } from "@/components/ui/inert-text";
import type { TWithheld } from "@/lib/privilege/withhold";
import { utcLabel } from "@/lib/utc";

export function EvidenceTable({ caseId, items }: { caseId: string; items: (TEvidenceRow | TWithheld)[] }) {
  return (
    <div className="scroll-hint overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
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
          {items.map((e) =>
            "withheld" in e ? (
              <WithheldRow key={e.id} caseId={caseId} stub={e} />
            ) : (
              <tr key={e.id}>
                <td className="px-3 py-2">
                  <Link
                    href={`/cases/${caseId}/evidence/${e.id}`}
                    className="text-brand-700 font-medium hover:underline"
                  >
                    <InertText text={e.title} />
                  </Link>
                  <div className="flex flex-wrap gap-1 pt-1 text-xs text-slate-500">
                    <span className="font-mono">
                      <InertText text={e.fileName} />
                    </span>
                    {e.privileged && <PrivilegedBadge basis={e.privilegeBasis} />}
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
                <td className="px-3 py-2 whitespace-nowrap">{formatBytes(e.size)}</td>
                <td className="px-3 py-2">
                  <IntegrityBadge integrity={e.integrity} />
                </td>
                <td className="px-3 py-2 whitespace-nowrap text-slate-600">
                  {utcLabel(e.createdAt)}
                  <div className="text-xs">{e.addedByName}</div>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A withheld item: its id (the link opens its stub), date, kind and basis. Nothing else. */
function WithheldRow({ caseId, stub }: { caseId: string; stub: TWithheld }) {
  return (
    <tr>
      <td className="px-3 py-2">
        <Link href={`/cases/${caseId}/evidence/${stub.id}`} className="text-brand-700 font-medium hover:underline">
          Withheld item <span className="font-mono text-xs">{stub.id.slice(0, 8)}</span>
        </Link>
        <div className="pt-1">
          <WithheldBadge basis={stub.basis} />
        </div>
      </td>
      <td className="px-3 py-2">{withheldKindLabel(stub.kind)}</td>
      <td className="px-3 py-2 text-slate-500">—</td>
      <td className="px-3 py-2 text-slate-500">—</td>
      <td className="px-3 py-2 text-slate-500">—</td>
      <td className="px-3 py-2 whitespace-nowrap text-slate-600">{utcLabel(stub.date)}</td>
    </tr>
  );
}
