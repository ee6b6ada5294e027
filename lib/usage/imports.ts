import "server-only";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { effectiveCaseRole, privilegeReader, type TCaseFacts } from "@/lib/auth/permissions";
import { readableItemWhere, visibleItemWhere } from "@/lib/auth/visibility";
import { requireNoLegalHold } from "@/lib/cases/hold";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { loadEvidence, mayReadEvidenceContent } from "@/lib/evidence/access";
import {
  IMPORT_JOB_SELECT,
  changeJob,
  findJob,
  loadOwnJob,
  jobStatus,
  readRejects,
  toView,
  type TImportJobView,
} from "@/lib/jobs/imports";
import { evidenceScope } from "@/lib/jobs/usage-import";
import { getBlobStore } from "@/lib/storage";
import { lockBlob } from "@/lib/storage/references";
import { discardCancelledImport, discardImport, sqlOf } from "@/lib/usage/load";
import { previewUsage, usageFormat } from "@/lib/usage/read";
import {
  ZStartUsageImport,
  ZUsageOptions,
  defaultMapping,
  type TUsageMapping,
  type TUsagePreset,
} from "@/lib/usage/schemas";
import { hasLoadedUsage } from "@/lib/usage/signal-store";
import { refreshUsageAnalysis } from "@/lib/linkage/store";
import { parseInput } from "@/lib/validation";

// Imports of API usage logs from evidence, as the acting user sees them. Like timeline imports,
// a job in progress belongs to the member who started it (its preview and refused rows show the
// raw file). Once loaded, its rows are everyone's who may see the evidence item.

/**
 * The actor's own job, and whether its file is still open to them. A job shows the file's cells
 * (its preview, its refused rows), so once the evidence item is deleted, made its organisation's
 * only or withheld as privileged, the job shows neither and may only be cancelled, as the
 * download is refused.
 */
async function loadJob(actor: TActor, caseId: unknown, jobId: unknown) {
  const loaded = await loadOwnJob(actor, caseId, jobId, "USAGE", "usage.import");
  return { ...loaded, sourceOpen: await mayReadEvidenceContent(actor, loaded.job.evidenceId, loaded.access) };
}

export const SOURCE_CLOSED =
  "The evidence item this import reads is no longer open to you: it was deleted, made visible to its organisation only, or withheld as privileged. The import can only be cancelled.";

/**
 * The usage imports an actor may know of: those whose evidence item they may see and read, and
 * their own still in progress. Listing, the one-import-per-file check and deletion all ask this,
 * so another organisation's owner-only import is never named, counted or refused on.
 */
function knownImportWhere(actor: TActor, facts: TCaseFacts) {
  return {
    OR: [
      { evidence: { ...visibleItemWhere(actor), AND: [readableItemWhere(privilegeReader(actor, facts))] } },
      { createdById: actor.id, status: { not: "COMMITTED" as const } },
    ],
  };
}

/**
 * Starts an import of an evidence item's file (which the actor must be able to see) with a
 * preset: answers the job, the file's columns and first rows, and the preset's mapping for
 * them. The same file imported into the same case before is refused, naming that import.
 */
export async function startUsageImport(actor: TActor, caseId: unknown, input: unknown) {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "usage.import");
  const { evidenceId, preset } = parseInput(ZStartUsageImport, input);
  const { evidence } = await loadEvidence(actor, evidenceId, "evidence.read_content", c.id);
  if (evidence.deletedAt)
    throw new ValidationError("This evidence item was deleted: its file can no longer be imported.");
  const store = getBlobStore();
  const [forPreview, forFormat] = [await store.read(evidence.sha256), await store.read(evidence.sha256)];
  if (!forPreview || !forFormat)
    throw new ConflictError("The evidence file is missing from storage: run an integrity check on it.");
  const [preview, format] = await Promise.all([previewUsage(forPreview, preset), usageFormat(forFormat, preset)]).catch(
    (error: unknown) => {
      throw new ValidationError(
        `The file cannot be read as ${preset.replace("_", " ")}: ${error instanceof Error ? error.message : error}`,
      );
    },
  );
  if (preview.columns.length === 0)
    throw new ValidationError("No rows could be read from the file with this preset: check the preset and the file.");
  const job = await getDb().$transaction(async (tx) => {
    // One import per file and case: a second would count every request twice. Only among the
    // imports the actor may know of: refusing because of another organisation's owner-only
    // import would tell them it holds the same file (its views may then count both).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`usage-import:${c.id}:${evidence.sha256}`}, 0))`;
    await lockBlob(tx, evidence.sha256);
    const earlier = await tx.importJob.findFirst({
      where: {
        caseId: c.id,
        kind: "USAGE",
        sha256: evidence.sha256,
        status: { notIn: ["CANCELLED", "FAILED"] },
        // An import of a deleted item counts nowhere (usageImportIdsFor): the file may come back.
        evidence: { deletedAt: null },
        ...knownImportWhere(actor, facts),
      },
      // The first of them, when the actor knows of two (the partner's own copy started since).
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, status: true },
    });
    if (earlier)
      throw new ConflictError(
        `This file is already imported into this case (import ${earlier.id}, ${earlier.status.toLowerCase()}). ${
          earlier.status === "COMMITTED"
            ? "Delete that import first to import it again."
            : "Cancel that import first to start again, or finish it from the Usage tab."
        }`,
        { href: `/cases/${c.id}/usage/imports/${earlier.id}`, label: "Open that import" },
      );
    const created = await tx.importJob.create({
      data: {
        kind: "USAGE",
        caseId: c.id,
        evidenceId: evidence.id,
        orgId: actor.orgId,
        createdById: actor.id,
        format,
        fileName: evidence.fileName,
        sha256: evidence.sha256,
        size: evidence.size,
        options: { preset },
      },
      select: { ...IMPORT_JOB_SELECT, kind: true },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "usage.import_started",
        targetType: "import_job",
        targetId: created.id,
        caseId: c.id,
        scope: { org: actor.orgId },
        details: { evidenceId: evidence.id, preset },
      },
      tx,
    );
    return created;
  });
  return { job: toView(job), preview, mapping: defaultMapping(preset, preview.columns) };
}

/**
 * The job's state and progress with its first refused rows (resuming a job whose runner died);
 * while it can still be mapped, the file's columns and first rows and the mapping to start from.
 */
export async function getUsageImport(actor: TActor, caseId: unknown, jobId: unknown) {
  const { job, sourceOpen } = await loadJob(actor, caseId, jobId);
  if (!sourceOpen) return { job: toView(job), rejects: NO_REJECTS, preview: null, mapping: null, sourceClosed: true };
  const status = await jobStatus(job);
  const options = job.options as { preset: TUsagePreset; mapping?: TUsageMapping; timeFormat?: string };
  if (!["UPLOADED", "VALIDATED", "FAILED"].includes(job.status))
    return { ...status, preview: null, mapping: null, sourceClosed: false };
  const stream = await getBlobStore().read(job.sha256);
  const preview = stream ? await previewUsage(stream, options.preset).catch(() => null) : null;
  return {
    ...status,
    preview,
    mapping: options.mapping ?? (preview ? defaultMapping(options.preset, preview.columns) : null),
    sourceClosed: false,
  };
}

const NO_REJECTS = { items: [] as { line: number; reason: string }[], nextAfter: null };

export async function listUsageImportRejects(actor: TActor, caseId: unknown, jobId: unknown, page: unknown) {
  const { job, sourceOpen } = await loadJob(actor, caseId, jobId);
  return sourceOpen ? readRejects(job.id, page) : NO_REJECTS;
}

/** validate (with the preset, mapping and time format), commit or cancel: see changeJob. */
export async function changeUsageImport(
  actor: TActor,
  caseId: unknown,
  jobId: unknown,
  input: unknown,
): Promise<{ job: TImportJobView; run: boolean }> {
  const { job, c, sourceOpen } = await loadJob(actor, caseId, jobId);
  const preset = (job.options as { preset?: string }).preset;
  return changeJob(actor, { job, caseId: c.id }, input, {
    audit: "usage.import",
    // The preset is the one the import was started with.
    options: (raw) => parseInput(ZUsageOptions, { ...(raw as object), preset }),
    cancelled: (importId) => discardCancelledImport({ caseId: c.id, importId }),
    closed: sourceOpen ? undefined : SOURCE_CLOSED,
  });
}

export type TUsageImportRow = {
  id: string;
  evidenceId: string | null;
  evidenceTitle: string | null;
  fileName: string;
  /** CSV and JSON Lines rows cite a line of the file; a JSON page export's, its bucket's ordinal. */
  citesLines: boolean;
  preset: string;
  status: string;
  rows: number;
  rejected: number;
  createdAt: Date;
  createdByName: string;
  canDelete: boolean;
};

/**
 * The case's usage imports the actor may see: loaded ones whose evidence they see, and their own
 * in progress. A loaded import can be deleted by whoever started it or a lead of their organisation.
 */
export async function listUsageImports(actor: TActor, caseId: unknown): Promise<TUsageImportRow[]> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const jobs = await getDb().importJob.findMany({
    where: {
      caseId: c.id,
      kind: "USAGE",
      ...knownImportWhere(actor, facts),
      AND: [
        {
          OR: [
            { status: "COMMITTED", evidence: { deletedAt: null } },
            { createdById: actor.id, status: { notIn: ["CANCELLED", "COMMITTED"] } },
          ],
        },
      ],
    },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      evidenceId: true,
      fileName: true,
      format: true,
      options: true,
      status: true,
      rowsValid: true,
      rowsRejected: true,
      createdAt: true,
      createdById: true,
      orgId: true,
      evidence: { select: { title: true } },
    },
  });
  const users = new Map(
    (
      await getDb().user.findMany({
        where: { id: { in: [...new Set(jobs.map((j) => j.createdById))] } },
        select: { id: true, name: true },
      })
    ).map((u) => [u.id, u.name]),
  );
  const lead = effectiveCaseRole(actor, facts) === "LEAD";
  return jobs.map((j) => ({
    id: j.id,
    evidenceId: j.evidenceId,
    evidenceTitle: j.evidence?.title ?? null,
    fileName: j.fileName,
    citesLines: j.format !== "JSON",
    preset: String((j.options as { preset?: string }).preset ?? ""),
    status: j.status,
    rows: j.rowsValid,
    rejected: j.rowsRejected,
    createdAt: j.createdAt,
    createdByName: users.get(j.createdById) ?? "Unknown",
    canDelete: j.status === "COMMITTED" && (j.createdById === actor.id || (lead && j.orgId === actor.orgId)),
  }));
}

/**
 * Deletes a loaded import: its rows, rollups and its part of the signals go in one transaction.
 * Refused under legal hold. Only its importer or a lead of the importer's organisation.
 */
export async function deleteUsageImport(actor: TActor, caseId: unknown, jobId: unknown): Promise<void> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "usage.import");
  const job = await findJob(parseId(jobId));
  if (!job || job.kind !== "USAGE" || job.caseId !== c.id) throw new NotFoundError();
  // Another organisation's owner-only import answers as one that does not exist.
  if ((await getDb().importJob.count({ where: { id: job.id, ...knownImportWhere(actor, facts) } })) === 0)
    throw new NotFoundError();
  const row = await getDb().importJob.findUniqueOrThrow({
    where: { id: job.id },
    select: { orgId: true, evidenceId: true },
  });
  if (job.createdById !== actor.id && !(effectiveCaseRole(actor, facts) === "LEAD" && row.orgId === actor.orgId))
    throw new ForbiddenError("Only the member who imported it or a lead of their organisation can delete an import.");
  if (job.status !== "COMMITTED")
    throw new ConflictError("Only a loaded import can be deleted; cancel one in progress instead.");
  await getDb().$transaction(
    async (tx) => {
      await requireNoLegalHold(tx, c.id, "usage imports cannot be deleted");
      await discardImport(sqlOf(tx), { caseId: c.id, importId: job.id });
      await tx.importJob.delete({ where: { id: job.id } });
      await recordAudit(
        {
          actorId: actor.id,
          action: "usage.import_deleted",
          targetType: "import_job",
          targetId: job.id,
          caseId: c.id,
          scope: await evidenceScope(tx, { evidenceId: row.evidenceId, orgId: row.orgId }),
          details: { fileName: job.fileName, sha256: job.sha256, rows: job.rowsValid },
        },
        tx,
      );
    },
    { timeout: 5 * 60_000, maxWait: 60_000 },
  );
  await refreshUsageAnalysis(c.id);
}

/**
 * After an evidence item's visibility or privilege flag changed (and committed): what the case's
 * usage feeds is computed per organisation over what each may see, so it is computed again when
 * the item carries loaded usage.
 */
export async function refreshUsageAfterItemChange(item: { itemType: string; id: string; caseId: string }) {
  if (item.itemType === "evidence" && (await hasLoadedUsage(item.id))) await refreshUsageAnalysis(item.caseId);
}
