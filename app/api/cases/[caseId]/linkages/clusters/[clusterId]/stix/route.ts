import { requireUser } from "@/lib/auth/guards";
import { contentDisposition, route } from "@/lib/http";
import { exportClusterStix } from "@/lib/linkage/stix";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string; clusterId: string }> };

/** GET /api/cases/:caseId/linkages/clusters/:clusterId/stix?minConfidence= — the cluster as a STIX 2.1 bundle. */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const { caseId, clusterId } = await params;
  const minConfidence = new URL(request.url).searchParams.get("minConfidence") || undefined;
  const { bundle, fileName } = await exportClusterStix(user, caseId, clusterId, { minConfidence });
  return new Response(JSON.stringify(bundle, null, 2), {
    headers: {
      "Content-Type": "application/stix+json;version=2.1; charset=utf-8",
      "Content-Disposition": contentDisposition("attachment", fileName),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
