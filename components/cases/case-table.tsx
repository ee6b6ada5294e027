import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import type { TCaseListItem } from "@/lib/cases/queries";
import { EmptyState } from "@/components/ui/empty-state";
import { SeverityBadge, StatusBadge, TlpBadge, humanise } from "@/components/cases/case-badges";

export function CaseTable({ cases, filtered }: { cases: TCaseListItem[]; filtered?: boolean }) {
  if (cases.length === 0) {
    return filtered ? (
      <EmptyState title="No cases match these filters">Change or reset the filters above.</EmptyState>
    ) : (
      <EmptyState title="No cases yet">
        Cases you are a member of appear here. Ask a case lead to add you, or open a new case.
      </EmptyState>
    );
  }
  return (
    <DataTable caption="Your cases" columns={["Case", "Status", "Severity", "TLP", "Owner", "Your role", "Updated"]}>
      {cases.map((c) => (
        <tr key={c.id} className="hover:bg-slate-50">
          <td className="px-4 py-3">
            {c.access === "member" ? (
              <Link href={`/cases/${c.id}`} className="text-brand-700 font-medium hover:underline">
                {c.title}
              </Link>
            ) : (
              <span className="font-medium text-slate-800" title="You are not a member: contents are not shown">
                {c.title}
              </span>
            )}
            {c.legalHold && <span className="ml-2 text-xs font-semibold text-red-700">Legal hold</span>}
            <div className="font-mono text-xs text-slate-500">{c.number}</div>
          </td>
          <td className="px-4 py-3">
            <StatusBadge status={c.status} />
          </td>
          <td className="px-4 py-3">
            <SeverityBadge severity={c.severity} />
          </td>
          <td className="px-4 py-3">
            <TlpBadge tlp={c.tlp} />
          </td>
          <td className="px-4 py-3 text-slate-700">{c.ownerOrgName}</td>
          <td className="px-4 py-3 text-slate-700">
            {c.myRole ? humanise(c.myRole) : c.access === "metadata" ? "Not a member" : "—"}
          </td>
          <td className="px-4 py-3 text-slate-600">
            <time dateTime={c.updatedAt.toISOString()}>{c.updatedAt.toISOString().slice(0, 10)}</time>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
