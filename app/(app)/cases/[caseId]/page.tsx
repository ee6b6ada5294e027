import type { Metadata } from "next";
import { CaseForm } from "@/components/cases/case-form";
import { SharePanel } from "@/components/cases/share-panel";
import { LegalHoldControl, StatusControl } from "@/components/cases/status-controls";
import { Markdown } from "@/components/ui/markdown";
import { Panel } from "@/components/ui/panel";
import { orNotFound, requirePageUser } from "@/lib/page";
import { getCaseHeader, getCaseOverview, listShareCandidates } from "@/lib/cases/queries";
import { CASE_STATUSES, RELEASE_MODES, SEVERITIES, TLPS } from "@/lib/cases/schemas";
import { setLegalHoldAction, setStatusAction, shareAction, unshareAction, updateCaseAction } from "./actions";

export const metadata: Metadata = { title: "Case overview" };

export default async function CaseOverviewPage({ params }: { params: Promise<{ caseId: string }> }) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const [header, overview] = await orNotFound(
    Promise.all([getCaseHeader(user, caseId), getCaseOverview(user, caseId)]),
  );
  const { permissions: can } = header;
  const shareCandidates = can.share ? await listShareCandidates(user, caseId) : [];
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">
        <Panel title="Summary">
          {overview.summary ? (
            <Markdown>{overview.summary}</Markdown>
          ) : (
            <p className="text-sm text-slate-500">No summary yet.{can.update && " Add one under Edit details."}</p>
          )}
        </Panel>
        {can.update && (
          <Panel title="Edit details">
            <CaseForm
              action={updateCaseAction.bind(null, header.id)}
              values={{ ...header, summary: overview.summary }}
              severities={SEVERITIES}
              tlps={TLPS}
              releaseModes={RELEASE_MODES}
              submitLabel="Save changes"
            />
          </Panel>
        )}
      </div>
      <div className="space-y-6">
        <Panel title="Organisations">
          <p className="text-sm">
            <span className="text-slate-500">Owner:</span> {overview.ownerOrg.name}
          </p>
          <p className="mb-3 text-sm">
            <span className="text-slate-500">Shared with:</span>{" "}
            {overview.sharedOrgs.map((o) => o.name).join(", ") || "nobody yet"}
          </p>
          {can.share && (
            <SharePanel
              shareAction={shareAction.bind(null, header.id)}
              unshareAction={unshareAction.bind(null, header.id)}
              shared={overview.sharedOrgs}
              candidates={shareCandidates}
            />
          )}
        </Panel>
        {(can.setStatus || can.setLegalHold) && (
          <Panel title="Lead controls">
            <div className="space-y-5">
              {can.setStatus && (
                <StatusControl
                  action={setStatusAction.bind(null, header.id)}
                  status={header.status}
                  version={header.version}
                  statuses={CASE_STATUSES}
                />
              )}
              {can.setLegalHold && (
                <LegalHoldControl
                  action={setLegalHoldAction.bind(null, header.id)}
                  legalHold={header.legalHold}
                  version={header.version}
                />
              )}
            </div>
          </Panel>
        )}
      </div>
    </div>
  );
}
