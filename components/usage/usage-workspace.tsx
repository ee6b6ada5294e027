import Link from "next/link";
import { RateLimitedChart, UsageSeriesChart } from "@/components/charts/usage-charts";
import { humanise } from "@/components/cases/case-badges";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { TFormAction } from "@/components/ui/form";
import { Panel } from "@/components/ui/panel";
import { SourceLink } from "@/components/usage/source-link";
import { ActionButton, SignalSettingsForm, StartImportForm } from "@/components/usage/usage-forms";
import type { TTopRow } from "@/lib/usage/analytics";
import type { TUsageView } from "@/lib/usage/queries";
import { usageImportStatusLabel } from "@/lib/usage/schemas";
import { ruleLabel, SIGNAL_SETTING_LABELS } from "@/lib/usage/signals-schema";
import { utcRange, utcText } from "@/lib/utc";

export type TUsageActions = {
  start: TFormAction;
  deleteImport: (jobId: string) => TFormAction;
  addSignal: (signalId: string) => TFormAction;
  saveSettings: TFormAction;
  recompute: TFormAction;
};

const n = (v: number) => v.toLocaleString("en");
/**
 * A measure in words: numbers grouped, lists comma-separated, `{ kind, value }` as "Device
 * dev_a7f3", other objects as "key value" pairs (their keys are data, such as account ids).
 */
function figure(value: unknown): string {
  if (typeof value === "number") return value.toLocaleString("en");
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(figure).join(", ");
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.kind === "string" && "value" in o && Object.keys(o).length === 2)
      return `${humanise(o.kind)} ${figure(o.value)}`;
    return Object.entries(o)
      .map(([k, v]) => `${k} ${figure(v)}`)
      .join(", ");
  }
  return String(value);
}

function FigureList({ label, values, names = {} }: { label: string; values: unknown; names?: Record<string, string> }) {
  const entries = values && typeof values === "object" ? Object.entries(values as Record<string, unknown>) : [];
  if (entries.length === 0) return null;
  return (
    <dl aria-label={label} className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="text-slate-500">{names[key] ?? humanise(key)}</dt>
          <dd className="min-w-0 break-words tabular-nums">{figure(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Why a signal fired, in words: the thresholds it was computed with and what it measured; the
 * same as stored, as JSON, for whoever needs to reproduce it (with the rule and its version).
 */
function SignalFigures({ rule, params, aggregates }: { rule: string; params: unknown; aggregates: unknown }) {
  const [id, version] = rule.split("@");
  return (
    <div className="space-y-2 rounded bg-slate-50 p-2">
      <FigureList label="Thresholds" values={params} names={SIGNAL_SETTING_LABELS} />
      <FigureList label="Measured" values={aggregates} />
      <details>
        <summary className="cursor-pointer text-slate-500">
          Rule {id}, version {version}: as JSON
        </summary>
        <pre className="mt-1 overflow-x-auto">{JSON.stringify({ rule, thresholds: params, aggregates }, null, 2)}</pre>
      </details>
    </div>
  );
}

const FILTERS = ["account", "key", "ip", "model", "endpoint", "from", "to"] as const;

/** A filter's name, as the message that it was not applied names it. */
const filterName = (name: string) => (name === "ip" ? "IP or CIDR" : name[0]!.toUpperCase() + name.slice(1));
/** The input's label: the times say their zone. */
const filterLabel = (name: string) =>
  name === "from" || name === "to" ? `${filterName(name)} (UTC)` : filterName(name);

function href(caseId: string, filters: TUsageView["filters"], change: Record<string, string | undefined>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...change })) if (v) params.set(k, String(v));
  return `/cases/${caseId}/usage?${params.toString()}`;
}

function TopTable({
  title,
  rows,
  filter,
  caseId,
  filters,
}: {
  title: string;
  rows: TTopRow[];
  filter: string;
  caseId: string;
  filters: TUsageView["filters"];
}) {
  return (
    <DataTable caption={title} columns={[title, "Requests", "Output tokens", "Rate-limited"]}>
      {rows.map((r) => (
        <tr key={r.value}>
          <td className="max-w-[14rem] truncate px-4 py-2 font-mono text-xs">
            <Link
              className="text-brand-700 hover:underline"
              href={href(caseId, filters, { [filter]: r.value })}
              title={r.value}
            >
              {r.value}
            </Link>
          </td>
          <td className="px-4 py-2 tabular-nums">{n(r.requests)}</td>
          <td className="px-4 py-2 tabular-nums">{n(r.outputTokens)}</td>
          <td className="px-4 py-2 tabular-nums">{n(r.rateLimited)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** The Usage tab: imports, signals, charts and tables of the usage the viewer may see. */
export function UsageWorkspace({
  caseId,
  view,
  actions,
}: {
  caseId: string;
  view: TUsageView;
  actions: TUsageActions;
}) {
  const { filters } = view;
  const active = [...FILTERS.filter((f) => filters[f]), ...(filters.signal ? (["signal"] as const) : [])];
  const unreadable = view.ignored.filter((i) => i.why === "unreadable");
  const reversed = view.ignored.find((i) => i.why === "not_after_from");
  const signalGone = view.ignored.some((i) => i.why === "signal_gone");
  const imports = new Map(view.imports.map((i) => [i.id, i]));
  return (
    <div className="space-y-6">
      {view.can.import && (
        <Panel title="Import API usage">
          {view.evidence.length ? (
            <StartImportForm action={actions.start} evidence={view.evidence} />
          ) : (
            <p className="text-sm text-slate-600">
              Upload the usage log on the{" "}
              <Link className="text-brand-700 underline" href={`/cases/${caseId}/evidence`}>
                Evidence
              </Link>{" "}
              tab first: imports read the stored, hashed file.
            </p>
          )}
        </Panel>
      )}

      <Panel
        title="Signals"
        actions={
          view.can.import && view.imports.some((i) => i.status === "COMMITTED") ? (
            <ActionButton
              name="Compute the signals again"
              label="Recompute"
              action={actions.recompute}
              success="Signals computed again."
            />
          ) : undefined
        }
      >
        {view.signals.length === 0 ? (
          <p className="text-sm text-slate-600">No signal has fired on the usage you can see.</p>
        ) : (
          <div className="space-y-4">
            {[...new Set(view.signals.map((s) => s.rule))].map((rule) => {
              const group = view.signals.filter((s) => s.rule === rule);
              const label = ruleLabel(rule);
              return (
                <section key={rule} aria-label={`${label} signals`}>
                  <h3 className="text-sm font-semibold text-slate-800">
                    {label} <span className="font-normal text-slate-500">· {group.length}</span>
                  </h3>
                  <ul className="divide-y divide-slate-100">
                    {group.map((s) => (
                      <li key={s.id} className="py-2">
                        <details>
                          <summary className="cursor-pointer">
                            <Badge tone={s.score >= 2 ? "red" : "orange"}>{label}</Badge>{" "}
                            <span className="text-sm">{s.summary}</span>
                          </summary>
                          <div className="mt-2 space-y-2 pl-4 text-xs text-slate-700">
                            <p>
                              {utcRange(s.periodStart, s.periodEnd)} ·{" "}
                              <Link
                                className="text-brand-700 underline"
                                href={href(
                                  caseId,
                                  {},
                                  {
                                    // One account by name; a group by the signal, however many.
                                    account: s.accounts.length === 1 ? s.accounts[0] : undefined,
                                    signal: s.accounts.length > 1 ? s.id : undefined,
                                    from: s.periodStart.toISOString(),
                                    view: "rows",
                                  },
                                )}
                              >
                                {s.accounts.length > 1 ? "their rows" : "its rows"} from the period&rsquo;s start
                              </Link>
                            </p>
                            {s.samples.length > 0 && (
                              <ul aria-label="Rows behind this signal" className="space-y-0.5">
                                {s.samples.map((r) => (
                                  <li key={`${r.importId}:${r.seq}`}>
                                    {utcText(r.occurredAt, "second")} · {r.accountId} ·{" "}
                                    <SourceLink caseId={caseId} imports={imports} importId={r.importId} line={r.line} />
                                  </li>
                                ))}
                              </ul>
                            )}
                            <SignalFigures rule={rule} params={s.params} aggregates={s.aggregates} />
                            {s.onTimeline ? (
                              <p className="text-green-700">
                                {s.onTimeline === "shared"
                                  ? "On the timeline, shared with the case's organisations."
                                  : "On the timeline, for your organisation only."}{" "}
                                <Link
                                  className="text-brand-700 underline"
                                  href={`/cases/${caseId}/timeline?${new URLSearchParams({
                                    from: s.periodStart.toISOString(),
                                    to: new Date(s.periodStart.getTime() + 60_000).toISOString(),
                                  })}`}
                                >
                                  See it there
                                </Link>
                              </p>
                            ) : (
                              view.can.addToTimeline && (
                                <ActionButton
                                  name={`Add ${s.subject} to the timeline`}
                                  label="Add to timeline"
                                  action={actions.addSignal(s.id)}
                                  success="Added to the timeline."
                                />
                              )
                            )}
                          </div>
                        </details>
                      </li>
                    ))}
                  </ul>
                </section>
              );
            })}
          </div>
        )}
        {view.can.configure && (
          <details className="mt-4 border-t border-slate-100 pt-3">
            <summary className="cursor-pointer text-sm font-medium text-slate-700">
              Thresholds and limits for this case
            </summary>
            <div className="mt-3">
              <SignalSettingsForm
                action={actions.saveSettings}
                settings={view.settings}
                labels={SIGNAL_SETTING_LABELS}
              />
            </div>
          </details>
        )}
      </Panel>

      {view.series ? (
        <>
          <form
            method="get"
            className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
            aria-label="Usage filters"
          >
            {FILTERS.map((f) => (
              <label key={f} className="text-sm">
                <span className="block text-slate-600">{filterLabel(f)}</span>
                <input
                  name={f}
                  defaultValue={filters[f] ?? view.ignored.find((i) => i.name === f)?.value ?? ""}
                  placeholder={f === "from" || f === "to" ? "2026-11-28" : undefined}
                  aria-invalid={view.ignored.some((i) => i.name === f) ? true : undefined}
                  className="mt-1 w-40 rounded-md border border-slate-300 px-2 py-1 text-sm aria-invalid:border-red-500"
                />
              </label>
            ))}
            <label className="text-sm">
              <span className="block text-slate-600">Stack by</span>
              <select
                name="by"
                defaultValue={filters.by ?? "model"}
                className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
              >
                <option value="model">model</option>
                <option value="account">top accounts</option>
              </select>
            </label>
            {/* A signal's accounts stay applied with the rest (they have no box of their own). */}
            {filters.signal && <input type="hidden" name="signal" value={filters.signal} />}
            <button type="submit" className="bg-brand-600 rounded-md px-3 py-1.5 text-sm text-white">
              Apply
            </button>
            {active.length > 0 && (
              <Link href={`/cases/${caseId}/usage`} className="text-brand-700 text-sm underline">
                Clear filters
              </Link>
            )}
          </form>
          {view.signal && (
            <div className="text-sm text-slate-700">
              <p role="status">
                Only the {view.signal.accounts.length === 1 ? "account" : `${view.signal.accounts.length} accounts`} of
                a {ruleLabel(view.signal.rule).toLowerCase()} signal.{" "}
                <Link
                  href={href(caseId, filters, { signal: undefined, view: view.rows ? "rows" : undefined })}
                  className="text-brand-700 underline"
                >
                  Show every account
                </Link>
              </p>
              <details>
                <summary className="cursor-pointer">Which accounts</summary>
                <p aria-label="The signal's accounts" className="font-mono text-xs">
                  {view.signal.accounts.join(", ")}
                </p>
              </details>
            </div>
          )}
          {signalGone && (
            <p
              role="status"
              className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            >
              Not applied: the signal this link named is no longer among the case&rsquo;s signals (they are computed
              again after each import, and one that no longer fires goes). Showing every account.
            </p>
          )}
          {unreadable.length > 0 && (
            <p
              role="status"
              className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            >
              Not applied, as they could not be read:{" "}
              {unreadable.map((i) => `${filterName(i.name)} “${i.value}”`).join(", ")}. Times are written as dates
              (2026-11-28) or UTC times (2026-11-28T10:00Z); an address as 203.0.113.7 or a range as 203.0.113.0/24.
            </p>
          )}
          {reversed && (
            <p
              role="status"
              className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            >
              Not applied: To “{reversed.value}” is not after From, so nothing could match. Showing everything from From
              on.
            </p>
          )}
          {view.series.approximate && (
            <p className="text-xs text-amber-800">
              Charts and tables show the address&rsquo;s /24 (/48) network; the rows below are exact.
            </p>
          )}
          {view.rows ? (
            <Panel
              title="Rows"
              actions={
                <Link className="text-brand-700 text-sm underline" href={href(caseId, filters, {})}>
                  Back to charts
                </Link>
              }
            >
              {view.rows.length === 0 ? (
                <p className="text-sm text-slate-600">No rows match these filters.</p>
              ) : (
                <DataTable
                  caption="Usage rows"
                  columns={[
                    "Time (UTC)",
                    "Account",
                    "Key",
                    "IP",
                    "Model",
                    "Requests",
                    "Tokens in/out",
                    "Status",
                    "Source",
                  ]}
                >
                  {view.rows.map((r) => (
                    <tr key={`${r.importId}:${r.seq}`} className="font-mono text-xs">
                      <td className="px-4 py-2 whitespace-nowrap">{utcText(r.occurredAt, "second")}</td>
                      <td className="px-4 py-2">{r.accountId}</td>
                      <td className="px-4 py-2">{r.apiKeyId}</td>
                      <td className="px-4 py-2">{r.ip}</td>
                      <td className="px-4 py-2">{r.model}</td>
                      <td className="px-4 py-2 text-right tabular-nums">{n(r.requests)}</td>
                      <td className="px-4 py-2 tabular-nums">
                        {n(r.inputTokens)} / {n(r.outputTokens)}
                      </td>
                      <td className="px-4 py-2">
                        {r.statusCode}
                        {r.rateLimited ? " (limited)" : ""}
                      </td>
                      <td className="px-4 py-2">
                        <SourceLink caseId={caseId} imports={imports} importId={r.importId} line={r.line} />
                      </td>
                    </tr>
                  ))}
                </DataTable>
              )}
              {view.nextRows && (
                <p className="mt-3 text-sm">
                  <Link
                    className="text-brand-700 underline"
                    href={href(caseId, filters, { view: "rows", after: view.nextRows })}
                  >
                    Next rows
                  </Link>
                </p>
              )}
            </Panel>
          ) : view.series.points.length === 0 ? (
            <EmptyState title={active.length ? "No usage matches these filters" : "The loaded imports hold no usage"}>
              {active.length ? (
                <>
                  Change the filters above, or{" "}
                  <Link href={`/cases/${caseId}/usage`} className="text-brand-700 underline">
                    clear them
                  </Link>{" "}
                  to see all the usage you can see.
                </>
              ) : (
                "Import a usage log with rows to see its traffic."
              )}
            </EmptyState>
          ) : (
            <>
              <Panel title="Requests over time">
                <UsageSeriesChart series={view.series} metric="requests" />
              </Panel>
              <div className="grid gap-6 lg:grid-cols-2">
                <Panel title="Tokens over time">
                  <UsageSeriesChart series={view.series} metric="tokens" />
                </Panel>
                <Panel title="Rate-limited share">
                  <RateLimitedChart series={view.series} />
                </Panel>
              </div>
              {view.top && (
                <div className="grid gap-6 lg:grid-cols-2">
                  <TopTable
                    title="Accounts"
                    rows={view.top.account}
                    filter="account"
                    caseId={caseId}
                    filters={filters}
                  />
                  <TopTable title="API keys" rows={view.top.key} filter="key" caseId={caseId} filters={filters} />
                  <TopTable title="Networks" rows={view.top.network} filter="ip" caseId={caseId} filters={filters} />
                  <TopTable title="Models" rows={view.top.model} filter="model" caseId={caseId} filters={filters} />
                </div>
              )}
              <p className="text-sm">
                <Link className="text-brand-700 underline" href={href(caseId, filters, { view: "rows" })}>
                  See the rows behind these charts
                </Link>
              </p>
            </>
          )}
        </>
      ) : (
        <EmptyState title="No usage data yet">
          {view.can.import
            ? "Import a usage log from an evidence file above to see its traffic and signals."
            : "Usage appears here once a member imports a usage log."}
        </EmptyState>
      )}

      {view.imports.length > 0 && (
        <DataTable caption="Usage imports" columns={["File", "Preset", "Status", "Rows", "Refused", "By", ""]}>
          {view.imports.map((i) => (
            <tr key={i.id}>
              <td className="px-4 py-2">
                {i.status === "COMMITTED" ? (
                  (i.evidenceTitle ?? i.fileName)
                ) : (
                  <Link className="text-brand-700 underline" href={`/cases/${caseId}/usage/imports/${i.id}`}>
                    {i.evidenceTitle ?? i.fileName}
                  </Link>
                )}
              </td>
              <td className="px-4 py-2 text-xs">{i.preset}</td>
              <td className="px-4 py-2">
                <Badge tone={i.status === "COMMITTED" ? "green" : i.status === "FAILED" ? "red" : "amber"}>
                  {usageImportStatusLabel(i.status)}
                </Badge>
              </td>
              <td className="px-4 py-2 tabular-nums">{n(i.rows)}</td>
              <td className="px-4 py-2 tabular-nums">{n(i.rejected)}</td>
              <td className="px-4 py-2 text-sm">{i.createdByName}</td>
              <td className="px-4 py-2">
                {i.canDelete && (
                  <ActionButton
                    name={`Delete import of ${i.fileName}`}
                    label="Delete…"
                    pendingText="Deleting…"
                    confirm={{
                      question: `Delete this import: its ${n(i.rows)} rows and the signals built on them?`,
                      label: "Delete",
                    }}
                    action={actions.deleteImport(i.id)}
                  />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
