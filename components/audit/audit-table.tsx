import type { TAuditEventRow } from "@/lib/audit/queries";
import { humanise } from "@/components/cases/case-badges";
import { auditActionLabel } from "@/lib/audit/actions";
import { DataTable } from "@/components/ui/data-table";
import { ORG_SCOPE_KEY } from "@/lib/audit/record";
import { utcLabel } from "@/lib/utc";
import Link from "next/link";
import { formatBytes } from "@/lib/bytes";

// Rows only, no data fetching and no hooks: renders in the admin log and in a case's Activity tab.
type Props = {
  rows: TAuditEventRow[];
  caption?: string;
  empty?: React.ReactNode;
  /** The reader's organisation: a row seen by one organisation only says whether it is theirs. */
  viewerOrgId?: string;
};

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

const VISIBILITY_WORDS = new Map([
  ["ALL_CASE_ORGS", "every organisation on the case"],
  ["OWNER_ORG_ONLY", "the owner organisation only"],
]);

/**
 * The detail keys whose values are the app's own codes (KEY_REVOKED, OPEN), said as words. Any
 * other value (a name, a prefix, an id someone typed) is shown exactly as recorded.
 */
const CODE_KEYS = new Set([
  "kind",
  "status",
  "severity",
  "tlp",
  "role",
  "category",
  "basis",
  "confidence",
  "decision",
  "integrity",
  "from",
  "to",
]);

/** Nothing to say: null, "", or an empty list or object (`filters: {}`, `category: []`). */
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && !(v instanceof Date) && Object.values(v).every(isEmpty);
}

/** A value in words: codes (KEY_REVOKED) as words, sizes in bytes as the evidence page says them. */
function valueText(key: string, v: unknown): string {
  if (typeof v === "number" && /^(size|bytes)$/i.test(key)) return formatBytes(v);
  if (typeof v === "string") {
    if (key === "visibility") return VISIBILITY_WORDS.get(v) ?? v;
    return CODE_KEYS.has(key) && /^[A-Z][A-Z0-9_]*$/.test(v) ? humanise(v) : v;
  }
  if (Array.isArray(v)) return v.map((x) => valueText(key, x)).join(", ");
  if (v && typeof v === "object")
    return Object.entries(v)
      .filter(([, x]) => !isEmpty(x))
      .map(([k, x]) => `${humanise(k).toLowerCase()} ${valueText(k, x)}`)
      .join(", ");
  return String(v);
}

/** The details in words: keys humanised, empty values left out, an organisation scope said plainly. */
export function detailText(details: Record<string, unknown>, viewerOrgId?: string): string {
  return Object.entries(details)
    .filter(([, v]) => !isEmpty(v))
    .map(([k, v]) =>
      k === ORG_SCOPE_KEY
        ? v === viewerOrgId
          ? "Seen by your organisation only"
          : "Seen by one organisation only"
        : `${humanise(k)}: ${valueText(k, v)}`,
    )
    .join(" · ");
}

/**
 * The page of an event's target, where there is one: the page itself decides who may open it
 * (the link tells nothing the id beside it does not).
 */
export function targetHref(row: Pick<TAuditEventRow, "action" | "targetType" | "targetId" | "caseId">): string | null {
  const { targetId: id, caseId } = row;
  if (!id || !/^[0-9a-f-]{36}$/.test(id)) return null;
  if (row.targetType === "case") return `/cases/${id}`;
  if (!caseId) return null;
  const inCase = `/cases/${caseId}`;
  switch (row.targetType) {
    case "evidence":
      return `${inCase}/evidence/${id}`;
    case "production":
      return `${inCase}/exports/${id}`;
    case "entity":
      // A cluster's actions name it by its anchor account, which is also the cluster page's id.
      return row.action.startsWith("linkage.cluster_")
        ? `${inCase}/linkages/clusters/${id}`
        : `${inCase}/linkages/entities/${id}`;
    case "link":
      return `${inCase}/linkages/links/${id}`;
    case "import_job":
      return row.action.startsWith("usage.") ? `${inCase}/usage/imports/${id}` : null;
    default:
      return null;
  }
}

function Details({ details, viewerOrgId }: { details: Record<string, unknown>; viewerOrgId?: string }) {
  const inline = detailText(details, viewerOrgId);
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

function Target({ row }: { row: TAuditEventRow }) {
  const href = targetHref(row);
  const className = "block max-w-48 truncate font-mono text-xs";
  return href ? (
    <Link href={href} className={`${className} text-brand-700 hover:underline`} title={row.targetId ?? undefined}>
      {row.targetId}
    </Link>
  ) : (
    <div className={`${className} text-slate-500`} title={row.targetId ?? undefined}>
      {row.targetId}
    </div>
  );
}

export function AuditTable({ rows, caption = "Audit events, newest first", empty, viewerOrgId }: Props) {
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
            {row.targetId && <Target row={row} />}
          </td>
          <td className="px-4 py-3 font-mono text-xs whitespace-nowrap text-slate-700">
            {row.caseNumber ?? (row.caseId ? row.caseId.slice(0, 8) : "—")}
          </td>
          <td className="max-w-xs px-4 py-3 text-xs text-slate-700">
            <Details details={row.details} viewerOrgId={viewerOrgId} />
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
