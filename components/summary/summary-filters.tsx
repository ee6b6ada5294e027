import { humanise } from "@/components/cases/case-badges";

const SELECT = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
const PERIOD_LABELS: Record<string, string> = {
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  "365d": "Last 12 months",
};

type Props = {
  filters: { period: string; severity?: string; orgId?: string };
  orgs: { id: string; name: string }[];
  severities: readonly string[];
};

// A plain GET form: the filters live in the URL (shareable, back button works, no JavaScript).
export function SummaryFilters({ filters, orgs, severities }: Props) {
  return (
    <form
      method="get"
      role="search"
      aria-label="Filter the summary"
      className="mb-6 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm"
    >
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600">Period</span>
        <select name="period" defaultValue={filters.period} className={SELECT}>
          {Object.entries(PERIOD_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600">Severity</span>
        <select name="severity" defaultValue={filters.severity ?? ""} className={SELECT}>
          <option value="">Any</option>
          {severities.map((s) => (
            <option key={s} value={s}>
              {humanise(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600">Organisation</span>
        <select name="orgId" defaultValue={filters.orgId ?? ""} className={SELECT}>
          <option value="">Any</option>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="bg-brand-600 hover:bg-brand-700 rounded-md px-3 py-1.5 font-medium text-white">
        Apply
      </button>
    </form>
  );
}
