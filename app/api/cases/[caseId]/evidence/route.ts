import { requireUser } from "@/lib/auth/guards";
import { listEvidence } from "@/lib/evidence/queries";
import { ZEvidenceFilters } from "@/lib/evidence/schemas";
import { uploadEvidence } from "@/lib/evidence/upload";
import { requireContentType, requireSameOrigin, route } from "@/lib/http";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string }> };

/** GET /api/cases/:caseId/evidence?kind=&tag=&orgId=&privileged=&sort=&dir=&page= — the evidence the caller may see. */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const filters = ZEvidenceFilters.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await listEvidence(user, (await params).caseId, filters), {
    headers: { "Cache-Control": "no-store" },
  });
});

/**
 * POST /api/cases/:caseId/evidence — one file as the raw body (application/octet-stream),
 * metadata in X-Evidence-Metadata (base64url JSON), optional X-Content-SHA256. Streams to
 * storage; 201 with the new item, 200 when identical bytes already are an item of the case.
 */
export const POST = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  requireSameOrigin(request);
  requireContentType(request, "application/octet-stream", "the file as the raw request body");
  const result = await uploadEvidence(user, (await params).caseId, {
    body: request.body,
    metadata: request.headers.get("x-evidence-metadata"),
    sha256: request.headers.get("x-content-sha256"),
    contentLength: request.headers.get("content-length"),
  });
  return Response.json(result, { status: result.duplicate ? 200 : 201, headers: { "Cache-Control": "no-store" } });
});
