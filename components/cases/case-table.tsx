import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import type { TCaseListItem } from "@/lib/cases/queries";
import { EmptyState } from "@/components/ui/empty-state";
import { SeverityBadge, StatusBadge, TlpBadge, humanise } from "@/components/cases/case-badges";
import { InertText } from "@/components/ui/inert-text";

function CaseTitle({ c }: { c: TCaseListItem }) {
  if (c.access === "member") {
    return (
      <Link href={`/cases/${c.id}`} className="text-brand-700 font-medium hover:underline">
        <InertText text={c.title} />
      </Link>
    );
  }
  // Not a member: the title opens nothing; the brief shows the case's aggregates (not for
  // TLP:RED, which is for named members only), and an admin may manage the members.
  return (
    <>
      <span className="font-medium text-slate-800">
        <InertText text={c.title} />
      </span>
      {c.tlp !== "RED" && (
        <Link href={`/briefs/${c.id}`} className="text-brand-700 ml-2 text-xs hover:underline">
          Brief
        </Link>
      )}
      {c.canManageMembers && (
        <Link href={`/cases/${c.id}/members`} className="text-brand-700 ml-2 text-xs hover:underline">
          Manage members
        </Link>
      )}
    </>
  );
}

/**
 * Says what a "Not a member" row is. Executives see their organisation's cases this way, and
 * each case's aggregates in its brief.
 */
function MetadataNote({ cases }: { cases: TCaseListItem[] }) {
  const metadata = cases.filter((c) => c.access === "metadata");
  if (metadata.length === 0) return null;
  const manages = metadata.some((c) => c.canManageMembers);
  return (
    <p className="mb-3 text-sm text-slate-600">
      {manages
        ? "Cases marked “Not a member” are listed for you to manage their members; their contents stay hidden."
        : "Cases marked “Not a member” show their status, severity, TLP and last update only. Its one-page brief shows the figures and the leads' findings; to read the case itself, ask its lead to add you."}
    </p>
  );
}

/** `total`: how many cases the whole list holds (a page past its end shows none of them). */
export function CaseTable({ cases, filtered, total }: { cases: TCaseListItem[]; filtered?: boolean; total: number }) {
  if (cases.length === 0) {
    if (total > 0)
      return (
        <EmptyState title="No cases on this page">
          The list ends before this page: go back with the page links below.
        </EmptyState>
      );
    return filtered ? (
      <EmptyState title="No cases match these filters">Change or reset the filters above.</EmptyState>
    ) : (
      <EmptyState title="No cases yet">
        Cases you are a member of appear here. Ask a case lead to add you, or open a new case.
      </EmptyState>
    );
  }
  return (
    <>
      <MetadataNote cases={cases} />
      <DataTable
        caption="Cases you can see"
        columns={["Case", "Status", "Severity", "TLP", "Owner", "Your role", "Updated"]}
      >
        {cases.map((c) => (
          <tr key={c.id} className="hover:bg-slate-50">
            <td className="px-4 py-3">
              <CaseTitle c={c} />
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
    </>
  );
}
