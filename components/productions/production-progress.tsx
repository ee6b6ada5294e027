import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Panel } from "@/components/ui/panel";
import { RefreshWhileRunning } from "@/components/usage/usage-forms";
import { formatBytes } from "@/lib/bytes";
import { STATUS_TONE } from "@/components/productions/production-list";
import type { TProductionView } from "@/lib/productions/queries";
import { utcLabel } from "@/lib/utc";

/** One export: its progress while it runs (items and bytes), then its facts and the download. */
export function ProductionProgress({ caseId, production: p }: { caseId: string; production: TProductionView }) {
  const running = p.status === "QUEUED" || p.status === "RUNNING";
  return (
    <div className="space-y-6">
      <RefreshWhileRunning running={running} />
      <p>
        <Link href={`/cases/${caseId}/exports`} className="text-brand-700 text-sm hover:underline">
          ← Exports
        </Link>
      </p>
      <Panel
        title="Legal review export"
        actions={<Badge tone={STATUS_TONE[p.status] ?? "amber"}>{p.status.toLowerCase()}</Badge>}
      >
        {p.status === "QUEUED" && (
          <p className="text-sm text-slate-600" role="status">
            Waiting to start (another of your organisation&apos;s exports with the same Bates prefix may be running).
            You can leave this page and come back.
          </p>
        )}
        {running && (
          <div className="mt-3 space-y-3" aria-live="polite">
            <div>
              <label htmlFor="items-progress" className="text-sm text-slate-700">
                Files: {p.itemsDone.toLocaleString("en")} of {p.itemsTotal.toLocaleString("en")}
              </label>
              <progress id="items-progress" className="mt-1 block w-full" max={p.itemsTotal || 1} value={p.itemsDone} />
            </div>
            <div>
              <label htmlFor="bytes-progress" className="text-sm text-slate-700">
                Bytes: {formatBytes(p.bytesDone)} of {formatBytes(p.bytesTotal)}
              </label>
              <progress id="bytes-progress" className="mt-1 block w-full" max={p.bytesTotal || 1} value={p.bytesDone} />
            </div>
            <p className="text-xs text-slate-500">
              The export runs on the server: you can leave this page and come back.
            </p>
          </div>
        )}
        {p.status === "FAILED" && (
          <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {p.error ?? "The export failed."} No Bates numbers were used; start it again once the cause is fixed.
          </p>
        )}
        <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]">
          <dt className="text-slate-500">Made by</dt>
          <dd>
            {p.createdBy}, {utcLabel(p.createdAt)}
          </dd>
          <dt className="text-slate-500">Scope</dt>
          <dd>{p.scope}</dd>
          <dt className="text-slate-500">Receiving party</dt>
          <dd>{p.receivingParty}</dd>
          <dt className="text-slate-500">Bates range</dt>
          <dd className="font-mono">{p.batesRange ?? "—"}</dd>
          <dt className="text-slate-500">Size</dt>
          <dd>{formatBytes(p.size)}</dd>
          <dt className="text-slate-500">ZIP SHA-256</dt>
          <dd className="font-mono text-xs break-all">{p.sha256 ?? "—"}</dd>
          {p.legalHold && (
            <>
              <dt className="text-slate-500">Legal hold</dt>
              <dd>Made while the case was under legal hold (recorded in the report).</dd>
            </>
          )}
        </dl>
        {p.status === "COMPLETE" && (
          <p className="mt-4">
            <a
              href={`/api/cases/${caseId}/productions/${p.id}/download`}
              download
              className="bg-brand-600 hover:bg-brand-700 inline-flex rounded-md px-4 py-2 text-sm font-medium text-white"
            >
              Download ZIP
            </a>
          </p>
        )}
      </Panel>
    </div>
  );
}
