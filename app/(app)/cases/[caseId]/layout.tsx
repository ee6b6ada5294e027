import Link from "next/link";
import { CaseTabs } from "@/components/cases/case-tabs";
import { SeverityBadge, StatusBadge, TlpBadge } from "@/components/cases/case-badges";
import { orNotFound, requirePageUser } from "@/lib/page";
import { getCaseHeader } from "@/lib/cases/queries";
import { InertText } from "@/components/ui/inert-text";

// No loading.tsx anywhere below this segment, on purpose: a Suspense boundary lets the response
// start (status 200) before the page has checked access, and a refused page would then answer
// 200 with the not-found body. Every page here checks first (orNotFound) and so answers a real
// 404; tests/e2e/not-found.spec.ts holds this. The tabs show navigation in progress instead.
const READ_TABS = [
  { slug: "", label: "Overview" },
  { slug: "evidence", label: "Evidence" },
  { slug: "timeline", label: "Timeline" },
  { slug: "usage", label: "Usage" },
  { slug: "linkages", label: "Linkages" },
  { slug: "notes", label: "Notes" },
  { slug: "activity", label: "Activity" },
  { slug: "members", label: "Members" },
];

export default async function CaseLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ caseId: string }>;
}) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const header = await orNotFound(getCaseHeader(user, caseId));
  const readTabs = header.permissions.createProduction
    ? [...READ_TABS, { slug: "exports", label: "Exports" }]
    : READ_TABS;
  const tabs = header.canRead ? readTabs : READ_TABS.filter((t) => t.slug === "members");
  return (
    <>
      <header className="mb-4">
        <p className="font-mono text-xs text-slate-500">{header.number}</p>
        <h1 className="text-2xl font-semibold tracking-tight">
          <InertText text={header.title} />
        </h1>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <StatusBadge status={header.status} />
          <SeverityBadge severity={header.severity} />
          <TlpBadge tlp={header.tlp} />
          {header.legalHold && (
            <span className="rounded-full bg-red-600 px-2 py-0.5 text-xs font-semibold text-white">Legal hold</span>
          )}
          {header.canRead && (
            <Link href={`/briefs/${header.id}`} className="text-brand-700 text-sm hover:underline">
              One-page brief
            </Link>
          )}
          {!header.canRead && (
            <span className="text-xs text-slate-500">
              You manage membership of this case but are not a member: its contents are hidden.
            </span>
          )}
        </div>
      </header>
      <CaseTabs caseId={header.id} tabs={tabs} />
      {children}
    </>
  );
}
