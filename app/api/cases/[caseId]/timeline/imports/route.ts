import { requireUser } from "@/lib/auth/guards";
import { requireContentType, requireSameOrigin, route } from "@/lib/http";
import { createImport } from "@/lib/timeline/import";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string }> };

/**
 * POST /api/cases/:caseId/timeline/imports — the file as the raw body (application/octet-stream),
 * its name in X-File-Name (URI-encoded; .csv, .jsonl or .ndjson). Streams it to storage; 201
 * with the job and a preview (columns, first rows) for the mapping step.
 */
export const POST = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  requireSameOrigin(request);
  requireContentType(request, "application/octet-stream", "the file as the raw request body");
  const result = await createImport(user, (await params).caseId, {
    body: request.body,
    fileName: request.headers.get("x-file-name"),
    contentLength: request.headers.get("content-length"),
  });
  return Response.json(result, { status: 201, headers: { "Cache-Control": "no-store" } });
});
