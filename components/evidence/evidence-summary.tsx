import { PrivilegedBadge } from "@/components/privilege/withheld";
import { Badge } from "@/components/ui/badge";
import { ReleaseBadge } from "@/components/releases/item-release";
import { formatBytes } from "@/lib/bytes";
import { IntegrityBadge, KindBadge } from "@/components/evidence/evidence-badges";
import type { TEvidenceDetail } from "@/lib/evidence/queries";
import { InertText } from "@/components/ui/inert-text";
import { utcLabel } from "@/lib/utc";

const utc = (d: Date | null) => utcLabel(d, "second");

/** A failed check is the first thing on the page, in red. */
export function IntegrityAlert({ evidence: e }: { evidence: TEvidenceDetail }) {
  if (e.integrity !== "MISMATCH" && e.integrity !== "MISSING") return null;
  return (
    <div role="alert" className="rounded-lg border-2 border-red-600 bg-red-50 p-4 text-red-900">
      <p className="text-lg font-semibold">
        {e.integrity === "MISSING"
          ? "Integrity check failed: the stored file is missing"
          : "Integrity check failed: the stored file does not match its SHA-256"}
      </p>
      <p className="text-sm">
        Checked {utc(e.lastVerifiedAt)}. The failure is recorded in the chain of custody and the audit log.
      </p>
    </div>
  );
}

export function EvidenceSummary({ evidence: e, downloadHref }: { evidence: TEvidenceDetail; downloadHref: string }) {
  const rows: [string, React.ReactNode][] = [
    [
      "File",
      <span key="f" className="font-mono">
        <InertText text={e.fileName} />
      </span>,
    ],
    [
      "SHA-256",
      <span key="h" className="font-mono text-xs break-all">
        {e.sha256}
      </span>,
    ],
    ["Size", `${formatBytes(e.size)} (${e.size.toLocaleString("en")} bytes)`],
    ["Type", e.mimeType],
    ["Added by", `${e.addedByName} (${e.orgName}), ${utc(e.createdAt)}`],
    ["Source", e.source || "—"],
    [
      "Collected",
      e.collectedBy || e.collectedAt
        ? [e.collectedBy, e.collectedAt && utc(e.collectedAt)].filter(Boolean).join(", ")
        : "Not recorded",
    ],
    [
      "Visibility",
      e.releaseState === "SHARED" ? (
        "Every organisation on the case"
      ) : (
        <ReleaseBadge key="v" state={e.releaseState} orgName={e.orgName} />
      ),
    ],
    [
      "Integrity",
      <span key="i">
        <IntegrityBadge integrity={e.integrity} />{" "}
        <span className="text-xs text-slate-500">last checked {utc(e.lastVerifiedAt)}</span>
      </span>,
    ],
  ];
  return (
    <section aria-label="Evidence details" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-xl font-semibold">
            <InertText text={e.title} />
          </h2>
          <div className="mt-1 flex flex-wrap gap-1">
            <KindBadge kind={e.kind} />
            {e.privileged && <PrivilegedBadge basis={e.privilegeBasis} />}
            {e.tags.map((t) => (
              <Badge key={t}>{t}</Badge>
            ))}
          </div>
        </div>
        {!e.deleted && (
          <a
            href={downloadHref}
            download
            className="bg-brand-600 hover:bg-brand-700 rounded-md px-4 py-2 text-sm font-medium text-white"
          >
            Download
          </a>
        )}
      </div>
      {e.deleted && (
        <p className="mt-3 rounded-md border border-slate-300 bg-slate-50 p-3 text-sm">
          Deleted {utc(e.deletedAt)}: {e.deleteReason}. The record, its hash and custody history are kept
          {e.purgedAt ? `; the stored file was purged ${utc(e.purgedAt)}` : ""}.
        </p>
      )}
      {e.description && <p className="mt-3 text-sm whitespace-pre-wrap text-slate-700">{e.description}</p>}
      <dl className="mt-4 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
        {rows.map(([k, v]) => [
          <dt key={`${k}-t`} className="font-medium text-slate-500">
            {k}
          </dt>,
          <dd key={`${k}-d`}>{v}</dd>,
        ])}
      </dl>
    </section>
  );
}
