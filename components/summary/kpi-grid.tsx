import Link from "next/link";
import type { TKpi } from "@/lib/summary/portfolio";

const n = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const full = new Intl.NumberFormat("en");

export type TKpiCard = { label: string; kpi: TKpi; href?: string; unit?: string };

/** The change against the previous period, in words and an arrow (never colour alone). */
function Trend({ kpi }: { kpi: TKpi }) {
  const diff = kpi.current - kpi.previous;
  const pct = kpi.previous ? ` (${diff > 0 ? "+" : ""}${Math.round((diff / kpi.previous) * 100)}%)` : "";
  const text = diff === 0 ? "no change" : `${diff > 0 ? "▲ +" : "▼ "}${full.format(diff)}${pct}`;
  return (
    <p className="mt-1 text-xs text-slate-600">
      <span aria-hidden="true">{text}</span>
      <span className="sr-only">
        {diff === 0 ? "No change" : `${diff > 0 ? "Up" : "Down"} ${full.format(Math.abs(diff))}`} from{" "}
        {full.format(kpi.previous)} in the previous period
      </span>
      <span aria-hidden="true"> vs {full.format(kpi.previous)} before</span>
    </p>
  );
}

export function KpiGrid({ cards }: { cards: TKpiCard[] }) {
  return (
    <ul className="mb-8 grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-4" aria-label="Key figures">
      {cards.map((card) => {
        const value = `${n.format(card.kpi.current)}${card.unit ? ` ${card.unit}` : ""}`;
        return (
          <li key={card.label} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <p className="text-xs font-medium text-slate-600">{card.label}</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums" title={full.format(card.kpi.current)}>
              {card.href ? (
                <Link href={card.href} className="text-brand-700 hover:underline">
                  {value}
                </Link>
              ) : (
                value
              )}
            </p>
            <Trend kpi={card.kpi} />
          </li>
        );
      })}
    </ul>
  );
}
