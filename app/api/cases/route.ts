import { requireUser } from "@/lib/auth/guards";
import { listCases } from "@/lib/cases/queries";
import { route } from "@/lib/http";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const user = await requireUser();
  return Response.json({ cases: await listCases(user) });
});
