import "server-only";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, NotFoundError, TooLargeError, ValidationError } from "@/lib/errors";
import { STALE_MS, runImportJob } from "@/lib/jobs/timeline-import";
import { getBlobStore, formatBytes } from "@/lib/storage";
import { lockBlob } from "@/lib/storage/references";
import { readPreview } from "@/lib/ingest/records";
import { IMPORT_MAX_BYTES, ZImportFileName, ZImportOptions } from "@/lib/timeline/import-schemas";
import { parseInput, parseQuery } from "@/lib/validation";

// Imports of timeline events, as the acting user sees them. A job belongs to the member who
// uploaded the file: its preview and rejected rows show the raw file, which may hold material
// the rest of the case should not see before it is imported; nobody else can reach it (404).

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
  error: string | null;
  createdAt: string;
};

const SELECT = {
  id: true,
  caseId: true,
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
  error: true,
  createdAt: true,
  heartbeatAt: true,
  sha256: true,
} as const;

async function loadJob(actor: TActor, caseId: unknown, jobId: unknown) {
  const { case: c } = await requireCaseAccess(actor, caseId, "timeline.create");
  const job = await getDb().importJob.findUnique({ where: { id: parseId(jobId) }, select: SELECT });
  if (!job || job.caseId !== c.id || job.createdById !== actor.id) throw new NotFoundError();
  return { job, c };
}

function toView(j: Awaited<ReturnType<typeof loadJob>>["job"]): TImportJobView {
  return {
    ...j,
    size: Number(j.size),
    bytesProcessed: Number(j.bytesProcessed),
    createdAt: j.createdAt.toISOString(),
  } as TImportJobView & Record<string, unknown>;
}

const REMOVED = "The stored file was removed at the same moment. Upload it again.";

/**
 * Stores the uploaded file (streamed, size-limited) and answers its columns and first rows.
 * `upload.fileName` is the X-File-Name header as sent (URI-encoded).
 */
export async function createImport(
  actor: TActor,
  caseId: unknown,
  upload: { body: ReadableStream<Uint8Array> | null; fileName: string | null; contentLength: string | null },
) {
  const { case: c } = await requireCaseAccess(actor, caseId, "timeline.create");
  const { name: fileName, format } = parseQuery(ZImportFileName, upload.fileName ?? "");
  if (Number(upload.contentLength) > IMPORT_MAX_BYTES)
    throw new TooLargeError(`The file is larger than the ${formatBytes(IMPORT_MAX_BYTES)} import limit.`);
  if (!upload.body) throw new ValidationError("The file is empty.");
  const staged = await getBlobStore().stage(
    Readable.fromWeb(upload.body as WebReadableStream<Uint8Array>),
    IMPORT_MAX_BYTES,
  );
  try {
    if (staged.size === 0) throw new ValidationError("The file is empty.");
    await staged.commit();
  } finally {
    await staged.discard();
  }
  const stored = await getBlobStore().read(staged.sha256);
  if (!stored) throw new ConflictError(REMOVED);
  const preview = await readPreview(stored, format);
  if (preview.columns.length === 0)
    throw new ValidationError(
      "No rows could be read from the file: check that it is CSV with a header line, or JSON Lines.",
    );
  const job = await getDb().$transaction(async (tx) => {
    // As for evidence uploads: the job keeps the file (lib/storage/references.ts) only once it
    // exists, so a purge or sweep of the same bytes either sees it or is seen to have removed it.
    await lockBlob(tx, staged.sha256);
    if (!(await getBlobStore().exists(staged.sha256))) throw new ConflictError(REMOVED);
    const created = await tx.importJob.create({
      data: {
        caseId: c.id,
        orgId: actor.orgId,
        createdById: actor.id,
        format,
        fileName,
        sha256: staged.sha256,
        size: staged.size,
      },
      select: SELECT,
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "timeline.import_uploaded",
        targetType: "import_job",
        targetId: created.id,
        caseId: c.id,
        scope: { org: actor.orgId },
        details: { fileName, sha256: staged.sha256, size: staged.size },
      },
      tx,
    );
    return created;
  });
  return { job: toView(job), preview };
}

/**
 * The job with the first rejected rows. A job whose runner stopped sending heartbeats (its
 * process died) is started again here, so polling the status is what resumes it.
 */
export async function getImport(actor: TActor, caseId: unknown, jobId: unknown) {
  const { job } = await loadJob(actor, caseId, jobId);
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
export async function listImportRejects(actor: TActor, caseId: unknown, jobId: unknown, page: unknown) {
  const { job } = await loadJob(actor, caseId, jobId);
  return readRejects(job.id, page);
}

async function readRejects(jobId: string, page: unknown) {
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

/**
 * validate: with a column mapping and time format → VALIDATING (again, after a change of mind);
 * commit: a validated job → COMMITTING; cancel: anything not yet committing → CANCELLED (nothing
 * was written). Returns whether a runner should now be started (runImportJob).
 */
export async function changeImport(
  actor: TActor,
  caseId: unknown,
  jobId: unknown,
  input: unknown,
): Promise<{ job: TImportJobView; run: boolean }> {
  const { job, c } = await loadJob(actor, caseId, jobId);
  const { action, options } = parseInput(ZAction, input);
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
          caseId: c.id,
          scope: { org: actor.orgId },
        },
        tx,
      );
      return tx.importJob.findUniqueOrThrow({ where: { id: job.id }, select: SELECT });
    });
  if (action === "validate") {
    const parsed = parseInput(ZImportOptions, options ?? {});
    // As for events added by hand: on a release-controlled case, imported events start owner-org-only.
    const chosen = { ...parsed, visibility: c.releaseMode === "DIRECT" ? parsed.visibility : "OWNER_ORG_ONLY" };
    const reset = {
      status: "VALIDATING",
      options: chosen,
      rowsProcessed: 0,
      bytesProcessed: 0,
      rowsValid: 0,
      rowsRejected: 0,
      rowsDuplicate: 0,
      error: null,
      heartbeatAt: null,
    } as const;
    return {
      job: toView(await move(["UPLOADED", "VALIDATED", "FAILED"], reset, "timeline.import_validating")),
      run: true,
    };
  }
  if (action === "commit") {
    return {
      job: toView(
        await move(
          ["VALIDATED"],
          { status: "COMMITTING", rowsProcessed: 0, bytesProcessed: 0, heartbeatAt: null },
          "timeline.import_committing",
        ),
      ),
      run: true,
    };
  }
  return {
    job: toView(
      await move(
        ["UPLOADED", "VALIDATING", "VALIDATED", "FAILED"],
        { status: "CANCELLED", heartbeatAt: null },
        "timeline.import_cancelled",
      ),
    ),
    run: false,
  };
}
