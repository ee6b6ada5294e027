import type { Metadata } from "next";
import Link from "next/link";
import { UserFilters } from "@/components/admin/user-filters";
import { UserPagination } from "@/components/admin/user-pagination";
import { UserTable } from "@/components/admin/user-table";
import { orNotFound, requirePageUser } from "@/lib/page";
import { listOrganizations, listUsers } from "@/lib/users/queries";
import { USERS_PAGE_SIZE } from "@/lib/users/schemas";

export const metadata: Metadata = { title: "Users" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function UsersPage({ searchParams }: Props) {
  const actor = await requirePageUser();
  // Admin pages do not exist for anyone else: lib/users refuses them (NotFoundError → 404).
  const [result, organizations] = await orNotFound(
    Promise.all([listUsers(actor, await searchParams), listOrganizations(actor)]),
  );
  const { page, ...filters } = result.filters;
  return (
    <>
      <div className="mb-6 flex items-end justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
          <p className="mt-1 text-sm text-slate-600">Everyone who can sign in to Casebridge, in every organisation.</p>
        </div>
        <Link
          href="/admin/users/new"
          className="bg-brand-600 hover:bg-brand-700 rounded-md px-4 py-2 text-sm font-medium text-white shadow-sm"
        >
          New user
        </Link>
      </div>
      <UserFilters filters={filters} organizations={organizations} />
      <UserTable users={result.users} isFiltered={Object.values(filters).some(Boolean)} />
      <UserPagination
        filters={filters}
        page={page}
        pageCount={result.pageCount}
        total={result.total}
        pageSize={USERS_PAGE_SIZE}
      />
    </>
  );
}
