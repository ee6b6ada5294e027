import { requireUser } from "@/lib/auth/guards";
import { route } from "@/lib/http";
import { getTimelineHistogram } from "@/lib/timeline/queries";
import { filtersFromSearchParams } from "@/lib/timeline/schemas";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string }> };

/** GET /api/cases/:caseId/timeline/histogram?<filters> — counts per time bucket and category. */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const filters = filtersFromSearchParams(new URL(request.url).searchParams);
  return Response.json(await getTimelineHistogram(user, (await params).caseId, filters), { headers: { "Cache-Control": "no-store" } });
});
