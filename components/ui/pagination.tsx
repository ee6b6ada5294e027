import Link from "next/link";

/** Previous / next links that keep the other query parameters. */
export function Pagination({
  page,
  pageCount,
  total,
  params,
  noun,
}: {
  page: number;
  pageCount: number;
  total: number;
  params: Record<string, string | undefined>;
  noun: string;
}) {
  const href = (p: number) =>
    `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(params).filter(([, v]) => v)), page: String(p) } as Record<string, string>)}`;
  const link = "rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50";
  return (
    <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm text-slate-600">
      <span>
        {total.toLocaleString("en")} {noun}
        {total === 1 ? "" : "s"} · page {page} of {pageCount}
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link className={link} href={href(page - 1)} rel="prev">
            Previous
          </Link>
        ) : (
          <span className={`${link} opacity-40`} aria-disabled="true">
            Previous
          </span>
        )}
        {page < pageCount ? (
          <Link className={link} href={href(page + 1)} rel="next">
            Next
          </Link>
        ) : (
          <span className={`${link} opacity-40`} aria-disabled="true">
            Next
          </span>
        )}
      </span>
    </nav>
  );
}
