import { requireUser } from "@/lib/auth/guards";
import { route, untrustedFileResponse } from "@/lib/http";
import { describeProductionDownload, openProductionDownload } from "@/lib/productions/queries";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string; productionId: string }> };

/** GET — the production's ZIP as an attachment, streamed; audited, and in each produced item's custody. */
export const GET = route<TContext>(async (_request, { params }) => {
  const user = await requireUser();
  const { caseId, productionId } = await params;
  return untrustedFileResponse(await openProductionDownload(user, caseId, productionId), "attachment");
});

/** HEAD — the same headers (or refusal) with no body: not a download, so nothing is recorded. */
export const HEAD = route<TContext>(async (_request, { params }) => {
  const user = await requireUser();
  const { caseId, productionId } = await params;
  return untrustedFileResponse(await describeProductionDownload(user, caseId, productionId), "attachment");
});
