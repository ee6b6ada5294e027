import type { Metadata } from "next";
import Link from "next/link";
import { CaseFilters } from "@/components/cases/case-filters";
import { CaseTable } from "@/components/cases/case-table";
import { Pagination } from "@/components/ui/pagination";
import { requirePageUser } from "@/lib/page";
import { can } from "@/lib/auth/permissions";
import { listCases } from "@/lib/cases/queries";
import { CASE_SORTS, CASE_STATUSES, SEVERITIES, ZCaseFilters } from "@/lib/cases/schemas";
import { listOrganizationNames } from "@/lib/organizations";

export const metadata: Metadata = { title: "Cases" };

export default async function CasesPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const user = await requirePageUser();
  const filters = ZCaseFilters.parse(await searchParams);
  const [list, orgs] = await Promise.all([listCases(user, filters), listOrganizationNames(user)]);
  const { page: _page, ...params } = { ...filters, page: undefined };
  const filtered = Boolean(filters.status || filters.severity || filters.orgId || filters.mine || filters.q);
  return (
    <>
      <div className="mb-6 flex items-end justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Cases</h1>
          <p className="mt-1 text-sm text-slate-600">Investigations you can see.</p>
        </div>
        {can(user, "case.create") && (
          <Link
            href="/cases/new"
            className="bg-brand-600 hover:bg-brand-700 rounded-md px-4 py-2 text-sm font-medium text-white shadow-sm"
          >
            New case
          </Link>
        )}
      </div>
      <CaseFilters filters={filters} orgs={orgs} statuses={CASE_STATUSES} severities={SEVERITIES} sorts={CASE_SORTS} />
      <CaseTable cases={list.items} filtered={filtered} total={list.total} />
      {list.total > 0 && (
        <Pagination
          page={list.page}
          pageCount={list.pageCount}
          total={list.total}
          params={params as Record<string, string | undefined>}
          noun="case"
        />
      )}
    </>
  );
}
