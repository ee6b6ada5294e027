import Link from "next/link";
import { SeverityBadge, StatusBadge, humanise } from "@/components/cases/case-badges";
import { BriefUsageChart } from "@/components/charts/summary-charts";
import { BriefGraph } from "@/components/summary/brief-graph";
import { briefDay, type TBrief } from "@/lib/summary/brief";
import { ENFORCEMENT_LABELS } from "@/lib/summary/schemas";
import { InertText } from "@/components/ui/inert-text";

const full = new Intl.NumberFormat("en");
const TLP_BANNER: Record<string, string> = {
  CLEAR: "bg-white text-black border border-black",
  GREEN: "bg-[#33ff00] text-black",
  AMBER: "bg-[#ffc000] text-black",
  AMBER_STRICT: "bg-[#ffc000] text-black",
  RED: "bg-[#ff2b2b] text-black",
};

function Section({ title, id, children }: { title: string; id?: string; children: React.ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id ?? title}-h`} className="break-inside-avoid">
      <h2 id={`${id ?? title}-h`} className="mb-1 text-base font-semibold print:text-sm">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** The one-page brief (print stylesheet: app/globals.css `.brief`). */
export function BriefView({ brief }: { brief: TBrief }) {
  const f = brief.figures;
  const tlp = `TLP:${brief.case.tlp.replace("_", "+")}`;
  return (
    <article className="brief space-y-4 print:space-y-2" aria-label={`Brief of ${brief.case.number}`}>
      <p className={`rounded px-3 py-1 text-sm font-bold ${TLP_BANNER[brief.case.tlp] ?? ""}`}>{tlp}</p>
      <header>
        <p className="font-mono text-xs text-slate-500">{brief.case.number}</p>
        <h1 className="text-2xl font-semibold tracking-tight print:text-lg">
          <InertText text={brief.case.title} />
        </h1>
        <div className="mt-1 flex flex-wrap items-center gap-2 text-sm">
          <StatusBadge status={brief.case.status} />
          <SeverityBadge severity={brief.case.severity} />
          <span className="text-slate-600">Owner: {brief.case.ownerOrgName}</span>
          {brief.level === "aggregate" && (
            <span className="text-slate-600">· Aggregates only: you are not a member of this case.</span>
          )}
        </div>
      </header>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-5" aria-label="Headline figures">
        {[
          ["Accounts", full.format(f.accounts)],
          ["Clusters", `${full.format(f.clusters)} (${full.format(f.linkedAccounts)} accounts)`],
          ["Requests", full.format(f.requests)],
          ["Tokens", full.format(f.tokens)],
          [
            "Activity",
            f.activityDays ? (
              // Broken between the two days, never inside one.
              <>
                <span className="whitespace-nowrap">{f.activityDays.first} –</span>{" "}
                <span className="whitespace-nowrap">{f.activityDays.last}</span>
              </>
            ) : (
              "None yet"
            ),
          ],
        ].map(([label, value]) => (
          <div key={String(label)} className="rounded border border-slate-200 bg-white p-2">
            <dt className="text-xs text-slate-600">{label}</dt>
            <dd className="font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <Section title="Key findings">
        <p className="text-xs text-slate-500">
          {brief.text
            ? `Version ${brief.text.version}, by ${brief.text.authorName}, ${briefDay(brief.text.createdAt)}`
            : "The case's leads have not written the brief yet."}
        </p>
        <p className="whitespace-pre-line">{brief.text?.findings || "—"}</p>
      </Section>
      <Section title="Recommended next steps">
        <p className="whitespace-pre-line">{brief.text?.nextSteps || "—"}</p>
      </Section>
      <div className="grid gap-4 md:grid-cols-[2fr_1fr]">
        {brief.usage.points.length ? (
          <BriefUsageChart points={brief.usage.points} bucket={brief.usage.bucket} />
        ) : (
          <p className="text-sm text-slate-600">No usage imported yet: figures appear once a usage log is loaded.</p>
        )}
        {brief.graph && <BriefGraph graph={brief.graph} />}
      </div>
      {brief.level === "full" && (
        <Section title="Last timeline events">
          {brief.events.length ? (
            <ul className="text-sm">
              {brief.events.map((e) => (
                <li key={e.id}>
                  <time dateTime={e.occurredAt.toISOString()}>{briefDay(e.occurredAt)}</time> ·{" "}
                  {e.customCategory ?? humanise(e.category)} · <InertText text={e.title} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600">No events on the timeline yet.</p>
          )}
        </Section>
      )}
      <Section title="Enforcement" id="enforcement">
        {brief.enforcement.length ? (
          <div className="scroll-hint overflow-x-auto [--scroll-hint-bg:var(--color-slate-50)] print:overflow-visible">
            {/* On a phone the table keeps its columns' width and scrolls, rather than crushing them. */}
            <table className="w-full min-w-[40rem] text-left text-sm print:min-w-0 [&_td]:py-1 [&_td]:pr-3 [&_th]:pr-3">
              <thead className="text-xs text-slate-600">
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">By</th>
                  <th scope="col">Targets</th>
                  <th scope="col" className="text-right">
                    Requests, week before → after
                  </th>
                  <th scope="col" className="text-right">
                    Tokens, week before → after
                  </th>
                </tr>
              </thead>
              <tbody>
                {brief.enforcement.map((a) => (
                  <tr key={a.id} className="border-t border-slate-100 align-top">
                    <td className="whitespace-nowrap">{briefDay(a.takenAt)}</td>
                    <td>{ENFORCEMENT_LABELS[a.kind as keyof typeof ENFORCEMENT_LABELS] ?? a.kind}</td>
                    <td>
                      {a.carriedOutBy} ({a.orgName}), requested by {a.requestedBy}
                    </td>
                    <td>{a.targets.length ? a.targets.map((t) => t.value).join(", ") : a.targetCount}</td>
                    <td className="text-right whitespace-nowrap tabular-nums">
                      {a.effect
                        ? `${full.format(a.effect.before.requests)} → ${full.format(a.effect.after.requests)}`
                        : "not measurable"}
                    </td>
                    <td className="text-right whitespace-nowrap tabular-nums">
                      {a.effect
                        ? `${full.format(a.effect.before.tokens)} → ${full.format(a.effect.after.tokens)}`
                        : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-slate-600">No enforcement action recorded yet.</p>
        )}
      </Section>
      <Section title={`Productions by your organisation (${brief.productionCount})`}>
        {brief.productions.length ? (
          <ul className="text-sm">
            {brief.productions.map((p) => (
              <li key={p.id}>
                <Link href={`/cases/${brief.case.id}/exports/${p.id}`} className="text-brand-700 hover:underline">
                  {briefDay(p.completedAt)} · {p.bates}
                </Link>{" "}
                · to {p.receivingParty} · by {p.createdBy}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600">
            {brief.productionCount ? "Listed for the case's members." : "None by your organisation yet."}
          </p>
        )}
      </Section>
      <p className="text-xs text-slate-500">
        {brief.case.number} · {tlp}
      </p>
    </article>
  );
}
