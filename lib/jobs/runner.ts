import "server-only";
import { getDb } from "@/lib/db";
import { claimJob, failureMessage, type TJobSteps } from "@/lib/jobs/job";
import { timelineImportSteps } from "@/lib/jobs/timeline-import";
import { usageImportSteps } from "@/lib/jobs/usage-import";
import { outsideReadScope } from "@/lib/read-scope";

// The one runner for every kind of import job: claim, run the step the job is in, and on any
// error mark it FAILED with a message (nothing of a failed step is visible: each kind's commit
// is one transaction, and a usage load is attached only at its commit).

const STEPS: Record<"TIMELINE" | "USAGE", TJobSteps> = {
  TIMELINE: timelineImportSteps,
  USAGE: usageImportSteps,
};

/** Runs a job that is VALIDATING or COMMITTING, unless another runner holds it. */
export function runImportJob(jobId: string): Promise<void> {
  // A status poll (a read) may start the job: it runs on its own, not in that request's scope.
  return outsideReadScope(() => runClaimed(jobId));
}

async function runClaimed(jobId: string): Promise<void> {
  const job = await claimJob(jobId);
  if (!job) return;
  try {
    const steps = STEPS[job.kind];
    if (job.status === "VALIDATING") await steps.validate(job);
    else await steps.commit(job);
  } catch (error) {
    console.error(`[import] job ${job.id} failed:`, error);
    await getDb().importJob.updateMany({
      where: { id: job.id, status: job.status },
      data: { status: "FAILED", heartbeatAt: null, error: failureMessage(error) },
    });
  }
}
