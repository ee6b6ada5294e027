"use client";

import { Button } from "@/components/ui/button";
import {
  getImportRejects,
  rejectsCsvUrl,
  type TImportStats,
  type TJob,
  type TReject,
} from "@/components/timeline/import-api";
import { TIME_FORMAT_SHORT } from "@/lib/ingest/time";

/** How many rejected rows the job keeps to list (lib/jobs/job.ts#REJECTS_KEPT). */
const REJECTS_LISTED = 100_000;
const n = (v: number) => v.toLocaleString("en");
const plural = (v: number, one: string, many: string) => `${n(v)} ${v === 1 ? one : many}`;

const STATUS: Record<string, string> = {
  VALIDATING: "Validating…",
  VALIDATED: "Validated: nothing is imported until you choose Import.",
  COMMITTING: "Importing…",
  COMMITTED: "Imported.",
  CANCELLED: "Cancelled: nothing was imported.",
  FAILED: "Failed: nothing was imported.",
};

/** Progress of the running step, the counts, and every rejected row with its line. */
export function ImportResults({
  job,
  rejects,
  caseId,
  onMore,
  stillWorking,
}: {
  /** The last status poll got no answer (a busy server): the job goes on; the wizard asks again. */
  stillWorking: boolean;
  job: TJob;
  rejects: { items: TReject[]; nextAfter: number | null };
  caseId: string;
  onMore: (r: { items: TReject[]; nextAfter: number | null }) => void;
}) {
  const running = job.status === "VALIDATING" || job.status === "COMMITTING";
  const percent = job.size > 0 ? Math.min(100, Math.round((job.bytesProcessed / job.size) * 100)) : 0;
  async function more() {
    const next = await getImportRejects(caseId, job.id, rejects.nextAfter ?? 0);
    onMore({ items: [...rejects.items, ...next.items], nextAfter: next.nextAfter });
  }
  return (
    <div className="space-y-2 text-sm">
      <p role="status" aria-live="polite" className="font-medium">
        {STATUS[job.status] ?? job.status} {job.error && <span className="text-red-700">{job.error}</span>}
        {stillWorking && " Still working: the server did not answer the last status check; asking again."}
      </p>
      {running && <progress aria-label="Import progress" max={100} value={percent} className="w-full" />}
      {!running && job.status !== "CANCELLED" && (
        <p>
          {n(job.rowsValid)} valid · {n(job.rowsRejected)} rejected · {plural(job.rowsDuplicate, "repeat", "repeats")}{" "}
          in the file · {n(job.rowsExisting)} already on the timeline
          {job.status === "COMMITTED" && ` · ${n(job.rowsInserted)} imported`}
        </p>
      )}
      {job.status === "VALIDATED" && <ValidationNotes stats={job.stats as TImportStats} />}
      {!running && job.rowsRejected > 0 && ["VALIDATED", "COMMITTED"].includes(job.status) && (
        <p>
          {job.rowsRejected > REJECTS_LISTED &&
            `The list below stops at the first ${n(REJECTS_LISTED)} rejected rows. `}
          <a href={rejectsCsvUrl(caseId, job.id)} className="text-brand-700 underline" download>
            {job.rowsRejected === 1
              ? "Download the rejected row as CSV"
              : `Download all ${plural(job.rowsRejected, "rejected row", "rejected rows")} as CSV`}
          </a>
        </p>
      )}
      {rejects.items.length > 0 && (
        <div className="max-h-64 overflow-y-auto rounded border border-slate-200">
          <table className="min-w-full text-left text-xs" aria-label="Rejected rows">
            <thead>
              <tr>
                <th className="border-b px-2 py-1">Line</th>
                <th className="border-b px-2 py-1">Reason</th>
              </tr>
            </thead>
            <tbody>
              {rejects.items.map((r, i) => (
                <tr key={`${r.line}-${i}`}>
                  <td className="border-b px-2 py-1 font-mono">{r.line}</td>
                  <td className="border-b px-2 py-1">{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rejects.nextAfter !== null && (
        <Button variant="secondary" onClick={() => void more()}>
          Show more rejected rows
        </Button>
      )}
    </div>
  );
}

/** What validation learnt: rows per time format, long titles split. */
function ValidationNotes({ stats }: { stats: TImportStats }) {
  const formats = Object.entries(stats.timeFormats ?? {}).filter(([, v]) => v);
  return (
    <>
      {formats.length > 0 && (
        <p>
          Times read as:{" "}
          {formats.map(([f, v]) => `${TIME_FORMAT_SHORT[f as keyof typeof TIME_FORMAT_SHORT]} ×${n(v)}`).join(" · ")}
        </p>
      )}
      {(stats.titlesSplit ?? 0) > 0 && (
        <p>
          {plural(stats.titlesSplit!, "title was", "titles were")} longer than 300 characters: the first line is the
          title, the whole text the description.
        </p>
      )}
    </>
  );
}
