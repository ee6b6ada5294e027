import type { ReactNode } from "react";

/**
 * The app's table frame: a horizontally scrolling card, a caption for screen readers, a header
 * row of column names (a `false` column is left out) and the caller's rows. No hooks, so server
 * and client components both use it. With `stack`, a phone shows each row as a card and each cell
 * as a line under its column's name, which the caller gives each cell as `data-label` (a wide
 * table of prose would otherwise scroll sideways; see app/globals.css). Some screen readers
 * (Safari's) then read the rows as plain blocks; each cell's label still says what it is.
 */
export function DataTable({
  caption,
  columns,
  bodyClassName = "",
  stack = false,
  children,
}: {
  caption: string;
  columns: (ReactNode | false)[];
  bodyClassName?: string;
  stack?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="scroll-hint overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-stack={stack || undefined}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
          <tr>
            {columns
              .filter((c) => c !== false)
              .map((c, i) => (
                <th key={i} scope="col" className="px-4 py-3">
                  {c}
                </th>
              ))}
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-100 ${bodyClassName}`.trim()}>{children}</tbody>
      </table>
    </div>
  );
}
