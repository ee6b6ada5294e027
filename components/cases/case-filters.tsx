import Link from "next/link";
import { humanise } from "@/components/cases/case-badges";
import { FilterSelect, labelled, OrgFilterSelect } from "@/components/ui/filter-select";

type Props = {
  filters: { status?: string; severity?: string; orgId?: string; mine?: string; q?: string; sort: string; dir: string };
  orgs: { id: string; name: string }[];
  statuses: readonly string[];
  severities: readonly string[];
  sorts: readonly string[];
};

const SORT_LABELS: Record<string, string> = {
  updated: "Last updated",
  created: "Opened",
  number: "Case number",
  title: "Title",
  severity: "Severity",
};

const SELECT = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

// A plain GET form: filters live in the URL (shareable, back button works, no JavaScript needed).
export function CaseFilters({ filters, orgs, statuses, severities, sorts }: Props) {
  return (
    <form
      method="get"
      role="search"
      aria-label="Filter cases"
      className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm"
    >
      <label className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600">Search</span>
        <input name="q" defaultValue={filters.q} placeholder="Title or case number" className={`${SELECT} w-56`} />
      </label>
      <FilterSelect label="Status" name="status" value={filters.status} options={labelled(statuses, humanise)} />
      <FilterSelect
        label="Severity"
        name="severity"
        value={filters.severity}
        options={labelled(severities, humanise)}
      />
      <OrgFilterSelect orgs={orgs} value={filters.orgId} />
      <div className="flex flex-col gap-1">
        <label htmlFor="case-sort" className="text-xs font-medium text-slate-600">
          Sort by
        </label>
        <span className="flex gap-1">
          <select id="case-sort" name="sort" defaultValue={filters.sort} className={SELECT}>
            {sorts.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s] ?? humanise(s)}
              </option>
            ))}
          </select>
          <select name="dir" defaultValue={filters.dir} aria-label="Sort direction" className={SELECT}>
            <option value="desc">Descending</option>
            <option value="asc">Ascending</option>
          </select>
        </span>
      </div>
      <label className="flex items-center gap-2 pb-1.5">
        <input
          type="checkbox"
          name="mine"
          value="1"
          defaultChecked={filters.mine === "1"}
          className="rounded border-slate-300"
        />
        <span>My cases only</span>
      </label>
      <div className="flex gap-2 pb-0.5">
        <button type="submit" className="bg-brand-600 hover:bg-brand-700 rounded-md px-3 py-1.5 font-medium text-white">
          Apply
        </button>
        <Link href="/cases" className="rounded-md px-3 py-1.5 text-slate-600 hover:bg-slate-100">
          Reset
        </Link>
      </div>
    </form>
  );
}
