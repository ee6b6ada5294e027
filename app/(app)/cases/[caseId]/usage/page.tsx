import type { Metadata } from "next";
import { UsageWorkspace } from "@/components/usage/usage-workspace";
import { orNotFound, requirePageUser } from "@/lib/page";
import { getUsageView } from "@/lib/usage/queries";
import {
  addSignalToTimelineAction,
  deleteUsageImportAction,
  recomputeSignalsAction,
  startUsageImportAction,
  updateSignalSettingsAction,
} from "./actions";

export const metadata: Metadata = { title: "Usage" };

type Props = {
  params: Promise<{ caseId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function UsagePage({ params, searchParams }: Props) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const view = await orNotFound(getUsageView(user, caseId, await searchParams));
  const actions = {
    start: startUsageImportAction.bind(null, caseId),
    deleteImport: (jobId: string) => deleteUsageImportAction.bind(null, caseId, jobId),
    addSignal: (signalId: string) => addSignalToTimelineAction.bind(null, caseId, signalId),
    saveSettings: updateSignalSettingsAction.bind(null, caseId),
    recompute: recomputeSignalsAction.bind(null, caseId),
  };
  return <UsageWorkspace caseId={caseId} view={view} actions={actions} />;
}
