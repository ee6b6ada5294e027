import type { Metadata } from "next";
import { BAND_STYLE } from "@/components/linkage/graph-theme";
import { bandFloor, CONFIDENCE_BANDS } from "@/lib/linkage/confidence";
import Link from "next/link";
import { ActionButton } from "@/components/usage/usage-forms";
import {
  AcceptAboveForm,
  EntityCsvForm,
  EntityForm,
  LinkageSettingsForm,
  PathForm,
} from "@/components/linkage/linkage-forms";
import {
  ConfidenceBadge,
  Contributions,
  ENTITY_KIND_LABELS,
  LINK_KIND_LABELS,
  provenanceLabel,
} from "@/components/linkage/labels";
import { PathView } from "@/components/linkage/path-view";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Panel } from "@/components/ui/panel";
import { AppError } from "@/lib/errors";
import { findPath, getLinkageOverview, type TPathView } from "@/lib/linkage/queries";
import { LINK_RULES, linkRuleId, type TLinkRule } from "@/lib/linkage/settings";
import { orNotFound, requirePageUser } from "@/lib/page";
import {
  acceptAboveAction,
  acceptProposalAction,
  createEntityAction,
  importEntitiesAction,
  rejectProposalAction,
  updateLinkageSettingsAction,
} from "./actions";
import { utcLabel, utcRange } from "@/lib/utc";

export const metadata: Metadata = { title: "Linkages" };

type Props = {
  params: Promise<{ caseId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

// The confidence bands the graph draws (lib/linkage/confidence.ts), with the same words.
const FLOORS = CONFIDENCE_BANDS.map((band) => ({
  label: `${BAND_STYLE[band].label} and above`,
  value: bandFloor(band),
}));

/** The bands' floors, and the case's own floor (its clusters' default) when it is none of them. */
function floorsWith(caseFloor: number) {
  if (FLOORS.some((f) => f.value === caseFloor)) return FLOORS;
  return [...FLOORS, { label: `${caseFloor} and above (this case's setting)`, value: caseFloor }].sort(
    (a, b) => a.value - b.value,
  );
}

const fmt = (n: number) => n.toLocaleString("en");
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export default async function LinkagesPage({ params, searchParams }: Props) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const query = await searchParams;
  const view = await orNotFound(
    getLinkageOverview(user, caseId, { minConfidence: one(query.minConfidence) || undefined }),
  );
  const [from, to] = [one(query.from), one(query.to)];
  let path: TPathView | undefined;
  let pathError = "";
  if (from && to) {
    try {
      path = await findPath(user, caseId, { from, to, minConfidence: view.minConfidence });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      pathError = error.message;
    }
  }
  const base = `/cases/${caseId}/linkages`;
  const rules = (Object.keys(LINK_RULES) as TLinkRule[]).map((r) => ({
    rule: linkRuleId(r),
    label: LINK_RULES[r].label,
  }));
  const empty = view.counts.entities === 0 && view.proposalCount === 0;
  return (
    <div className="space-y-6">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Linkage in figures">
        {[
          ["Entities", view.counts.entities, `${base}/entities`],
          ["Links", view.counts.links, `${base}/entities`],
          ["Proposals to review", view.proposalCount, "#proposals"],
          ["Clusters", view.clusterCount, "#clusters"],
        ].map(([label, value, href]) => (
          <div key={label as string} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <dt className="text-xs font-medium text-slate-500 uppercase">{label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">
              <Link href={href as string} className="hover:underline">
                {fmt(value as number)}
              </Link>
            </dd>
          </div>
        ))}
      </dl>

      {empty && (
        <EmptyState title="No linkage yet">
          Import API usage on the{" "}
          <Link href={`/cases/${caseId}/usage`} className="underline">
            Usage tab
          </Link>
          : the rules then propose links between accounts. Entities can also be added by hand or from CSV below.
        </EmptyState>
      )}

      <section id="clusters">
        <Panel
          title={`Clusters (${fmt(view.clusterCount)}) at confidence ${view.minConfidence} and above`}
          actions={
            <nav aria-label="Confidence floor" className="flex gap-1 text-xs">
              {floorsWith(view.settings.clusterMinConfidence).map((f) => (
                <Link
                  key={f.value}
                  href={`?minConfidence=${f.value}#clusters`}
                  aria-current={view.minConfidence === f.value ? "true" : undefined}
                  className="rounded-md border border-slate-300 px-2 py-1 hover:bg-slate-50 aria-[current=true]:bg-slate-800 aria-[current=true]:text-white"
                >
                  {f.label}
                </Link>
              ))}
            </nav>
          }
        >
          {view.clusters.length === 0 ? (
            <p className="text-sm text-slate-600">
              No two accounts are linked at this confidence yet. Accept proposals, or lower the floor.
            </p>
          ) : (
            <DataTable
              caption="Clusters"
              columns={[
                "Cluster",
                "Accounts",
                "Keys",
                "Requests",
                "Tokens",
                "Rate-limited",
                "Active",
                "Organisation ids",
              ]}
            >
              {view.clusters.map((c) => (
                <tr key={c.id}>
                  <td className="px-4 py-2">
                    <Link
                      href={`${base}/clusters/${c.id}?minConfidence=${view.minConfidence}`}
                      className="text-brand-700 font-medium hover:underline"
                    >
                      {c.name ?? `Cluster of ${c.anchorValue}`}
                    </Link>
                    {c.splitFrom && (
                      <p className="text-xs text-slate-500">
                        split from {fmt(c.splitFrom.accounts)} accounts (modularity {c.splitFrom.modularity.toFixed(2)})
                      </p>
                    )}
                    {c.bridges.length > 0 && (
                      <p className="text-xs text-amber-700">
                        {c.bridges.length} bridge {c.bridges.length === 1 ? "account" : "accounts"}
                      </p>
                    )}
                  </td>
                  <td className="px-4 py-2 tabular-nums">{fmt(c.accounts)}</td>
                  <td className="px-4 py-2 tabular-nums">{fmt(c.totals.keys)}</td>
                  <td className="px-4 py-2 tabular-nums">{fmt(c.totals.requests)}</td>
                  <td className="px-4 py-2 tabular-nums">{fmt(c.totals.tokens)}</td>
                  <td className="px-4 py-2 tabular-nums">{fmt(c.totals.rateLimited)}</td>
                  <td className="px-4 py-2 text-xs whitespace-nowrap">
                    {utcRange(c.totals.firstSeen, c.totals.lastSeen)}
                  </td>
                  <td className="px-4 py-2 text-xs">{c.totals.orgIds.join(", ") || "—"}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </Panel>
      </section>

      <section id="proposals">
        <Panel title={`Proposals to review (${fmt(view.proposalCount)})`}>
          {view.proposalCount === 0 ? (
            <p className="text-sm text-slate-600">
              Nothing to review: the rules have proposed nothing new over the usage you can see.
            </p>
          ) : (
            <div className="space-y-4">
              <p className="text-sm text-slate-600">
                {view.proposalsByRule.map((r) => `${provenanceLabel(r.rule)}: ${fmt(r.count)}`).join(" · ")}
              </p>
              {view.can.review && <AcceptAboveForm action={acceptAboveAction.bind(null, caseId)} rules={rules} />}
              <DataTable
                caption="Proposed links"
                columns={["Link", "Confidence", "Why", "Seen", view.can.review && "Decide"]}
                stack
              >
                {view.proposals.map((p) => (
                  <tr key={p.id} className="align-top">
                    <td className="px-4 py-2">
                      <Link href={`${base}/entities/${p.from.id}`} className="font-mono text-xs hover:underline">
                        {p.from.value}
                      </Link>
                      <span className="mx-1 text-xs text-slate-500">{LINK_KIND_LABELS[p.kind].toLowerCase()}</span>
                      <Link href={`${base}/entities/${p.to.id}`} className="font-mono text-xs hover:underline">
                        {p.to.value}
                      </Link>
                      <p className="text-xs text-slate-500">
                        {ENTITY_KIND_LABELS[p.to.kind]} · {provenanceLabel(p.rule)}
                      </p>
                    </td>
                    <td className="px-4 py-2" data-label="Confidence">
                      <ConfidenceBadge confidence={p.confidence} />
                    </td>
                    <td className="max-w-md px-4 py-2" data-label="Why">
                      <p className="mb-1 text-xs text-slate-700">{p.rationale}</p>
                      <Contributions items={p.contributions} />
                      <p className="mt-1 text-xs text-slate-500">{fmt(p.supportRows)} requests behind it</p>
                    </td>
                    <td className="px-4 py-2 text-xs whitespace-nowrap" data-label="Seen">
                      {utcLabel(p.firstSeen)}
                      <br />
                      {utcLabel(p.lastSeen)}
                    </td>
                    {view.can.review && (
                      <td className="space-y-1 px-4 py-2 max-sm:flex max-sm:gap-2 max-sm:space-y-0">
                        <ActionButton
                          name={`Accept ${p.from.value} to ${p.to.value}`}
                          label="Accept"
                          action={acceptProposalAction.bind(null, caseId, p.id)}
                          pendingText="Accepting…"
                          variant="primary"
                        />
                        <ActionButton
                          name={`Reject ${p.from.value} to ${p.to.value}`}
                          label="Reject"
                          action={rejectProposalAction.bind(null, caseId, p.id)}
                          pendingText="Rejecting…"
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </DataTable>
              {view.proposalCount > view.proposals.length && (
                <p className="text-xs text-slate-500">
                  The {fmt(view.proposals.length)} most confident of {fmt(view.proposalCount)} are shown; decide them,
                  or accept in bulk.
                </p>
              )}
            </div>
          )}
        </Panel>
      </section>

      <Panel title="How are two entities linked?">
        <PathForm from={from} to={to} />
        {pathError && (
          <p role="alert" className="mt-3 text-sm text-red-700">
            {pathError}
          </p>
        )}
        {path === null && (
          <p role="status" className="mt-3 text-sm text-slate-700">
            No path between them at confidence {view.minConfidence} and above.
          </p>
        )}
        {path && <PathView caseId={caseId} path={path} />}
      </Panel>

      {view.can.review && (
        <Panel
          title="Add entities"
          actions={
            <Link href={`${base}/entities`} className="text-brand-700 text-sm hover:underline">
              All entities
            </Link>
          }
        >
          <div className="grid gap-8 lg:grid-cols-2">
            <EntityForm action={createEntityAction.bind(null, caseId)} />
            <EntityCsvForm action={importEntitiesAction.bind(null, caseId)} />
          </div>
        </Panel>
      )}

      {view.can.configure && (
        <Panel title="Rule settings">
          <LinkageSettingsForm action={updateLinkageSettingsAction.bind(null, caseId)} settings={view.settings} />
        </Panel>
      )}
    </div>
  );
}
