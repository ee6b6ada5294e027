import { requireUser } from "@/lib/auth/guards";
import { describeEvidenceFile, openEvidenceFile } from "@/lib/evidence/queries";
import { route, untrustedFileResponse } from "@/lib/http";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string; evidenceId: string }> };

/** GET — raster images only (PNG, JPEG, GIF, WebP; magic bytes checked on upload), inline and sandboxed; audited. */
export const GET = route<TContext>(async (_request, { params }) => {
  const user = await requireUser();
  const { caseId, evidenceId } = await params;
  return untrustedFileResponse(await openEvidenceFile(user, caseId, evidenceId, "preview"), "inline");
});

/** HEAD — GET's headers without the image; not recorded as a preview (see the download route). */
export const HEAD = route<TContext>(async (_request, { params }) => {
  const user = await requireUser();
  const { caseId, evidenceId } = await params;
  return untrustedFileResponse(await describeEvidenceFile(user, caseId, evidenceId, "preview"), "inline");
});
