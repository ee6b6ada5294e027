import type { Metadata } from "next";
import Link from "next/link";
import { ClusterGraph } from "@/components/linkage/cluster-graph";
import { ClusterNameForm } from "@/components/linkage/linkage-forms";
import { ENTITY_KIND_LABELS } from "@/components/linkage/labels";
import { DataTable } from "@/components/ui/data-table";
import { Panel } from "@/components/ui/panel";
import { getCluster } from "@/lib/linkage/queries";
import { orNotFound, requirePageUser } from "@/lib/page";
import { nameClusterAction } from "../../actions";
import { utcLabel } from "@/lib/utc";

export const metadata: Metadata = { title: "Cluster" };

type Props = {
  params: Promise<{ caseId: string; clusterId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};
const fmt = (n: number) => n.toLocaleString("en");

export default async function ClusterPage({ params, searchParams }: Props) {
  const user = await requirePageUser();
  const { caseId, clusterId } = await params;
  const query = await searchParams;
  const min = typeof query.minConfidence === "string" ? query.minConfidence : undefined;
  const { cluster, payload, minConfidence, can } = await orNotFound(
    getCluster(user, caseId, clusterId, { minConfidence: min }),
  );
  const base = `/cases/${caseId}/linkages`;
  const bridges = new Set(cluster.bridges);
  const members = [...payload.nodes].sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
  const t = cluster.totals;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`${base}?minConfidence=${minConfidence}#clusters`} className="text-brand-700 hover:underline">
            ← Clusters
          </Link>
        </p>
        <h2 className="mt-2 text-lg font-semibold">{cluster.name ?? `Cluster of ${cluster.anchorValue}`}</h2>
        <p className="text-sm text-slate-600">
          Accounts linked at confidence {minConfidence} and above
          {cluster.splitFrom &&
            ` · one community of a component of ${fmt(cluster.splitFrom.accounts)} accounts (Louvain, modularity ${cluster.splitFrom.modularity.toFixed(2)})`}
        </p>
      </div>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7" aria-label="Cluster totals">
        {[
          ["Accounts", fmt(cluster.accounts)],
          ["API keys used", fmt(t.keys)],
          ["Requests", fmt(t.requests)],
          ["Tokens", fmt(t.tokens)],
          ["Rate-limited", fmt(t.rateLimited)],
          // Hourly rollups: the first hour's start, and the end of the last one.
          ["Active from", utcLabel(t.firstSeen)],
          ["Active until", utcLabel(t.lastSeen)],
        ].map(([label, value]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd className="mt-1 text-sm font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <p className="text-xs text-slate-500">
        Totals of the cluster&apos;s accounts in the usage logs you can see. The graph draws the entities that link
        them: a key used by one account links nothing, so it is counted here but not drawn.
      </p>
      {t.orgIds.length > 0 && <p className="text-sm">Organisation ids: {t.orgIds.join(", ")}</p>}

      <div className="flex flex-wrap items-end gap-4">
        {can.review && (
          <ClusterNameForm action={nameClusterAction.bind(null, caseId, cluster.id)} name={cluster.name} />
        )}
        <a
          href={`/api/cases/${caseId}/linkages/clusters/${cluster.id}/stix?minConfidence=${minConfidence}`}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm hover:bg-slate-50"
          download
        >
          Export as STIX 2.1
        </a>
      </div>

      <ClusterGraph
        caseId={caseId}
        initial={payload}
        minConfidence={minConfidence}
        fileName={`cluster-${cluster.anchorValue}`.replace(/[^\w.-]+/g, "_")}
      />

      <Panel title={`Members (${fmt(members.length)})`}>
        <DataTable caption="Members of the cluster" columns={["Entity", "Kind", "Bridge"]}>
          {members.slice(0, 1_000).map((n) => (
            <tr key={n.id}>
              <td className="px-4 py-2">
                <Link href={`${base}/entities/${n.id}`} className="font-mono text-xs hover:underline">
                  {n.label}
                </Link>
              </td>
              <td className="px-4 py-2 text-xs">{ENTITY_KIND_LABELS[n.kind]}</td>
              <td className="px-4 py-2 text-xs">{bridges.has(n.id) ? "Joins two groups" : ""}</td>
            </tr>
          ))}
        </DataTable>
        {members.length > 1_000 && (
          <p className="mt-2 text-xs text-slate-500">The first 1,000 of {fmt(members.length)} are listed.</p>
        )}
      </Panel>
    </div>
  );
}
