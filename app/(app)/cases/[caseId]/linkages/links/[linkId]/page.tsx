import type { Metadata } from "next";
import Link from "next/link";
import { ReviseLinkForm } from "@/components/linkage/linkage-forms";
import {
  ConfidenceBadge,
  Contributions,
  ENTITY_KIND_LABELS,
  LINK_KIND_LABELS,
  provenanceLabel,
} from "@/components/linkage/labels";
import { DataTable } from "@/components/ui/data-table";
import { Panel } from "@/components/ui/panel";
import { getLink } from "@/lib/linkage/queries";
import { orNotFound, requirePageUser } from "@/lib/page";
import { reviseLinkAction } from "../../actions";
import { utcLabel, utcRange } from "@/lib/utc";

export const metadata: Metadata = { title: "Why this link" };

type Props = { params: Promise<{ caseId: string; linkId: string }> };

export default async function LinkPage({ params }: Props) {
  const user = await requirePageUser();
  const { caseId, linkId } = await params;
  const { link, versions, support, can } = await orNotFound(getLink(user, caseId, linkId));
  const base = `/cases/${caseId}/linkages`;
  const current = !link.supersededAt;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`${base}/entities/${link.fromId}`} className="text-brand-700 hover:underline">
            ← {link.fromValue}
          </Link>
        </p>
        <h2 className="mt-2 text-lg font-semibold">
          <span className="font-mono">{link.fromValue}</span>{" "}
          <span className="font-normal text-slate-600">{LINK_KIND_LABELS[link.kind].toLowerCase()}</span>{" "}
          <Link href={`${base}/entities/${link.toId}`} className="font-mono hover:underline">
            {link.toValue}
          </Link>
        </h2>
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <ConfidenceBadge confidence={link.confidence} /> {provenanceLabel(link.provenance)} · version {link.version}
          {link.retracted && <span className="font-semibold text-red-700">Retracted</span>}
          {!current && <span className="text-amber-700">A newer version exists.</span>}
        </p>
        <p className="text-xs text-slate-500">
          {ENTITY_KIND_LABELS[link.fromKind]} to {ENTITY_KIND_LABELS[link.toKind]} · seen{" "}
          {utcRange(link.firstSeen, link.lastSeen)}
        </p>
      </div>

      <Panel title="Why do we believe this?">
        <p className="mb-3 text-sm">{link.rationale}</p>
        <Contributions items={link.contributions} />
        {Object.keys(link.params).length > 0 && (
          <p className="mt-3 text-xs text-slate-500">
            Rule parameters:{" "}
            {Object.entries(link.params)
              .map(([k, v]) => `${k} = ${String(v)}`)
              .join(", ")}
          </p>
        )}
      </Panel>

      <Panel title="What it rests on">
        {support.length === 0 ? (
          <p className="text-sm text-slate-600">
            No evidence was cited: it rests on its author&apos;s word ({link.createdBy}).
          </p>
        ) : (
          <ul className="space-y-1 text-sm">
            {support.map((s, i) => (
              <li key={i}>
                {s.evidence ? (
                  <Link href={`/cases/${caseId}/evidence/${s.evidence.id}`} className="text-brand-700 hover:underline">
                    {s.evidence.title}
                  </Link>
                ) : (
                  "A usage import"
                )}
                {s.evidence && (
                  <span className="ml-2 font-mono text-xs text-slate-500">
                    sha256 {s.evidence.sha256.slice(0, 16)}…
                  </span>
                )}
                {s.rows > 0 && <span className="ml-2 text-xs">{s.rows.toLocaleString("en")} requests</span>}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title={`Versions (${versions.length})`}>
        <DataTable caption="Versions of this link" columns={["Version", "Confidence", "By", "When", "Reason"]}>
          {versions.map((v) => (
            <tr
              key={v.id}
              aria-current={v.id === link.id ? "true" : undefined}
              className="aria-[current=true]:bg-slate-50"
            >
              <td className="px-4 py-2">
                <Link href={`${base}/links/${v.id}`} className="hover:underline">
                  v{v.version}
                </Link>
                {v.retracted && <span className="ml-2 text-xs text-red-700">retracted</span>}
              </td>
              <td className="px-4 py-2">
                <ConfidenceBadge confidence={v.confidence} />
              </td>
              <td className="px-4 py-2 text-xs">{v.createdBy}</td>
              <td className="px-4 py-2 text-xs">{utcLabel(v.createdAt)}</td>
              <td className="px-4 py-2 text-xs">{v.rationale}</td>
            </tr>
          ))}
        </DataTable>
      </Panel>

      {can.review && current && (
        <Panel title="Revise">
          <ReviseLinkForm
            action={reviseLinkAction.bind(null, caseId, link.id)}
            version={link.version}
            confidence={link.confidence}
          />
        </Panel>
      )}
    </div>
  );
}
