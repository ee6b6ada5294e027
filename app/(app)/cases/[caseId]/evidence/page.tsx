import type { Metadata } from "next";
import { ActionButton } from "@/components/evidence/evidence-actions";
import { EvidenceFilters } from "@/components/evidence/evidence-filters";
import { EvidenceTable } from "@/components/evidence/evidence-table";
import { EvidenceUploader } from "@/components/evidence/evidence-uploader";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { getCaseHeader } from "@/lib/cases/queries";
import { getEvidenceSizeLimit } from "@/lib/evidence/limits";
import { listEvidence } from "@/lib/evidence/queries";
import { ZEvidenceFilters } from "@/lib/evidence/schemas";
import { orNotFound, requirePageUser } from "@/lib/page";
import { verifyAllEvidenceAction } from "./actions";

export const metadata: Metadata = { title: "Evidence" };

type Props = { params: Promise<{ caseId: string }>; searchParams: Promise<Record<string, string | undefined>> };

export default async function EvidencePage({ params, searchParams }: Props) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const query = await searchParams;
  const filters = ZEvidenceFilters.parse(query);
  const [header, list] = await orNotFound(
    Promise.all([getCaseHeader(user, caseId), listEvidence(user, caseId, filters)]),
  );
  const { createEvidence, verifyEvidence } = header.permissions;
  const limits = getEvidenceSizeLimit();
  // On a phone the list comes first and the upload form after it (a link at the top leads
  // there); from the sm breakpoint up, the form sits above the list as before.
  return (
    <div className="flex flex-col gap-4">
      {createEvidence && (
        <>
          <a href="#add-evidence" className="text-brand-700 self-start text-sm font-medium underline sm:hidden">
            Add evidence ↓
          </a>
          <section id="add-evidence" aria-label="Add evidence" className="order-last sm:order-none">
            <EvidenceUploader
              caseId={header.id}
              direct={header.releaseMode === "DIRECT"}
              orgName={user.orgName}
              maxBytes={limits.maxBytes}
              maxLabel={limits.maxLabel}
            />
          </section>
        </>
      )}
      <div className="flex flex-wrap items-end justify-between gap-3">
        <EvidenceFilters filters={filters} orgs={list.orgs} tags={list.tags} />
        {verifyEvidence && list.total > 0 && (
          <ActionButton
            action={verifyAllEvidenceAction.bind(null, header.id)}
            label="Verify all items"
            pendingText="Re-hashing every file…"
          />
        )}
      </div>
      {list.items.length === 0 ? (
        <EmptyState title="No evidence here">
          {createEvidence ? "Add the first item with the upload form." : "Members who can upload add evidence here."}
        </EmptyState>
      ) : (
        <EvidenceTable caseId={header.id} items={list.items} />
      )}
      <Pagination page={list.page} pageCount={list.pageCount} total={list.total} params={query} noun="item" />
    </div>
  );
}
