import { requireUser } from "@/lib/auth/guards";
import { readJsonBody, requireSameOrigin, route } from "@/lib/http";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { listTimelineEvents } from "@/lib/timeline/queries";
import { filtersFromSearchParams } from "@/lib/timeline/schemas";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string }> };

/** GET /api/cases/:caseId/timeline?category=&source=&confidence=&orgId=&q=&from=&to=&cursor=&limit= — one keyset page, oldest first. */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const search = new URL(request.url).searchParams;
  const page = { cursor: search.get("cursor") ?? undefined, limit: search.get("limit") ?? undefined };
  return Response.json(await listTimelineEvents(user, (await params).caseId, filtersFromSearchParams(search), page), {
    headers: { "Cache-Control": "no-store" },
  });
});

/** POST /api/cases/:caseId/timeline — JSON body (docs/api/timeline.md); 201 with the new id. */
export const POST = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  requireSameOrigin(request);
  const result = await createTimelineEvent(user, (await params).caseId, await readJsonBody(request));
  return Response.json(result, { status: 201, headers: { "Cache-Control": "no-store" } });
});
