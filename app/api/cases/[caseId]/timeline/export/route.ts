import { requireUser } from "@/lib/auth/guards";
import { route, textDownload } from "@/lib/http";
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
  return textDownload(chunks, {
    fileName: `timeline.${format}`,
    contentType: format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
  });
});
