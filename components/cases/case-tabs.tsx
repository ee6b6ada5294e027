"use client";

import Link, { useLinkStatus } from "next/link";
import { usePathname } from "next/navigation";

/** While a tab's page loads (the case pages have no loading skeleton: see the case layout). */
function PendingMark() {
  const { pending } = useLinkStatus();
  return pending ? (
    <span aria-hidden="true" className="ml-1.5 inline-block h-2 w-2 animate-pulse rounded-full bg-current" />
  ) : null;
}

export function CaseTabs({ caseId, tabs }: { caseId: string; tabs: { slug: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Case sections" className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex flex-wrap gap-1 text-sm">
        {tabs.map((tab) => {
          const href = `/cases/${caseId}${tab.slug ? `/${tab.slug}` : ""}`;
          const active = pathname === href;
          return (
            <li key={tab.slug}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={`inline-block border-b-2 px-3 py-2 ${active ? "border-brand-600 text-brand-700 font-medium" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"}`}
              >
                {tab.label}
                <PendingMark />
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
