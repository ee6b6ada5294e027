import { requireUser } from "@/lib/auth/guards";
import { requireContentType, requireSameOrigin, route } from "@/lib/http";
import { verifyUploadedProduction } from "@/lib/productions/verify-upload";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string }> };

/**
 * POST /api/cases/:caseId/productions/verify — a production ZIP as the raw body
 * (application/zip): its completeness and every digest, each difference named, and whether it is
 * one of the case's productions (by SHA-256). Nothing is stored.
 */
export const POST = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  requireSameOrigin(request);
  requireContentType(request, "application/zip");
  const report = await verifyUploadedProduction(user, (await params).caseId, request.body);
  return Response.json(report, { headers: { "Cache-Control": "no-store" } });
});
