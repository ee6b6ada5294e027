import type { TActor } from "@/lib/auth/session";
import { runImportJob } from "@/lib/jobs/runner";
import { changeUsageImport, getUsageImport, startUsageImport } from "@/lib/usage/imports";
import { upload } from "@/tests/helpers/evidence";

/** Uploads a file as evidence and loads it as API usage through the real job, start to commit. */
export async function importUsageFile(
  actor: TActor,
  caseId: string,
  bytes: Buffer,
  opts: { title?: string; fileName?: string; visibility?: "ALL_CASE_ORGS" | "OWNER_ORG_ONLY"; preset?: string } = {},
) {
  const evidence = await upload(actor, caseId, bytes, {
    title: opts.title ?? "Gateway log",
    fileName: opts.fileName ?? "gateway.csv",
    mimeType: "text/csv",
    ...(opts.visibility ? { visibility: opts.visibility } : {}),
  });
  const started = await startUsageImport(actor, caseId, { evidenceId: evidence.id, preset: opts.preset ?? "gateway" });
  await changeUsageImport(actor, caseId, started.job.id, { action: "validate", options: { mapping: started.mapping } });
  await runImportJob(started.job.id);
  await changeUsageImport(actor, caseId, started.job.id, { action: "commit" });
  await runImportJob(started.job.id);
  const done = await getUsageImport(actor, caseId, started.job.id);
  if (done.job.status !== "COMMITTED") throw new Error(`Import ended ${done.job.status}: ${done.job.error ?? ""}`);
  return { evidence, job: done.job };
}
