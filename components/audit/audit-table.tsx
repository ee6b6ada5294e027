import type { TAuditEventRow } from "@/lib/audit/queries";
import { humanise } from "@/components/cases/case-badges";
import { auditActionLabel } from "@/lib/audit/actions";
import { DataTable } from "@/components/ui/data-table";
import { ORG_SCOPE_KEY } from "@/lib/audit/record";
import { utcLabel } from "@/lib/utc";

// Rows only, no data fetching and no hooks: renders in the admin log and in a case's Activity tab.
type Props = { rows: TAuditEventRow[]; caption?: string; empty?: React.ReactNode };

const DETAILS_INLINE = 120;

function formatTime(date: Date): string {
  return utcLabel(date, "second");
}

function Actor({ row }: { row: TAuditEventRow }) {
  if (row.actor) {
    return (
      <>
        <div className="font-medium text-slate-800">{row.actor.name}</div>
        <div className="text-xs text-slate-500">{row.actor.email}</div>
      </>
    );
  }
  if (row.actorId) return <span className="font-mono text-xs text-slate-500">Unknown user {row.actorId}</span>;
  return <span className="text-slate-500">System</span>;
}

/** The details in words: keys humanised, empty values left out, an organisation scope said plainly. */
function detailText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) =>
      k === ORG_SCOPE_KEY
        ? "Seen by its organisation only"
        : `${humanise(k)}: ${typeof v === "string" ? v : JSON.stringify(v)}`,
    )
    .join(" · ");
}

function Details({ details }: { details: Record<string, unknown> }) {
  const inline = detailText(details);
  if (!inline) return <span className="text-slate-400">—</span>;
  // Ids and hashes have no spaces: they break anywhere rather than widen the column.
  if (inline.length <= DETAILS_INLINE) return <span className="[overflow-wrap:anywhere]">{inline}</span>;
  return (
    <details>
      <summary className="cursor-pointer [overflow-wrap:anywhere]">{inline.slice(0, DETAILS_INLINE)}…</summary>
      <pre className="mt-2 max-w-xs overflow-x-auto rounded bg-slate-50 p-2 text-xs">
        {JSON.stringify(details, null, 2)}
      </pre>
    </details>
  );
}

export function AuditTable({ rows, caption = "Audit events, newest first", empty }: Props) {
  if (rows.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
        {empty ?? <p className="font-medium text-slate-800">No audit events match.</p>}
      </div>
    );
  }
  return (
    <DataTable
      caption={caption}
      columns={["When", "Actor", "Action", "Target", "Case", "Details", "Source"]}
      bodyClassName="align-top"
    >
      {/* A static list: keyed by position. Rows have no id to show (see CURSOR in lib/audit/queries.ts). */}
      {rows.map((row, i) => (
        <tr key={i} className="hover:bg-slate-50">
          <td className="px-4 py-3 whitespace-nowrap text-slate-600">
            <time dateTime={row.occurredAt.toISOString()}>{formatTime(row.occurredAt)}</time>
          </td>
          <td className="px-4 py-3">
            <Actor row={row} />
          </td>
          <td className="px-4 py-3 text-slate-800">
            {auditActionLabel(row.action)}
            {/* The code as recorded: what "Action starts with" matches. */}
            <div className="font-mono text-xs text-slate-500">{row.action}</div>
          </td>
          <td className="px-4 py-3 text-slate-700">
            {humanise(row.targetType)}
            {row.targetId && (
              <div className="max-w-48 truncate font-mono text-xs text-slate-500" title={row.targetId}>
                {row.targetId}
              </div>
            )}
          </td>
          <td className="px-4 py-3 font-mono text-xs whitespace-nowrap text-slate-700">
            {row.caseNumber ?? (row.caseId ? row.caseId.slice(0, 8) : "—")}
          </td>
          <td className="max-w-xs px-4 py-3 text-xs text-slate-700">
            <Details details={row.details} />
          </td>
          <td className="px-4 py-3 text-xs text-slate-600">
            {row.ip ?? "—"}
            {row.userAgent && (
              <div className="max-w-48 truncate text-slate-500" title={row.userAgent}>
                {row.userAgent}
              </div>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
