import type { Metadata } from "next";
import { AuditPager } from "@/components/audit/audit-pager";
import { AuditTable } from "@/components/audit/audit-table";
import { listCaseActivity } from "@/lib/cases/activity";
import { orNotFound, requirePageUser } from "@/lib/page";

export const metadata: Metadata = { title: "Activity" };

type Props = {
  params: Promise<{ caseId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function ActivityPage({ params, searchParams }: Props) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const page = await orNotFound(listCaseActivity(user, caseId, await searchParams));
  return (
    <>
      <p className="mb-3 text-sm text-slate-600">
        Everything done in this case, and every read of its contents, newest first.
      </p>
      <AuditTable
        viewerOrgId={user.orgId}
        rows={page.rows}
        caption="Case activity, newest first"
        empty={<p className="text-slate-700">No activity yet.</p>}
      />
      <AuditPager path={`/cases/${caseId}/activity`} filters={page.filters} nextCursor={page.nextCursor} />
    </>
  );
}
