import type { Metadata } from "next";
import Link from "next/link";
import { CustodyTable } from "@/components/evidence/custody-table";
import { ActionButton, EvidenceEditForm, ReasonForm } from "@/components/evidence/evidence-actions";
import { IntegrityAlert, EvidenceSummary } from "@/components/evidence/evidence-summary";
import { EvidencePreview } from "@/components/evidence/evidence-preview";
import { Panel } from "@/components/ui/panel";
import { getEvidence } from "@/lib/evidence/queries";
import { orNotFound, requirePageUser } from "@/lib/page";
import { requestReleaseAction } from "../../actions";
import { deleteEvidenceAction, purgeEvidenceAction, updateEvidenceAction, verifyEvidenceAction } from "../actions";

export const metadata: Metadata = { title: "Evidence item" };

export default async function EvidenceItemPage({
  params,
}: {
  params: Promise<{ caseId: string; evidenceId: string }>;
}) {
  const user = await requirePageUser();
  const { caseId, evidenceId } = await params;
  const e = await orNotFound(getEvidence(user, caseId, evidenceId));
  const api = `/api/cases/${e.caseId}/evidence/${e.id}`;
  const bind = (action: typeof updateEvidenceAction) => action.bind(null, e.caseId, e.id);
  return (
    <div className="space-y-4">
      <Link href={`/cases/${e.caseId}/evidence`} className="text-brand-700 text-sm hover:underline">
        ← All evidence
      </Link>
      <IntegrityAlert evidence={e} />
      <EvidenceSummary evidence={e} downloadHref={`${api}/download`} />
      <Panel title="Preview">
        <EvidencePreview preview={e.preview} src={`${api}/preview`} title={e.title} />
      </Panel>
      <Panel title="Chain of custody">
        <CustodyTable rows={e.custody} />
      </Panel>
      <div className="grid gap-4 lg:grid-cols-2">
        {e.can.verify && (
          <Panel title="Integrity">
            <ActionButton action={bind(verifyEvidenceAction)} label="Verify integrity" pendingText="Re-hashing…" />
          </Panel>
        )}
        {e.can.edit && (
          <Panel title="Edit metadata">
            <EvidenceEditForm
              action={bind(updateEvidenceAction)}
              evidence={{ ...e, collectedAt: e.collectedAt?.toISOString() ?? "", tags: e.tags.join(", ") }}
            />
          </Panel>
        )}
        {e.can.release && (
          <Panel title="Release to partner">
            <ReasonForm
              action={requestReleaseAction.bind(null, e.caseId)}
              hidden={{ itemType: "evidence", itemId: e.id }}
              label="Release"
              pendingText="Releasing…"
              reasonLabel="What is released and why"
              variant="primary"
            />
          </Panel>
        )}
        {e.can.delete && (
          <Panel title="Delete">
            <ReasonForm
              action={bind(deleteEvidenceAction)}
              label="Delete evidence"
              pendingText="Deleting…"
              reasonLabel="Reason for deletion"
            />
          </Panel>
        )}
        {e.can.purge && (
          <Panel title="Purge file">
            <ReasonForm
              action={bind(purgeEvidenceAction)}
              label="Purge stored file"
              pendingText="Purging…"
              reasonLabel="Reason for purging"
            />
          </Panel>
        )}
      </div>
    </div>
  );
}
