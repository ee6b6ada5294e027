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
      <label>
        Kind
        <select name="kind" defaultValue={filters.kind ?? ""} className={SELECT}>
          <option value="">Any</option>
          {EVIDENCE_KINDS.map((k) => (
            <option key={k} value={k}>
              {EVIDENCE_KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Tag
        <select name="tag" defaultValue={filters.tag ?? ""} className={SELECT}>
          <option value="">Any</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Organisation
        <select name="orgId" defaultValue={filters.orgId ?? ""} className={SELECT}>
          <option value="">Any</option>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
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
