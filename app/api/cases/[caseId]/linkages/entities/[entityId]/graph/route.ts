import { requireUser } from "@/lib/auth/guards";
import { route } from "@/lib/http";
import { getNeighbourhood } from "@/lib/linkage/queries";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string; entityId: string }> };

/** GET /api/cases/:caseId/linkages/entities/:entityId/graph?minConfidence= — the entity and its neighbours. */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const { caseId, entityId } = await params;
  const minConfidence = new URL(request.url).searchParams.get("minConfidence") || undefined;
  const payload = await getNeighbourhood(user, caseId, entityId, { minConfidence });
  return Response.json(payload, { headers: { "Cache-Control": "private, no-store" } });
});
