import "server-only";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, TooLargeError, ValidationError } from "@/lib/errors";
import {
  IMPORT_JOB_SELECT,
  changeJob,
  loadOwnJob,
  jobStatus,
  readRejects,
  toView,
  type TImportJobView,
} from "@/lib/jobs/imports";
import { formatBytes } from "@/lib/bytes";
import { getBlobStore } from "@/lib/storage";
import { allRejects } from "@/lib/jobs/timeline-import";
import { discardStage } from "@/lib/timeline/import-stage";
import { csvCell } from "@/lib/timeline/export";
import { lockBlob } from "@/lib/storage/references";
import { readPreview } from "@/lib/ingest/records";
import { IMPORT_MAX_BYTES, ZImportFileName, ZImportOptions } from "@/lib/timeline/import-schemas";
import { parseInput, parseQuery } from "@/lib/validation";

// Imports of timeline events, as the acting user sees them. A job belongs to the member who
// uploaded the file: its preview and rejected rows show the raw file, which may hold material
// the rest of the case should not see before it is imported; nobody else can reach it (404).

const loadJob = (actor: TActor, caseId: unknown, jobId: unknown) =>
  loadOwnJob(actor, caseId, jobId, "TIMELINE", "timeline.create");

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
  // A file that cannot be read (damaged gzip, JSON that is not) is the uploader's to fix: a 400,
  // and no job (the stored bytes, referenced by nothing, go at the next sweep).
  const preview = await readPreview(stored, format).catch((error: unknown) => {
    throw new ValidationError(`The file cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (preview.columns.length === 0)
    throw new ValidationError(
      "No rows could be read from the file: check that it is CSV with a header line, JSON Lines or a JSON array (gzip-compressed or not).",
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
      select: { ...IMPORT_JOB_SELECT, kind: true },
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
  return jobStatus(job);
}

/** Rejected rows in file order after line `after` (keyset on the line number). */
export async function listImportRejects(actor: TActor, caseId: unknown, jobId: unknown, page: unknown) {
  const { job } = await loadJob(actor, caseId, jobId);
  return readRejects(job.id, page);
}

/**
 * Every rejected row as CSV text chunks (line, reason), read again from the stored file with the
 * options of the last validation: the list kept with the job stops at REJECTS_KEPT rows.
 */
export async function exportImportRejects(actor: TActor, caseId: unknown, jobId: unknown) {
  const { job } = await loadJob(actor, caseId, jobId);
  if (!["VALIDATED", "COMMITTED"].includes(job.status))
    throw new ConflictError("The rejected rows can be downloaded once the file is validated.");
  const rejects = allRejects({ sha256: job.sha256, format: job.format, options: job.options });
  async function* csv() {
    yield "line,reason\r\n";
    for await (const batch of rejects) yield batch.map((r) => `${r.line},${csvCell(r.reason)}\r\n`).join("");
  }
  return { fileName: `${job.fileName.replace(/\.[^.]+$/, "")}-rejected.csv`, chunks: csv() };
}

/** validate (with a column mapping and time format), commit or cancel: see changeJob. */
export async function changeImport(
  actor: TActor,
  caseId: unknown,
  jobId: unknown,
  input: unknown,
): Promise<{ job: TImportJobView; run: boolean }> {
  const loaded = await loadJob(actor, caseId, jobId);
  const releaseMode = loaded.c.releaseMode;
  return changeJob(actor, { job: loaded.job, caseId: loaded.c.id }, input, {
    audit: "timeline.import",
    cancelled: discardStage,
    options: (raw) => {
      const parsed = parseInput(ZImportOptions, raw);
      // As for events added by hand: on a release-controlled case, imported events start owner-org-only.
      return { ...parsed, visibility: releaseMode === "DIRECT" ? parsed.visibility : "OWNER_ORG_ONLY" };
    },
  });
}
