import { requireUser } from "@/lib/auth/guards";
import { route } from "@/lib/http";
import { getTimelineHistogram } from "@/lib/timeline/queries";
import { filtersFromSearchParams } from "@/lib/timeline/schemas";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string }> };

/**
 * GET /api/cases/:caseId/timeline/histogram?<filters>&timeZone=<IANA zone> — counts per time
 * bucket and category, buckets starting at the zone's midnights/hours (default UTC; an unknown
 * zone is a 400).
 */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const search = new URL(request.url).searchParams;
  const zone = { timeZone: search.get("timeZone") ?? undefined };
  return Response.json(await getTimelineHistogram(user, (await params).caseId, filtersFromSearchParams(search), zone), {
    headers: { "Cache-Control": "no-store" },
  });
});
