import { requireUser } from "@/lib/auth/guards";
import { describeEvidenceFile, openEvidenceFile } from "@/lib/evidence/queries";
import { route, untrustedFileResponse } from "@/lib/http";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string; evidenceId: string }> };

/** GET — the file as an attachment, streamed; audited and recorded in custody. */
export const GET = route<TContext>(async (_request, { params }) => {
  const user = await requireUser();
  const { caseId, evidenceId } = await params;
  return untrustedFileResponse(await openEvidenceFile(user, caseId, evidenceId, "download"), "attachment");
});

/**
 * HEAD — the same headers (or refusal) as GET, with no body. Declared so that Next does not
 * answer HEAD by running GET, which would record a download that never happened.
 */
export const HEAD = route<TContext>(async (_request, { params }) => {
  const user = await requireUser();
  const { caseId, evidenceId } = await params;
  return untrustedFileResponse(await describeEvidenceFile(user, caseId, evidenceId, "download"), "attachment");
});
