import type { Metadata } from "next";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditPager } from "@/components/audit/audit-pager";
import { AuditTable } from "@/components/audit/audit-table";
import { VerifyPanel } from "@/components/audit/verify-panel";
import { listAuditEvents, parseAuditFilters } from "@/lib/audit/queries";
import { can } from "@/lib/auth/permissions";
import { orNotFound, requirePageUser } from "@/lib/page";
import { verifyChainAction } from "./actions";

export const metadata: Metadata = { title: "Audit log" };

const PATH = "/admin/audit";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditLogPage({ searchParams }: Props) {
  const user = await requirePageUser();
  const { filters, ignored, typed } = parseAuditFilters(await searchParams);
  // listAuditEvents is the check (audit.read); to anyone else this page is a 404.
  const page = await orNotFound(listAuditEvents(user, filters));
  return (
    <>
      <div className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every change and every read of sensitive material, newest first. The log cannot be edited.
        </p>
      </div>
      {can(user, "audit.verify") && <VerifyPanel action={verifyChainAction} path={PATH} />}
      <AuditFilters path={PATH} filters={filters} ignored={ignored} typed={typed} />
      <AuditTable
        viewerOrgId={user.orgId}
        rows={page.rows}
        empty={<p className="text-slate-700">No events match these filters. Widen the date range or clear a filter.</p>}
      />
      <AuditPager path={PATH} filters={filters} nextCursor={page.nextCursor} />
    </>
  );
}
