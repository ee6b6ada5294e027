import "server-only";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import { STALE_MS } from "@/lib/jobs/job";
import { runImportJob } from "@/lib/jobs/runner";
import { parseInput } from "@/lib/validation";

// The life of an import job as its owner drives it, for every kind (timeline events, usage
// logs): the view of a job, its rejected rows, resuming a job whose runner died, and the moves
// validate → commit, or cancel. Each kind's module loads the job with its own access check and
// passes it here.

export type TImportJobView = {
  id: string;
  status: string;
  format: string;
  fileName: string;
  size: number;
  options: unknown;
  rowsProcessed: number;
  bytesProcessed: number;
  rowsValid: number;
  rowsRejected: number;
  rowsDuplicate: number;
  rowsInserted: number;
  rowsExisting: number;
  stats: unknown;
  error: string | null;
  /** Times read in each format (from stats): more than one is worth a look. */
  timeFormats: Record<string, number> | null;
  createdAt: string;
};

export const IMPORT_JOB_SELECT = {
  id: true,
  caseId: true,
  evidenceId: true,
  createdById: true,
  status: true,
  format: true,
  fileName: true,
  size: true,
  options: true,
  rowsProcessed: true,
  bytesProcessed: true,
  rowsValid: true,
  rowsRejected: true,
  rowsDuplicate: true,
  rowsInserted: true,
  rowsExisting: true,
  stats: true,
  error: true,
  createdAt: true,
  heartbeatAt: true,
  sha256: true,
} as const;

export type TLoadedJob = { job: Awaited<ReturnType<typeof findJob>> & {}; caseId: string };

/**
 * The actor's own job of `kind` in a case where they may do `action`. A job in progress shows
 * the raw file (its preview, its refused rows), so it is its starter's alone: anything else is
 * NotFound, like a job that does not exist.
 */
export async function loadOwnJob(
  actor: TActor,
  caseId: unknown,
  jobId: unknown,
  kind: "TIMELINE" | "USAGE",
  action: "timeline.create" | "usage.import",
) {
  const access = await requireCaseAccess(actor, caseId, action);
  const job = await findJob(parseId(jobId));
  if (!job || job.kind !== kind || job.caseId !== access.case.id || job.createdById !== actor.id)
    throw new NotFoundError();
  return { job, c: access.case, access };
}

/** The job by id, with the fields every view needs (the caller checks access and ownership). */
export function findJob(id: string) {
  return getDb().importJob.findUnique({ where: { id }, select: { ...IMPORT_JOB_SELECT, kind: true } });
}

export function toView(j: TLoadedJob["job"]): TImportJobView {
  return {
    ...j,
    timeFormats: (j.stats as { timeFormats?: Record<string, number> } | null)?.timeFormats ?? null,
    size: Number(j.size),
    bytesProcessed: Number(j.bytesProcessed),
    createdAt: j.createdAt.toISOString(),
  } as TImportJobView & Record<string, unknown>;
}

/**
 * The job with its first rejected rows. A job whose runner stopped sending heartbeats (its
 * process died) is started again here, so polling the status is what resumes it.
 */
export async function jobStatus(job: TLoadedJob["job"]) {
  if (
    (job.status === "VALIDATING" || job.status === "COMMITTING") &&
    (!job.heartbeatAt || Date.now() - job.heartbeatAt.getTime() > STALE_MS)
  )
    void runImportJob(job.id);
  return { job: toView(job), rejects: await readRejects(job.id, {}) };
}

const ZRejectPage = z.object({
  after: z.coerce.number().int().min(0).default(0).catch(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200).catch(200),
});

/** Rejected rows in file order after line `after` (keyset on the line number). */
export async function readRejects(jobId: string, page: unknown) {
  const { after, limit } = ZRejectPage.parse(page);
  const rows = await getDb().importRowError.findMany({
    where: { jobId, line: { gt: after } },
    orderBy: [{ line: "asc" }, { id: "asc" }],
    take: limit,
    select: { line: true, reason: true },
  });
  return { items: rows, nextAfter: rows.length === limit ? rows.at(-1)!.line : null };
}

const ZAction = z.object({
  action: z.enum(["validate", "commit", "cancel"], { message: "Choose validate, commit or cancel." }),
  options: z.unknown().optional(),
});

export type TJobMoves = {
  /** The options a validation runs with, parsed (and adjusted) by the kind. */
  options: (raw: unknown) => unknown;
  /** Audit action prefix: "timeline.import", "usage.import". */
  audit: string;
  /**
   * After a cancel: release what the job's validation left. Not called for a job that was
   * validating: its run releases it when it finds the job cancelled (on the embedded database
   * a lock alone would not keep this out while the run writes).
   */
  cancelled?: (jobId: string) => Promise<void>;
  /**
   * Set when the job's file is no longer open to its starter (why, in words): the job may then
   * only be cancelled, and validate and commit are refused with this.
   */
  closed?: string;
};

/**
 * validate: with options → VALIDATING (again, after a change of mind); commit: a validated job →
 * COMMITTING; cancel: anything not yet committing → CANCELLED. Returns whether a runner should
 * now be started (runImportJob).
 */
export async function changeJob(
  actor: TActor,
  { job, caseId }: TLoadedJob,
  input: unknown,
  kind: TJobMoves,
): Promise<{ job: TImportJobView; run: boolean }> {
  const { action, options } = parseInput(ZAction, input);
  if (kind.closed && action !== "cancel") throw new ForbiddenError(kind.closed);
  const db = getDb();
  const move = async (
    from: ("UPLOADED" | "VALIDATING" | "VALIDATED" | "FAILED")[],
    data: Parameters<typeof db.importJob.updateMany>[0]["data"],
    audit: string,
  ) =>
    db.$transaction(async (tx) => {
      const { count } = await tx.importJob.updateMany({ where: { id: job.id, status: { in: from } }, data });
      if (count === 0)
        throw new ConflictError(
          `The import is ${job.status.toLowerCase()}: it cannot be ${action === "commit" ? "committed" : action === "cancel" ? "cancelled" : "validated"} now. Reload to see its state.`,
        );
      await recordAudit(
        {
          actorId: actor.id,
          action: audit,
          targetType: "import_job",
          targetId: job.id,
          caseId,
          scope: { org: actor.orgId },
        },
        tx,
      );
      return tx.importJob.findUniqueOrThrow({ where: { id: job.id }, select: { ...IMPORT_JOB_SELECT, kind: true } });
    });
  if (action === "validate") {
    const reset = {
      status: "VALIDATING",
      options: kind.options(options ?? {}) as object,
      rowsProcessed: 0,
      bytesProcessed: 0,
      rowsValid: 0,
      rowsRejected: 0,
      rowsDuplicate: 0,
      rowsExisting: 0,
      stats: {},
      error: null,
      heartbeatAt: null,
    } as const;
    return {
      job: toView(await move(["UPLOADED", "VALIDATED", "FAILED"], reset, `${kind.audit}_validating`)),
      run: true,
    };
  }
  if (action === "commit") {
    const data = { status: "COMMITTING", rowsProcessed: 0, bytesProcessed: 0, heartbeatAt: null } as const;
    return { job: toView(await move(["VALIDATED"], data, `${kind.audit}_committing`)), run: true };
  }
  const cancelled = { status: "CANCELLED", heartbeatAt: null } as const;
  const view = toView(
    await move(["UPLOADED", "VALIDATING", "VALIDATED", "FAILED"], cancelled, `${kind.audit}_cancelled`),
  );
  if (job.status !== "VALIDATING") await kind.cancelled?.(job.id);
  return { job: view, run: false };
}
