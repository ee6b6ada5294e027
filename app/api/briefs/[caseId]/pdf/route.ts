import { requireUser } from "@/lib/auth/guards";
import { contentDisposition, route } from "@/lib/http";
import { exportBriefPdf } from "@/lib/summary/brief-pdf";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string }> };

/** GET /api/briefs/:caseId/pdf?size=letter — the case's one-page brief (A4 unless Letter). */
export const GET = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  const { caseId } = await params;
  const size = new URL(request.url).searchParams.get("size");
  const { pdf, fileName } = await exportBriefPdf(user, caseId, size);
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": contentDisposition("attachment", fileName),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
