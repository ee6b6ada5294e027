import type { TCustodyRow } from "@/lib/evidence/queries";
import { utcText } from "@/lib/utc";

const LABELS: Record<string, string> = {
  COLLECTED: "Collected",
  UPLOADED: "Uploaded",
  VIEWED: "Viewed",
  DOWNLOADED: "Downloaded",
  METADATA_CHANGED: "Metadata changed",
  VERIFIED: "Verified: intact",
  VERIFICATION_FAILED: "Verification FAILED",
  RELEASED: "Visibility changed",
  DELETED: "Deleted",
  PURGED: "File purged",
  PRODUCED: "Produced (legal export downloaded)",
};

export function CustodyTable({ rows }: { rows: TCustodyRow[] }) {
  return (
    <div className="scroll-hint overflow-x-auto">
      <table className="min-w-full text-sm" aria-label="Chain of custody">
        <thead className="text-left text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            <th className="py-1 pr-3">When (UTC)</th>
            <th className="py-1 pr-3">Who</th>
            <th className="py-1 pr-3">Action</th>
            <th className="py-1 pr-3">SHA-256 at that moment</th>
            <th className="py-1">Note</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r, i) => (
            <tr key={i} className={r.action === "VERIFICATION_FAILED" ? "bg-red-50 text-red-900" : undefined}>
              <td className="py-1 pr-3 whitespace-nowrap">{utcText(r.occurredAt, "second")}</td>
              <td className="py-1 pr-3">{r.actorName}</td>
              <td className="py-1 pr-3">{LABELS[r.action] ?? r.action}</td>
              <td className="py-1 pr-3 font-mono text-xs break-all">{r.sha256 ?? "—"}</td>
              <td className="py-1">{r.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
