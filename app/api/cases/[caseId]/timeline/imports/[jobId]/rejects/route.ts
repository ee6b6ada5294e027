import { requireUser } from "@/lib/auth/guards";
import { route, textDownload } from "@/lib/http";
import { exportImportRejects, listImportRejects } from "@/lib/timeline/import";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string; jobId: string }> };

/**
 * GET ?after=<line>&limit= — rejected rows in file order (every kept one, page by page);
 * GET ?format=csv — every rejected row as a CSV download, however many (the file is read again).
 */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const { caseId, jobId } = await params;
  const search = new URL(request.url).searchParams;
  if (search.get("format") === "csv") {
    const { fileName, chunks } = await exportImportRejects(user, caseId, jobId);
    return textDownload(chunks, { fileName, contentType: "text/csv; charset=utf-8" });
  }
  return Response.json(await listImportRejects(user, caseId, jobId, Object.fromEntries(search)), {
    headers: { "Cache-Control": "no-store" },
  });
});
