import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

// Public by design (load balancers call it): database reachability only, no case data.
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
