import { requireUser } from "@/lib/auth/guards";
import { openEvidenceFile } from "@/lib/evidence/queries";
import { route, untrustedFileResponse } from "@/lib/http";

export const dynamic = "force-dynamic";

/** GET — the file as an attachment, streamed; audited and recorded in custody. */
export const GET = route<{ params: Promise<{ caseId: string; evidenceId: string }> }>(async (_request, { params }) => {
  const user = await requireUser();
  const { caseId, evidenceId } = await params;
  return untrustedFileResponse(await openEvidenceFile(user, caseId, evidenceId, "download"), "attachment");
});
