import { FilterSelect, labelled, OrgFilterSelect } from "@/components/ui/filter-select";
import { EVIDENCE_KIND_LABELS, EVIDENCE_KINDS, type TEvidenceFilters } from "@/lib/evidence/schemas";

const SELECT = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** A plain GET form: filters live in the URL, so they can be shared and survive reloads. */
export function EvidenceFilters({
  filters,
  orgs,
  tags,
}: {
  filters: TEvidenceFilters;
  orgs: { id: string; name: string }[];
  tags: string[];
}) {
  return (
    <form method="get" className="flex flex-wrap items-end gap-3 text-sm" aria-label="Filter evidence">
      <FilterSelect
        variant="inline"
        label="Kind"
        name="kind"
        value={filters.kind}
        options={labelled(EVIDENCE_KINDS, (k) => EVIDENCE_KIND_LABELS[k])}
      />
      <FilterSelect variant="inline" label="Tag" name="tag" value={filters.tag} options={labelled(tags, (t) => t)} />
      <OrgFilterSelect variant="inline" orgs={orgs} value={filters.orgId} />
      <label>
        Privileged
        <select name="privileged" defaultValue={filters.privileged ?? ""} className={SELECT}>
          <option value="">Either</option>
          <option value="yes">Privileged</option>
          <option value="no">Not privileged</option>
        </select>
      </label>
      <label>
        Sort
        <select name="sort" defaultValue={filters.sort} className={SELECT}>
          <option value="added">Date added</option>
          <option value="collected">Date collected</option>
          <option value="title">Title</option>
          <option value="size">Size</option>
        </select>
      </label>
      <label>
        Order
        <select name="dir" defaultValue={filters.dir} className={SELECT}>
          <option value="desc">Descending</option>
          <option value="asc">Ascending</option>
        </select>
      </label>
      <label className="flex items-center gap-1 pb-2">
        <input type="checkbox" name="deleted" value="1" defaultChecked={filters.deleted === "1"} /> Deleted only
      </label>
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
        Apply
      </button>
    </form>
  );
}
