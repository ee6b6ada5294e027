import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/components/usage/usage-forms";
import { LinkEventForm, LinkForm, MergeForm } from "@/components/linkage/linkage-forms";
import { ConfidenceBadge, ENTITY_KIND_LABELS, LINK_KIND_LABELS, provenanceLabel } from "@/components/linkage/labels";
import { DataTable } from "@/components/ui/data-table";
import { Panel } from "@/components/ui/panel";
import { getEntity } from "@/lib/linkage/queries";
import { orNotFound, requirePageUser } from "@/lib/page";
import { createLinkAction, linkEventAction, mergeEntityAction, unmergeEntityAction } from "../../actions";
import { utcLabel, utcRange } from "@/lib/utc";

export const metadata: Metadata = { title: "Entity" };

type Props = { params: Promise<{ caseId: string; entityId: string }> };
const fmt = (n: number) => n.toLocaleString("en");
/** Links to the usage rows, one per spelling the logs use, at most this many. */
const MAX_SPELLING_LINKS = 10;

export default async function EntityPage({ params }: Props) {
  const user = await requirePageUser();
  const { caseId, entityId } = await params;
  const view = await orNotFound(getEntity(user, caseId, entityId));
  const { entity } = view;
  const base = `/cases/${caseId}/linkages`;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`${base}/entities`} className="text-brand-700 hover:underline">
            ← Entities
          </Link>
        </p>
        <h2 className="mt-2 font-mono text-lg font-semibold break-all">{entity.value}</h2>
        <p className="text-sm text-slate-600">
          {ENTITY_KIND_LABELS[entity.kind]} · id <span className="font-mono text-xs">{entity.id}</span>
        </p>
        {entity.mergedInto && (
          <p className="mt-2 rounded-md bg-amber-50 p-2 text-sm text-amber-900">
            Merged into{" "}
            <Link href={`${base}/entities/${entity.mergedInto.id}`} className="font-mono underline">
              {entity.mergedInto.value}
            </Link>
            .
          </p>
        )}
        {view.cluster && (
          <p className="mt-2 text-sm">
            In{" "}
            <Link href={`${base}/clusters/${view.cluster.id}`} className="text-brand-700 hover:underline">
              {view.cluster.name ?? "a cluster"} ({fmt(view.cluster.accounts)} accounts)
            </Link>
          </p>
        )}
      </div>

      {view.usage && (
        <Panel title="Its API usage">
          <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-5">
            <div>
              <dt className="text-xs text-slate-500">Requests</dt>
              <dd className="tabular-nums">{fmt(view.usage.requests)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Tokens</dt>
              <dd className="tabular-nums">{fmt(view.usage.tokens)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Rate-limited</dt>
              <dd className="tabular-nums">{fmt(view.usage.rateLimited)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Keys</dt>
              <dd className="tabular-nums">{fmt(view.usage.keys)}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Active</dt>
              <dd className="text-xs">{utcRange(view.usage.firstSeen, view.usage.lastSeen)}</dd>
            </div>
          </dl>
          {view.usageSpellings.length > 0 && (
            <p className="mt-2 text-sm">
              See its usage rows
              {view.usageSpellings.length > 1 ? ", as the logs spell it: " : " "}
              {view.usageSpellings.slice(0, MAX_SPELLING_LINKS).map((spelling, i) => (
                <span key={spelling}>
                  {i > 0 && " · "}
                  <Link
                    href={`/cases/${caseId}/usage?account=${encodeURIComponent(spelling)}&view=rows`}
                    className="text-brand-700 font-mono hover:underline"
                  >
                    {spelling}
                  </Link>
                </span>
              ))}
              {view.usageSpellings.length > MAX_SPELLING_LINKS &&
                ` and ${fmt(view.usageSpellings.length - MAX_SPELLING_LINKS)} more`}
            </p>
          )}
        </Panel>
      )}

      <Panel title={`Links (${view.links.length})`}>
        {view.links.length === 0 ? (
          <p className="text-sm text-slate-600">No links yet.</p>
        ) : (
          <DataTable
            caption="Links of this entity"
            columns={["Linked to", "Kind", "Confidence", "Provenance", "Whose", ""]}
          >
            {view.links.map((l) => {
              const other =
                l.fromId === entity.id || view.aliases.some((a) => a.id === l.fromId)
                  ? { id: l.toId, value: l.toValue, kind: l.toKind }
                  : { id: l.fromId, value: l.fromValue, kind: l.fromKind };
              return (
                <tr key={l.id}>
                  <td className="px-4 py-2">
                    <Link href={`${base}/entities/${other.id}`} className="font-mono text-xs hover:underline">
                      {other.value}
                    </Link>
                    <span className="ml-2 text-xs text-slate-500">{ENTITY_KIND_LABELS[other.kind]}</span>
                  </td>
                  <td className="px-4 py-2 text-xs">{LINK_KIND_LABELS[l.kind]}</td>
                  <td className="px-4 py-2">
                    <ConfidenceBadge confidence={l.confidence} />
                  </td>
                  <td className="px-4 py-2 text-xs">{provenanceLabel(l.provenance)}</td>
                  <td className="px-4 py-2 text-xs">{l.orgName}</td>
                  <td className="px-4 py-2 text-xs">
                    <Link href={`${base}/links/${l.id}`} className="text-brand-700 hover:underline">
                      Why?
                    </Link>
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </Panel>

      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Spellings and sources">
          <ul className="space-y-1 text-sm">
            {view.spellings.map((s, i) => (
              <li key={i}>
                <span className="font-mono text-xs">{s.display}</span>
                {s.label && <span className="ml-2 text-slate-600">“{s.label}”</span>}
                <span className="ml-2 text-xs text-slate-500">{s.source}</span>
              </li>
            ))}
          </ul>
          {view.aliases.length > 0 && (
            <>
              <h3 className="mt-4 text-sm font-semibold">Merged into this one</h3>
              <ul className="mt-1 space-y-1 text-sm">
                {view.aliases.map((a) => (
                  <li key={a.id}>
                    <Link href={`${base}/entities/${a.id}`} className="font-mono text-xs hover:underline">
                      {a.value}
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Panel>
        <Panel title="Timeline events naming it">
          {view.events.length === 0 ? (
            <p className="text-sm text-slate-600">None yet. Link events to entities from the event&apos;s page.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {view.events.map((e) => (
                <li key={e.id}>
                  <span className="text-xs text-slate-500">{utcLabel(e.occurredAt)}</span>{" "}
                  <Link href={`/cases/${caseId}/timeline?entity=${entity.id}`} className="hover:underline">
                    {e.title}
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {view.can.review && (
            <LinkEventForm action={linkEventAction.bind(null, caseId, entity.id)} events={view.eventChoices} />
          )}
        </Panel>
      </div>

      {view.can.review && (
        <>
          <Panel title="Merge">
            {entity.mergedInto ? (
              <ActionButton
                name="Undo the merge"
                label="Undo the merge"
                action={unmergeEntityAction.bind(null, caseId, entity.id)}
                pendingText="Undoing…"
              />
            ) : (
              <MergeForm action={mergeEntityAction.bind(null, caseId, entity.id)} kind={entity.kind} />
            )}
          </Panel>
          <Panel title="Add a link by hand">
            <LinkForm
              action={createLinkAction.bind(null, caseId)}
              fromId={entity.id}
              fromKind={entity.kind}
              evidence={view.evidence}
            />
          </Panel>
        </>
      )}
    </div>
  );
}
