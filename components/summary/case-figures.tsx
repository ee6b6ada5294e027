import Link from "next/link";
import { SeverityBadge, StatusBadge, TlpBadge, humanise } from "@/components/cases/case-badges";
import type { TSummaryCase } from "@/lib/summary/portfolio";
import { InertText } from "@/components/ui/inert-text";

const full = new Intl.NumberFormat("en");

/**
 * The list behind the KPIs: each case with its figures in the period. A member's numbers open the
 * case's own pages; anyone else's open the brief (aggregates only).
 */
export function CaseFigures({ cases, restricted }: { cases: TSummaryCase[]; restricted: number }) {
  return (
    <section id="cases" aria-labelledby="cases-title" className="mb-8">
      <h2 id="cases-title" className="mb-2 text-lg font-semibold">
        Cases in this summary
      </h2>
      {restricted > 0 && (
        <p className="mb-2 text-sm text-slate-600">
          Plus {restricted} TLP:RED {restricted === 1 ? "case" : "cases"} for named members only, counted here and not
          listed.
        </p>
      )}
      <div className="scroll-hint overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <thead className="bg-slate-50 text-xs text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">
                Case
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2">
                Severity
              </th>
              <th scope="col" className="px-3 py-2">
                TLP
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Signals
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Attributed requests
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Attributed tokens
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Enforcement
              </th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => {
              const brief = `/briefs/${c.id}`;
              const num = (value: number, memberHref: string) => (
                <Link href={c.member ? memberHref : brief} className="text-brand-700 tabular-nums hover:underline">
                  {full.format(value)}
                </Link>
              );
              return (
                <tr key={c.id} className="border-t border-slate-100">
                  <th scope="row" className="px-3 py-2 font-normal">
                    <Link href={brief} className="text-brand-700 font-medium hover:underline">
                      {c.number}
                    </Link>{" "}
                    <span className="text-slate-700">
                      <InertText text={c.title} />
                    </span>
                    {!c.member && <span className="ml-1 text-xs text-slate-500">(aggregates)</span>}
                  </th>
                  <td className="px-3 py-2">
                    <StatusBadge status={c.status} />
                  </td>
                  <td className="px-3 py-2">
                    <SeverityBadge severity={c.severity} />
                  </td>
                  <td className="px-3 py-2">
                    <TlpBadge tlp={c.tlp} />
                  </td>
                  <td className="px-3 py-2 text-right">{num(c.signals, `/cases/${c.id}/usage`)}</td>
                  <td className="px-3 py-2 text-right">{num(c.requests, `/cases/${c.id}/linkages`)}</td>
                  <td className="px-3 py-2 text-right">{num(c.tokens, `/cases/${c.id}/linkages`)}</td>
                  <td className="px-3 py-2 text-right">{num(c.enforcement, `/briefs/${c.id}#enforcement`)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Severity × status: a count per cell, each opening the case list filtered to it. */
export function SeverityStatusMatrix({ rows }: { rows: { severity: string; counts: Record<string, number> }[] }) {
  const statuses = Object.keys(rows[0]?.counts ?? {});
  return (
    <figure aria-labelledby="matrix-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <figcaption id="matrix-title" className="mb-2 font-semibold text-slate-900">
        Cases by severity and status (now)
      </figcaption>
      <table className="w-full text-center text-sm">
        <thead>
          <tr>
            <th scope="col" className="py-1 text-left text-xs text-slate-600">
              Severity ↓ · Status →
            </th>
            {statuses.map((s) => (
              <th key={s} scope="col" className="py-1 text-xs text-slate-600">
                {humanise(s)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.severity}>
              <th scope="row" className="py-1 text-left font-normal">
                {humanise(r.severity)}
              </th>
              {statuses.map((s) => {
                const count = r.counts[s] ?? 0;
                // Shade by count (darker = more) and print the number: colour is never the only cue.
                const shade =
                  count === 0
                    ? "bg-slate-50"
                    : count < 3
                      ? "bg-sky-100"
                      : count < 10
                        ? "bg-sky-300"
                        : "bg-sky-600 text-white";
                return (
                  <td key={s} className={`border border-white py-2 tabular-nums ${shade}`}>
                    <Link
                      href={`/cases?severity=${r.severity}&status=${s}`}
                      className="hover:underline"
                      aria-label={`${count} ${humanise(r.severity).toLowerCase()} ${humanise(s).toLowerCase()} cases`}
                    >
                      {count}
                    </Link>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
