import Link from "next/link";
import { GLOBAL_ROLES } from "@/lib/auth/permissions";
import { Button } from "@/components/ui/button";
import { roleLabel } from "@/components/admin/user-badges";

type Props = { filters: { q?: string; role?: string; status?: string } };

const SELECT_CLASS =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:ring-brand-600";

// A plain GET form: filters live in the URL (shareable, back button works) and need no script.
export function UserFilters({ filters }: Props) {
  return (
    <form
      method="get"
      action="/admin/users"
      role="search"
      aria-label="Filter users"
      className="mb-4 grid gap-3 sm:grid-cols-[2fr_1fr_1fr_auto] sm:items-end"
    >
      <label className="block text-sm font-medium text-slate-700">
        Search
        <input
          type="search"
          name="q"
          defaultValue={filters.q ?? ""}
          placeholder="Email or name"
          className={SELECT_CLASS}
        />
      </label>
      <label className="block text-sm font-medium text-slate-700">
        Role
        <select name="role" defaultValue={filters.role ?? ""} className={SELECT_CLASS}>
          <option value="">All roles</option>
          {GLOBAL_ROLES.map((role) => (
            <option key={role} value={role}>
              {roleLabel(role)}
            </option>
          ))}
        </select>
      </label>
      <label className="block text-sm font-medium text-slate-700">
        Status
        <select name="status" defaultValue={filters.status ?? ""} className={SELECT_CLASS}>
          <option value="">Any status</option>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
        </select>
      </label>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        <Link href="/admin/users" className="hover:text-brand-700 text-sm text-slate-600 hover:underline">
          Clear
        </Link>
      </div>
    </form>
  );
}
