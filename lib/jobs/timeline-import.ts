import "server-only";
import { randomUUID } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { analyzeLoaded, getDb, type Prisma } from "@/lib/db";
import { FILE_GONE, progressWriter, type TClaimedJob, type TJobSteps } from "@/lib/jobs/job";
import { recordAudit } from "@/lib/audit/record";
import { ensureCaseCategories } from "@/lib/timeline/categories";
import { getBlobStore } from "@/lib/storage";
import { countBytes, readRecords } from "@/lib/ingest/records";
import { importPlan, keyFingerprint, toEventRow, type TImportRow, type TRowNotes } from "@/lib/timeline/import-parse";
import { ZImportOptions, type TImportOptions, type TImportStats } from "@/lib/timeline/import-schemas";

// Timeline imports (run by lib/jobs/runner.ts). Validation only writes counts and rejected rows
// (replaced on a re-run); the commit is ONE transaction, so a crash leaves no events behind,
// and ON CONFLICT on the per-case dedupe key makes a re-run add no duplicates.

const BATCH = 5_000;
/** Beyond this only the count grows; the full list is a download that reads the file again. */
export const REJECTS_KEPT = 100_000;

type TJob = Omit<TClaimedJob, "options"> & { options: TImportOptions };

const parsed = (job: TClaimedJob): TJob => ({ ...job, options: ZImportOptions.parse(job.options) });

type TOutcome =
  | { line: number; row: TImportRow; notes: TRowNotes; reason: null }
  | { line: number; row: null; notes: null; reason: string };

/** The file's records mapped to event rows or reasons, a batch at a time. */
async function* rowsOf(
  job: Pick<TJob, "sha256" | "format" | "options">,
  onProgress: (rows: number, bytes: number) => void,
): AsyncGenerator<TOutcome[]> {
  const stream = await getBlobStore().read(job.sha256);
  if (!stream) throw new Error(FILE_GONE);
  let bytes = 0;
  let rows = 0;
  const counted = countBytes(stream, (n) => (bytes += n));
  const plan = importPlan(job.options);
  for await (const records of readRecords(counted, job.format)) {
    const out: TOutcome[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      if ("error" in record) out[i] = { line: record.line, row: null, notes: null, reason: record.error };
      else {
        const r = toEventRow(record.values, plan);
        out[i] =
          typeof r === "string"
            ? { line: record.line, row: null, notes: null, reason: r }
            : { line: record.line, row: r.row, notes: r.notes, reason: null };
      }
    }
    rows += records.length;
    onProgress(rows, bytes);
    yield out;
  }
}

async function validate(job: TJob): Promise<void> {
  const db = getDb();
  const progress = progressWriter(job, "VALIDATING");
  await db.importRowError.deleteMany({ where: { jobId: job.id } });
  const seen = new Set<number>();
  let valid = 0,
    rejected = 0,
    duplicate = 0,
    existing = 0,
    split = 0,
    rows = 0;
  const timeFormats: NonNullable<TImportStats["timeFormats"]> = {};
  const categories = new Map<string, NonNullable<TImportStats["categories"]>[number]>();
  let pending: { jobId: string; line: number; reason: string }[] = [];
  let fresh: string[] = [];
  for await (const batch of rowsOf(job, (n, b) => progress((rows = n), b))) {
    for (const r of batch) {
      if (r.row) {
        timeFormats[r.notes.timeAs] = (timeFormats[r.notes.timeAs] ?? 0) + 1;
        if (r.notes.split) split++;
        if (r.notes.category) {
          const key = r.notes.category.value.toLowerCase();
          const c = categories.get(key);
          if (c) c.rows++;
          else if (categories.size < CATEGORY_VALUES_KEPT) categories.set(key, { ...r.notes.category, rows: 1 });
        }
        const fingerprint = keyFingerprint(r.row.dedupeKey);
        if (seen.has(fingerprint)) duplicate++;
        else {
          seen.add(fingerprint);
          fresh.push(r.row.dedupeKey);
          valid++;
        }
        continue;
      }
      rejected++;
      if (rejected <= REJECTS_KEPT) pending.push({ jobId: job.id, line: r.line, reason: r.reason.slice(0, 500) });
    }
    if (fresh.length >= BATCH) {
      existing += await countExisting(job, fresh);
      fresh = [];
    }
    if (pending.length >= BATCH) {
      await db.importRowError.createMany({ data: pending });
      pending = [];
    }
  }
  if (pending.length) await db.importRowError.createMany({ data: pending });
  if (fresh.length) existing += await countExisting(job, fresh);
  const stats: TImportStats = {
    timeFormats,
    categories: [...categories.values()].sort((a, b) => b.rows - a.rows || a.value.localeCompare(b.value)),
    titlesSplit: split,
  };
  await db.importJob.updateMany({
    where: { id: job.id, status: "VALIDATING" },
    data: {
      status: "VALIDATED",
      rowsProcessed: rows,
      rowsValid: valid,
      rowsRejected: rejected,
      rowsDuplicate: duplicate,
      rowsExisting: existing,
      stats,
      heartbeatAt: null,
    },
  });
}

/** Distinct category values that are not built-in, listed for the mapping step (most rows first). */
const CATEGORY_VALUES_KEPT = 1_000;

/**
 * How many of these keys the importing organisation's rows on the case already hold (any of
 * them, deleted ones included: the commit's ON CONFLICT skips those too), so validation can say
 * "already on the timeline" before anything is written.
 */
async function countExisting(job: TJob, keys: string[]): Promise<number> {
  // visibility: the importing organisation's own rows only (orgId), counted, nothing shown.
  const [row] = await getDb().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "TimelineEvent"
    WHERE "caseId" = ${job.caseId}::uuid AND "orgId" = ${job.orgId}::uuid AND "dedupeKey" = ANY(${keys}::text[])`;
  return row?.n ?? 0;
}

// The key is unique per case *and importing organisation*: otherwise a partner importing a row
// equal to one of our owner-org-only events would be told it "already exists" (revealing it)
// and lose the row. Each organisation's imports are de-duplicated against its own.
// Ids are UUIDv7 (time-ordered): appended to the primary key's index rather than scattered.
async function insertBatch(tx: Prisma.TransactionClient, job: TJob, batch: TImportRow[]): Promise<number> {
  // One JSON parameter per batch: PostgreSQL parses it faster than the ORM binds 9 arrays.
  const rows = JSON.stringify(batch.map((r) => ({ ...r, id: uuidv7() })));
  return tx.$executeRaw`
    INSERT INTO "TimelineEvent" (id, "caseId", "orgId", "authorId", "occurredAt", "endsAt", title, description, category, "customCategory", source, confidence, attributes, visibility, "dedupeKey", "importJobId", "updatedAt")
    SELECT r.id, ${job.caseId}::uuid, ${job.orgId}::uuid, ${job.createdById}::uuid, r."occurredAt", r."endsAt", r.title, r.description, r.category, r."customCategory", r.source, r.confidence, r.attributes,
           ${job.options.visibility}::"Visibility", r."dedupeKey", ${job.id}::uuid, now()
    FROM json_to_recordset(${rows}::json) AS r(id uuid, "occurredAt" timestamp, "endsAt" timestamp, title text, description text, category "EventCategory", "customCategory" text, source text, confidence "EventConfidence", attributes jsonb, "dedupeKey" text)
    ON CONFLICT ("caseId", "orgId", "dedupeKey") DO NOTHING`;
}

async function commit(job: TJob): Promise<void> {
  const progress = progressWriter(job, "COMMITTING");
  const runner = randomUUID();
  await getDb().$transaction(
    async (tx) => {
      // One runner at a time per job (a reclaimed job waits here for a slow predecessor), and a
      // job already committed or cancelled is left alone.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`import:${job.id}`}))`;
      const [current] = await tx.$queryRaw<
        { status: string }[]
      >`SELECT status::text AS status FROM "ImportJob" WHERE id = ${job.id}::uuid`;
      if (current?.status !== "COMMITTING") return;
      // Repeats within the file and rows imported before are both skipped by ON CONFLICT (also
      // within one statement); the validation counted the repeats, so what remains existed.
      let inserted = 0,
        processed = 0,
        batch: TImportRow[] = [];
      // The case categories the rows carry become the organisation's (lib/timeline/categories.ts).
      const categories = new Set<string>();
      // The database inserts one batch while the next is parsed: one insert in flight at a time
      // (a transaction's statements run in order), its failure surfacing at the next await.
      let inFlight: Promise<number> | null = null;
      const send = async (rows: TImportRow[]) => {
        if (inFlight) inserted += await inFlight;
        inFlight = insertBatch(tx, job, rows);
        inFlight.catch(() => {});
      };
      for await (const outcomes of rowsOf(job, (n, b) => progress((processed = n), b))) {
        for (const r of outcomes) {
          if (r.row) {
            batch.push(r.row);
            if (r.row.customCategory) categories.add(r.row.customCategory);
          }
        }
        if (batch.length >= BATCH) {
          await send(batch);
          batch = [];
        }
      }
      if (batch.length) await send(batch);
      if (inFlight) inserted += await inFlight;
      await ensureCaseCategories(tx, job.caseId, job.orgId, [...categories]);
      await tx.importJob.update({
        where: { id: job.id },
        data: {
          status: "COMMITTED",
          rowsProcessed: processed,
          rowsInserted: inserted,
          rowsExisting: Math.max(0, job.rowsValid - inserted),
          heartbeatAt: null,
        },
      });
      await recordAudit(
        {
          actorId: job.createdById,
          action: "timeline.imported",
          targetType: "import_job",
          targetId: job.id,
          caseId: job.caseId,
          ip: null,
          userAgent: null,
          // The importing organisation's own file, and a count of rows that matched events
          // already there, some of which may be that organisation's own private ones.
          scope: { org: job.orgId },
          details: {
            fileName: job.fileName,
            sha256: job.sha256,
            inserted,
            existing: Math.max(0, job.rowsValid - inserted),
            runner,
          },
        },
        tx,
      );
    },
    { timeout: 60 * 60_000, maxWait: 60_000 },
  );
  // Before the job reports done: without statistics the list's plan reads the whole case.
  await analyzeLoaded(["TimelineEvent"]);
}

/**
 * Every rejected row of a job's file, read again with the options it was validated with: the
 * stored list keeps the first REJECTS_KEPT, this gives them all (the rejects CSV download).
 */
export async function* allRejects(
  job: Pick<TClaimedJob, "sha256" | "format" | "options">,
): AsyncGenerator<{ line: number; reason: string }[]> {
  const file = { sha256: job.sha256, format: job.format, options: ZImportOptions.parse(job.options) };
  for await (const batch of rowsOf(file, () => {})) {
    const out: { line: number; reason: string }[] = [];
    for (const r of batch) if (r.reason !== null) out.push({ line: r.line, reason: r.reason });
    if (out.length) yield out;
  }
}

export const timelineImportSteps: TJobSteps = {
  validate: (job) => validate(parsed(job)),
  commit: (job) => commit(parsed(job)),
};
