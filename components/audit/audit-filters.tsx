import Link from "next/link";
import { Button } from "@/components/ui/button";
import type { TAuditFilters } from "@/lib/audit/queries";

// A plain GET form: the filters live in the URL, so a filtered view is a link to share.
type Props = { path: string; filters: TAuditFilters; ignored: string[]; typed: Record<string, string> };

const FIELDS = [
  { name: "action", label: "Action starts with", placeholder: "case.", type: "text" },
  { name: "actor", label: "Actor (email or user id)", placeholder: "name@example.org", type: "text" },
  { name: "caseId", label: "Case (number or id)", placeholder: "CB-2026-…", type: "text" },
  { name: "from", label: "From (UTC)", placeholder: "", type: "date" },
  { name: "to", label: "To (UTC)", placeholder: "", type: "date" },
] as const;

export function AuditFilters({ path, filters, ignored, typed }: Props) {
  const active = FIELDS.some((f) => filters[f.name] || typed[f.name]);
  return (
    <form method="get" action={path} className="mb-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        {FIELDS.map((field) => (
          <label key={field.name} className="text-sm">
            <span className="mb-1 block font-medium text-slate-700">{field.label}</span>
            <input
              name={field.name}
              type={field.type}
              defaultValue={typed[field.name] ?? ""}
              aria-invalid={ignored.includes(field.name)}
              placeholder={field.placeholder}
              className="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm"
            />
          </label>
        ))}
      </div>
      {ignored.length > 0 && (
        <p role="status" className="mt-3 text-sm text-amber-800">
          Ignored, not valid:{" "}
          {ignored.map((name) => FIELDS.find((f) => f.name === name)?.label ?? "page link").join("; ")}.
        </p>
      )}
      <div className="mt-3 flex items-center gap-3">
        <Button type="submit">Apply filters</Button>
        {active && (
          <Link href={path} className="text-sm text-slate-600 hover:underline">
            Clear filters
          </Link>
        )}
      </div>
    </form>
  );
}

/** The URL of another page of the same filtered view. */
export function auditPageHref(path: string, filters: TAuditFilters, cursor: string | null): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    const value = filters[field.name];
    if (value) params.set(field.name, value);
  }
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}
