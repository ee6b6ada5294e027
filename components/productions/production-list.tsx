import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import type { TFormAction } from "@/components/ui/form";
import { Panel } from "@/components/ui/panel";
import { ActionButton, RefreshWhileRunning } from "@/components/usage/usage-forms";
import type { listProductions, TProductionView } from "@/lib/productions/queries";
import { formatBytes } from "@/lib/bytes";
import { utcLabel } from "@/lib/utc";

export const STATUS_TONE: Record<string, "green" | "red" | "amber" | "blue"> = {
  COMPLETE: "green",
  FAILED: "red",
  RUNNING: "blue",
  QUEUED: "amber",
};

function Row({ caseId, p, remove }: { caseId: string; p: TProductionView; remove?: TFormAction }) {
  return (
    <tr className="align-top">
      <td className="py-2 pr-3">
        <Link href={`/cases/${caseId}/exports/${p.id}`} className="text-brand-700 hover:underline">
          {utcLabel(p.createdAt)}
        </Link>
        <div className="text-xs text-slate-500">{p.createdBy}</div>
      </td>
      <td className="py-2 pr-3">
        <Badge tone={STATUS_TONE[p.status] ?? "amber"}>{p.status.toLowerCase()}</Badge>
        {p.legalHold && <div className="mt-1 text-xs text-red-700">made under legal hold</div>}
      </td>
      <td className="py-2 pr-3">
        {p.scope}
        <div className="text-xs text-slate-500">to {p.receivingParty}</div>
      </td>
      <td className="py-2 pr-3 font-mono text-xs">{p.batesRange ?? "—"}</td>
      <td className="py-2 pr-3 whitespace-nowrap">{formatBytes(p.size)}</td>
      <td className="max-w-48 py-2 pr-3 font-mono text-xs break-all">{p.sha256 ?? "—"}</td>
      <td className="py-2">
        <div className="flex flex-col gap-2">
          {p.status === "COMPLETE" && (
            <a
              href={`/api/cases/${caseId}/productions/${p.id}/download`}
              className="text-brand-700 text-sm hover:underline"
              download
            >
              Download ZIP
            </a>
          )}
          {remove && p.status !== "QUEUED" && p.status !== "RUNNING" && (
            <ActionButton
              action={remove}
              label="Delete"
              name={`Delete the export of ${utcLabel(p.createdAt)}`}
              variant="danger"
              pendingText="Deleting…"
            />
          )}
        </div>
      </td>
    </tr>
  );
}

/** The case's exports made by the viewer's organisation: who, when, scope, size, Bates range, ZIP SHA-256. */
export function ProductionList({
  caseId,
  list,
  remove,
}: {
  caseId: string;
  list: Awaited<ReturnType<typeof listProductions>>;
  remove: Record<string, TFormAction>;
}) {
  const running = list.productions.some((p) => p.status === "QUEUED" || p.status === "RUNNING");
  return (
    <Panel title="Legal review exports">
      <RefreshWhileRunning running={running} />
      {list.case.legalHold && (
        <p className="mb-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          The case is under legal hold: exports are recorded as made under the hold and cannot be deleted.
        </p>
      )}
      {list.productions.length === 0 ? (
        <EmptyState title="No exports yet">
          Start one below: choose the scope, the Bates prefix and the receiving party. Your organisation&apos;s exports
          are listed here; a partner&apos;s are theirs.
        </EmptyState>
      ) : (
        // `relative`: the sr-only "Actions" header is absolutely positioned, and without a
        // positioned ancestor it escapes this scrolling frame and widens the page.
        <div className="scroll-hint relative overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="Finished and running exports">
            <thead className="text-left text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="py-1 pr-3">Made (by)</th>
                <th className="py-1 pr-3">Status</th>
                <th className="py-1 pr-3">Scope</th>
                <th className="py-1 pr-3">Bates range</th>
                <th className="py-1 pr-3">Size</th>
                <th className="py-1 pr-3">ZIP SHA-256</th>
                <th className="py-1">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.productions.map((p) => (
                <Row key={p.id} caseId={caseId} p={p} remove={list.can.delete ? remove[p.id] : undefined} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
