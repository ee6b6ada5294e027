import type { Metadata } from "next";
import { UsageImportJob } from "@/components/usage/usage-import-job";
import { orNotFound, requirePageUser } from "@/lib/page";
import { getUsageImport } from "@/lib/usage/imports";
import { finishUsageImportAction, validateUsageImportAction } from "../../actions";

export const metadata: Metadata = { title: "Usage import" };

export default async function UsageImportPage({ params }: { params: Promise<{ caseId: string; jobId: string }> }) {
  const user = await requirePageUser();
  const { caseId, jobId } = await params;
  const state = await orNotFound(getUsageImport(user, caseId, jobId));
  const actions = {
    validate: validateUsageImportAction.bind(null, caseId, jobId),
    commit: finishUsageImportAction.bind(null, caseId, jobId, "commit"),
    cancel: finishUsageImportAction.bind(null, caseId, jobId, "cancel"),
  };
  return <UsageImportJob caseId={caseId} state={state} actions={actions} />;
}
