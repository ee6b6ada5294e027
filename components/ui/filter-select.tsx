/** One option of a filter: the value in the URL and the words shown. */
export type FilterOption = { value: string; label: string };

const CAPTION_SELECT = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
const INLINE_SELECT = "mt-1 block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/**
 * A select in a plain GET filter form, its first option the unfiltered one ("Any").
 * `caption` puts a small caption above the field (case list, summary); `inline` writes the label
 * as text before a block select (evidence, timeline), whose width `selectClassName` may set.
 */
export function FilterSelect({
  label,
  name,
  value,
  options,
  anyLabel = "Any",
  variant = "caption",
  className,
  selectClassName,
}: {
  label: string;
  name: string;
  value: string | undefined;
  options: readonly FilterOption[];
  anyLabel?: string | null;
  variant?: "caption" | "inline";
  className?: string;
  selectClassName?: string;
}) {
  const select = (
    <select
      name={name}
      defaultValue={value ?? ""}
      className={selectClassName ?? (variant === "caption" ? CAPTION_SELECT : INLINE_SELECT)}
    >
      {anyLabel !== null && <option value="">{anyLabel}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
  if (variant === "inline") {
    return (
      <label className={className}>
        {label}
        {select}
      </label>
    );
  }
  return (
    <label className={className ?? "flex flex-col gap-1"}>
      <span className="text-xs font-medium text-slate-600">{label}</span>
      {select}
    </label>
  );
}

/** The organisation filter every list has: the two organisations of the case or portfolio. */
export function OrgFilterSelect({
  orgs,
  value,
  ...rest
}: { orgs: readonly { id: string; name: string }[]; value: string | undefined } & Omit<
  Parameters<typeof FilterSelect>[0],
  "label" | "name" | "value" | "options"
>) {
  return (
    <FilterSelect
      label="Organisation"
      name="orgId"
      value={value}
      options={orgs.map((o) => ({ value: o.id, label: o.name }))}
      {...rest}
    />
  );
}

/** Values shown through a label function, as most enum filters are. */
export const labelled = <T extends string>(values: readonly T[], label: (v: T) => string): FilterOption[] =>
  values.map((value) => ({ value, label: label(value) }));
