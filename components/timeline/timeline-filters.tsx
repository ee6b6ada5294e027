import { FilterSelect, labelled, OrgFilterSelect } from "@/components/ui/filter-select";
import {
  CONFIDENCE_LABELS,
  CONFIDENCES,
  EVENT_CATEGORIES,
  EVENT_CATEGORY_LABELS,
  type TTimelineFilters,
} from "@/lib/timeline/schemas";
import { utcText } from "@/lib/utc";

// On a phone two fields a row, each as wide as its column; from sm each as wide as its content,
// within bounds: a select is as wide as its longest option, and a long source would widen the page.
const SELECT =
  "mt-1 block w-full max-w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm sm:w-auto sm:max-w-64";
const INLINE = { variant: "inline", className: "min-w-0", selectClassName: SELECT } as const;

/** A plain GET form: filters live in the URL (deep links); the brushed range is kept. */
export function TimelineFilters({
  filters,
  orgs,
  sources,
  customCategories,
  query,
}: {
  filters: TTimelineFilters;
  orgs: { id: string; name: string }[];
  sources: string[];
  customCategories: string[];
  /** The page's query string, for the link that removes the brushed range. */
  query: string;
}) {
  return (
    <form
      method="get"
      className="grid w-full max-w-full min-w-0 grid-cols-2 items-end gap-3 text-sm sm:flex sm:w-auto sm:flex-wrap"
      aria-label="Filter the timeline"
    >
      <FilterSelect
        {...INLINE}
        label="Category"
        name="category"
        value={filters.category[0]}
        options={labelled(EVENT_CATEGORIES, (c) => EVENT_CATEGORY_LABELS[c])}
      />
      {customCategories.length > 0 && (
        <FilterSelect
          {...INLINE}
          label="Case category"
          name="customCategory"
          value={filters.customCategory}
          options={labelled(customCategories, (c) => c)}
        />
      )}
      <FilterSelect
        {...INLINE}
        label="Confidence"
        name="confidence"
        value={filters.confidence}
        options={labelled(CONFIDENCES, (c) => CONFIDENCE_LABELS[c])}
      />
      <FilterSelect
        {...INLINE}
        label="Source"
        name="source"
        value={filters.source}
        options={labelled(sources, (s) => s)}
      />
      <OrgFilterSelect {...INLINE} orgs={orgs} value={filters.orgId} />
      <label className="col-span-2 min-w-0">
        Text
        <input
          type="search"
          name="q"
          defaultValue={filters.q ?? ""}
          className={SELECT}
          placeholder="words in any field"
        />
      </label>
      {filters.entity && (
        <p className="col-span-2 text-slate-700">
          <input type="hidden" name="entity" value={filters.entity} />
          Only events linked to{" "}
          <a href={`linkages/entities/${filters.entity}`} className="text-brand-700 underline">
            one entity
          </a>
          .
        </p>
      )}
      {filters.from && <input type="hidden" name="from" value={filters.from.toISOString()} />}
      {filters.to && <input type="hidden" name="to" value={filters.to.toISOString()} />}
      {(filters.from || filters.to) && <RangeFilter filters={filters} query={query} />}
      <div className="col-span-2 flex items-center gap-3">
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
          Apply
        </button>
        <a href="?" className="text-brand-700 px-1 py-1.5 underline">
          Clear
        </a>
      </div>
    </form>
  );
}

/** The range brushed on the histogram, shown as a filter with its own remove link (it lives in the URL). */
function RangeFilter({ filters, query }: { filters: TTimelineFilters; query: string }) {
  const rest = new URLSearchParams(query);
  rest.delete("from");
  rest.delete("to");
  const label = `${filters.from ? utcText(filters.from) : "the start"} to ${filters.to ? utcText(filters.to) : "the end"} UTC`;
  return (
    <p className="col-span-2 flex min-w-0 items-center gap-2 self-center">
      <span className="rounded-full border border-slate-300 bg-white px-2 py-1 text-xs">
        Time range: <span className="font-mono">{label}</span>
      </span>
      <a
        href={`?${rest.toString()}`}
        className="text-brand-700 text-xs underline"
        aria-label={`Remove the time range ${label}`}
      >
        Remove
      </a>
    </p>
  );
}

/** Downloads of what the filters select (the brushed range included), streamed by the export route. */
export function ExportLinks({ caseId, query }: { caseId: string; query: string }) {
  const href = (format: string) => `/api/cases/${caseId}/timeline/export?${query}${query ? "&" : ""}format=${format}`;
  return (
    <p className="flex gap-3 text-sm">
      <a href={href("csv")} download className="text-brand-700 underline">
        Export CSV
      </a>
      <a href={href("json")} download className="text-brand-700 underline">
        Export JSON
      </a>
    </p>
  );
}
