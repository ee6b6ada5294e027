import Link from "next/link";
import { auditPageHref } from "@/components/audit/audit-filters";
import type { TAuditFilters } from "@/lib/audit/queries";

// Keyset pages: "older" follows the cursor; "newest" goes back to the top of the same filters.
type Props = { path: string; filters: TAuditFilters; nextCursor: string | null };

export function AuditPager({ path, filters, nextCursor }: Props) {
  if (!filters.cursor && !nextCursor) return null;
  return (
    <nav aria-label="Audit log pages" className="mt-4 flex justify-between text-sm">
      {filters.cursor ? (
        <Link href={auditPageHref(path, filters, null)} className="text-brand-700 hover:underline">
          ← Newest events
        </Link>
      ) : (
        <span />
      )}
      {nextCursor && (
        <Link href={auditPageHref(path, filters, nextCursor)} className="text-brand-700 hover:underline">
          Older events →
        </Link>
      )}
    </nav>
  );
}
