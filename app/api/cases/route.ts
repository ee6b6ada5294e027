import { requireUser } from "@/lib/auth/guards";
import { listCases } from "@/lib/cases/queries";
import { ZCaseFilters } from "@/lib/cases/schemas";
import { route } from "@/lib/http";

export const dynamic = "force-dynamic";

/** GET /api/cases?status=&severity=&orgId=&mine=1&q=&sort=&dir=&page= — the caller's visible cases. */
export const GET = route(async (request) => {
  const user = await requireUser();
  const filters = ZCaseFilters.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await listCases(user, filters));
});
