import { after } from "next/server";
import { requireUser } from "@/lib/auth/guards";
import { readJsonBody, requireSameOrigin, route } from "@/lib/http";
import { runImportJob } from "@/lib/jobs/runner";
import { changeImport, getImport } from "@/lib/timeline/import";

export const dynamic = "force-dynamic";

type TContext = { params: Promise<{ caseId: string; jobId: string }> };

/** GET — the job's state and progress, with the first rejected rows (poll this while it runs). */
export const GET = route<TContext>(async (_request, { params }) => {
  const user = await requireUser();
  const { caseId, jobId } = await params;
  return Response.json(await getImport(user, caseId, jobId), { headers: { "Cache-Control": "no-store" } });
});

/** POST {action: "validate", options} | {action: "commit"} | {action: "cancel"} — 202 while it runs. */
export const POST = route<TContext>(async (request, { params }) => {
  const user = await requireUser();
  requireSameOrigin(request);
  const { caseId, jobId } = await params;
  const { job, run } = await changeImport(user, caseId, jobId, await readJsonBody(request));
  // The work continues after the response; if this process dies, the next GET resumes it.
  if (run) after(() => runImportJob(job.id));
  return Response.json({ job }, { status: run ? 202 : 200, headers: { "Cache-Control": "no-store" } });
});
