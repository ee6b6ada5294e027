"use client";

import { Button } from "@/components/ui/button";
import { getImportRejects, type TJob, type TReject } from "@/components/timeline/import-api";

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
}: {
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
      </p>
      {running && <progress aria-label="Import progress" max={100} value={percent} className="w-full" />}
      {!running && job.status !== "CANCELLED" && (
        <p>
          {job.rowsValid.toLocaleString("en")} valid · {job.rowsRejected.toLocaleString("en")} rejected ·{" "}
          {job.rowsDuplicate.toLocaleString("en")} duplicates in the file
          {job.status === "COMMITTED" &&
            ` · ${job.rowsInserted.toLocaleString("en")} imported · ${job.rowsExisting.toLocaleString("en")} already on the timeline`}
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
