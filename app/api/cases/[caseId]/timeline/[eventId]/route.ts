import { requireUser } from "@/lib/auth/guards";
import { readJsonBody, requireSameOrigin, route } from "@/lib/http";
import { deleteTimelineEvent, updateTimelineEvent } from "@/lib/timeline/mutations";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string; eventId: string }> };

/** PATCH /api/cases/:caseId/timeline/:eventId — the whole event plus `version`; 409 when stale. */
export const PATCH = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  requireSameOrigin(request);
  const { caseId, eventId } = await params;
  const body: unknown = await readJsonBody(request);
  return Response.json(await updateTimelineEvent(user, eventId, body, caseId), {
    headers: { "Cache-Control": "no-store" },
  });
});

/** DELETE /api/cases/:caseId/timeline/:eventId?version=n — soft delete; 409 when stale. */
export const DELETE = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  requireSameOrigin(request);
  const { caseId, eventId } = await params;
  await deleteTimelineEvent(user, eventId, new URL(request.url).searchParams.get("version") ?? undefined, caseId);
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
