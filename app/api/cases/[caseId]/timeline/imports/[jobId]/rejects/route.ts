import { requireUser } from "@/lib/auth/guards";
import { route } from "@/lib/http";
import { listImportRejects } from "@/lib/timeline/import";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string; jobId: string }> };

/** GET ?after=<line>&limit= — rejected rows in file order (every one, page by page). */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const { caseId, jobId } = await params;
  return Response.json(
    await listImportRejects(user, caseId, jobId, Object.fromEntries(new URL(request.url).searchParams)),
    { headers: { "Cache-Control": "no-store" } },
  );
});
