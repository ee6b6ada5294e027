import type { Metadata } from "next";
import Link from "next/link";
import { CustodyTable } from "@/components/evidence/custody-table";
import { ActionButton, EvidenceEditForm } from "@/components/evidence/evidence-actions";
import { PrivilegeControl } from "@/components/privilege/privilege-control";
import { WithheldStub } from "@/components/privilege/withheld";
import { IntegrityAlert, EvidenceSummary } from "@/components/evidence/evidence-summary";
import { EvidencePreview } from "@/components/evidence/evidence-preview";
import { SourceLines } from "@/components/evidence/source-lines";
import { ItemRelease } from "@/components/releases/item-release";
import { Panel } from "@/components/ui/panel";
import { ReasonForm } from "@/components/ui/reason-form";
import { getEvidence } from "@/lib/evidence/queries";
import { orNotFound, requirePageUser } from "@/lib/page";
import {
  decideReleaseAction,
  flagPrivilegeAction,
  requestReleaseAction,
  unflagPrivilegeAction,
  withdrawReleaseAction,
} from "../../actions";
import { deleteEvidenceAction, purgeEvidenceAction, updateEvidenceAction, verifyEvidenceAction } from "../actions";

export const metadata: Metadata = { title: "Evidence item" };

export default async function EvidenceItemPage({
  params,
  searchParams,
}: {
  params: Promise<{ caseId: string; evidenceId: string }>;
  searchParams: Promise<{ line?: string | string[] }>;
}) {
  const user = await requirePageUser();
  const { caseId, evidenceId } = await params;
  const e = await orNotFound(getEvidence(user, caseId, evidenceId, { line: (await searchParams).line }));
  const back = (
    <Link href={`/cases/${e.caseId}/evidence`} className="text-brand-700 text-sm hover:underline">
      ← All evidence
    </Link>
  );
  if ("withheld" in e)
    return (
      <div className="space-y-4">
        {back}
        <WithheldStub stub={e} />
      </div>
    );
  const api = `/api/cases/${e.caseId}/evidence/${e.id}`;
  const bind = (action: typeof updateEvidenceAction) => action.bind(null, e.caseId, e.id);
  const releaseActions = {
    release: requestReleaseAction.bind(null, e.caseId),
    decide: decideReleaseAction.bind(null, e.caseId),
    withdraw: withdrawReleaseAction.bind(null, e.caseId),
  };
  return (
    <div className="space-y-4">
      {back}
      <IntegrityAlert evidence={e} />
      <EvidenceSummary evidence={e} downloadHref={`${api}/download`} />
      {e.sourceLines && <SourceLines source={e.sourceLines} sha256={e.sha256} />}
      <Panel title="Preview">
        <EvidencePreview preview={e.preview} src={`${api}/preview`} title={e.title} />
      </Panel>
      <Panel title="Chain of custody">
        <CustodyTable rows={e.custody} />
      </Panel>
      {/* Each panel its own height: a short one is not stretched to its neighbour's. */}
      <div className="grid items-start gap-4 lg:grid-cols-2">
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
        {e.can.flagPrivilege && (
          <Panel title="Privilege">
            <PrivilegeControl
              flag={flagPrivilegeAction.bind(null, e.caseId)}
              unflag={unflagPrivilegeAction.bind(null, e.caseId)}
              itemType="evidence"
              itemId={e.id}
              item={e}
            />
          </Panel>
        )}
        {(e.can.release || e.can.approve || e.can.withdraw || e.release) && (
          <Panel title="Release to partner">
            <ItemRelease itemType="evidence" item={e} orgName={e.orgName} actions={releaseActions} />
          </Panel>
        )}
        {e.can.delete && (
          <Panel title="Delete">
            <ReasonForm
              action={bind(deleteEvidenceAction)}
              name="Delete evidence"
              button="Delete evidence"
              pendingText="Deleting…"
              label="Reason for deletion"
              variant="danger"
              multiline
              success="Done."
            />
          </Panel>
        )}
        {e.can.purge && (
          <Panel title="Purge file">
            <ReasonForm
              action={bind(purgeEvidenceAction)}
              name="Purge file"
              button="Purge stored file"
              pendingText="Purging…"
              label="Reason for purging"
              variant="danger"
              multiline
              success="Done."
            />
          </Panel>
        )}
      </div>
    </div>
  );
}
