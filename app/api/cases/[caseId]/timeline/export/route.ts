import { requireUser } from "@/lib/auth/guards";
import { contentDisposition, route } from "@/lib/http";
import { exportTimeline } from "@/lib/timeline/export";
import { filtersFromSearchParams } from "@/lib/timeline/schemas";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string }> };

/** GET /api/cases/:caseId/timeline/export?format=csv|json&<filters> — the filtered timeline, streamed. */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const search = new URL(request.url).searchParams;
  const format = search.get("format") === "json" ? "json" : "csv";
  const chunks = exportTimeline(user, (await params).caseId, filtersFromSearchParams(search), format);
  // The first chunk is awaited here, so authorization and validation errors become problem+json.
  const first = await chunks.next();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(encoder.encode(first.value));
    },
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
      "Content-Disposition": contentDisposition("attachment", `timeline.${format}`),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
