import { humanise } from "@/components/cases/case-badges";
import { FilterSelect, labelled, OrgFilterSelect } from "@/components/ui/filter-select";

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
      <FilterSelect
        label="Period"
        name="period"
        value={filters.period}
        anyLabel={null}
        options={Object.entries(PERIOD_LABELS).map(([value, label]) => ({ value, label }))}
      />
      <FilterSelect
        label="Severity"
        name="severity"
        value={filters.severity}
        options={labelled(severities, humanise)}
      />
      <OrgFilterSelect orgs={orgs} value={filters.orgId} />
      <button type="submit" className="bg-brand-600 hover:bg-brand-700 rounded-md px-3 py-1.5 font-medium text-white">
        Apply
      </button>
    </form>
  );
}
