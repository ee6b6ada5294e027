import Link from "next/link";

type Props = {
  filters: Record<string, string | undefined>;
  page: number;
  pageCount: number;
  total: number;
  pageSize: number;
};

function pageHref(filters: Props["filters"], page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/admin/users?${query}` : "/admin/users";
}

const LINK_CLASS =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 shadow-sm hover:bg-slate-50";
const INACTIVE_CLASS = "rounded-md border border-slate-200 px-3 py-1.5 text-slate-400";

export function UserPagination({ filters, page, pageCount, total, pageSize }: Props) {
  if (total === 0) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(page * pageSize, total);
  return (
    <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm text-slate-600">
      <p>
        {first}–{last} of {total} users
      </p>
      <div className="flex gap-2">
        {page > 1 ? (
          <Link href={pageHref(filters, page - 1)} className={LINK_CLASS}>
            Previous
          </Link>
        ) : (
          <span aria-disabled="true" className={INACTIVE_CLASS}>
            Previous
          </span>
        )}
        {page < pageCount ? (
          <Link href={pageHref(filters, page + 1)} className={LINK_CLASS}>
            Next
          </Link>
        ) : (
          <span aria-disabled="true" className={INACTIVE_CLASS}>
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
