import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { TIME_FORMAT_SHORT } from "@/lib/ingest/time";
import type { TFormAction } from "@/components/ui/form";
import { Panel } from "@/components/ui/panel";
import { MappingForm } from "@/components/usage/mapping-form";
import { ActionButton, RefreshWhileRunning } from "@/components/usage/usage-forms";
import { SOURCE_CLOSED, type getUsageImport } from "@/lib/usage/imports";
import { USAGE_PRESET_INFO, usageImportStatusLabel, type TUsagePreset } from "@/lib/usage/schemas";

type TState = Awaited<ReturnType<typeof getUsageImport>>;

const STATUS_TONE = { COMMITTED: "green", FAILED: "red", CANCELLED: "slate", VALIDATED: "blue" } as const;

/** How the times were read; a column whose values disagree is pointed out, never silently taken. */
function TimeFormats({ counts }: { counts: Record<string, number> }) {
  const read = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([f, n]) => `${TIME_FORMAT_SHORT[f as keyof typeof TIME_FORMAT_SHORT] ?? f} ×${n.toLocaleString("en")}`);
  if (read.length < 2) return <p className="mt-2 text-sm text-slate-600">Times read as {read[0] ?? "—"}.</p>;
  return (
    <p role="note" className="mt-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      The time column mixes formats: {read.join(", ")}. Each value was read by its shape and size; check that the file
      really mixes them, or choose the time format when mapping again.
    </p>
  );
}

/** One usage import: mapping, the validation pass with its progress and refused rows, then load or cancel. */
export function UsageImportJob({
  caseId,
  state,
  actions,
}: {
  caseId: string;
  state: TState;
  actions: { validate: TFormAction; commit: TFormAction; cancel: TFormAction };
}) {
  const { job, rejects, preview, mapping, sourceClosed } = state;
  const preset = (job.options as { preset: TUsagePreset }).preset;
  const running = job.status === "VALIDATING" || job.status === "COMMITTING";
  const mappable = preview && mapping && ["UPLOADED", "VALIDATED", "FAILED"].includes(job.status);
  return (
    <div className="space-y-6">
      <RefreshWhileRunning running={running} />
      <p>
        <Link href={`/cases/${caseId}/usage`} className="text-brand-700 text-sm hover:underline">
          ← Usage
        </Link>
      </p>
      <Panel
        title={`Import of ${job.fileName}`}
        actions={
          <Badge tone={STATUS_TONE[job.status as keyof typeof STATUS_TONE] ?? "amber"}>
            {usageImportStatusLabel(job.status)}
          </Badge>
        }
      >
        <p className="text-sm text-slate-600">{USAGE_PRESET_INFO[preset]?.label}</p>
        {running && (
          <div className="mt-4">
            <label className="text-sm text-slate-700" htmlFor="usage-progress">
              {job.status === "VALIDATING" ? "Reading, checking and staging rows" : "Loading"}:{" "}
              {job.rowsProcessed.toLocaleString("en")} rows
            </label>
            <progress
              id="usage-progress"
              className="mt-1 block w-full"
              max={job.size || 1}
              value={Math.min(job.bytesProcessed, job.size)}
            />
          </div>
        )}
        {job.status === "FAILED" && (
          <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {job.error}
          </p>
        )}
        {sourceClosed && (
          <div role="alert" className="mt-3 space-y-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm">
            <p className="text-amber-900">{SOURCE_CLOSED}</p>
            {["UPLOADED", "VALIDATING", "VALIDATED", "FAILED"].includes(job.status) && (
              <ActionButton name="Cancel the import" label="Cancel the import" action={actions.cancel} />
            )}
          </div>
        )}
        {job.status === "VALIDATED" && !sourceClosed && (
          <div className="mt-4 space-y-3">
            <p className="text-sm">
              <strong>{job.rowsValid.toLocaleString("en")}</strong> rows ready to load;{" "}
              <strong>{job.rowsRejected.toLocaleString("en")}</strong> refused. Nothing is visible until you load it.
            </p>
            <div className="flex flex-wrap gap-3">
              <ActionButton
                name="Load the import"
                label={`Load ${job.rowsValid.toLocaleString("en")} rows`}
                variant="primary"
                pendingText="Loading…"
                action={actions.commit}
              />
              <ActionButton name="Cancel the import" label="Cancel import" action={actions.cancel} />
            </div>
          </div>
        )}
        {(job.status === "VALIDATED" || job.status === "COMMITTED") && job.timeFormats && (
          <TimeFormats counts={job.timeFormats} />
        )}
        {job.status === "COMMITTED" && (
          <p role="status" className="mt-3 text-sm text-green-700">
            Loaded {job.rowsInserted.toLocaleString("en")} rows.{" "}
            <Link href={`/cases/${caseId}/usage`} className="underline">
              See the usage and its signals
            </Link>
            .
          </p>
        )}
      </Panel>
      {rejects.items.length > 0 && (
        <Panel title={`Refused rows (${job.rowsRejected.toLocaleString("en")})`}>
          <ul className="max-h-72 space-y-1 overflow-y-auto font-mono text-xs">
            {rejects.items.map((r, i) => (
              <li key={i}>
                <span className="text-slate-500">line {r.line}:</span> {r.reason}
              </li>
            ))}
          </ul>
        </Panel>
      )}
      {mappable && (
        <Panel title={job.status === "UPLOADED" ? "Map the columns" : "Map again"}>
          <MappingForm action={actions.validate} columns={preview.columns} rows={preview.rows} mapping={mapping} />
        </Panel>
      )}
    </div>
  );
}
