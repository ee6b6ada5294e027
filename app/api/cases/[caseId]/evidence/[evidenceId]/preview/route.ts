import { requireUser } from "@/lib/auth/guards";
import { openEvidenceFile } from "@/lib/evidence/queries";
import { route, untrustedFileResponse } from "@/lib/http";

export const dynamic = "force-dynamic";

/** GET — raster images only (PNG, JPEG, GIF, WebP; magic bytes checked on upload), inline and sandboxed; audited. */
export const GET = route<{ params: Promise<{ caseId: string; evidenceId: string }> }>(async (_request, { params }) => {
  const user = await requireUser();
  const { caseId, evidenceId } = await params;
  return untrustedFileResponse(await openEvidenceFile(user, caseId, evidenceId, "preview"), "inline");
});
