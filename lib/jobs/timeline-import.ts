import "server-only";
import { randomUUID } from "node:crypto";
import { analyzeLoaded, getDb, holdAdvisoryLock, withPgClient } from "@/lib/db";
import { copyChunks, type TCopyChunk } from "@/lib/db/copy";
import {
  ABANDONED_STATUSES,
  FILE_GONE,
  progressWriter,
  RefusedRows,
  STAGE_GONE,
  untilStopped,
  type TClaimedJob,
  type TJobSteps,
} from "@/lib/jobs/job";
import { recordAudit } from "@/lib/audit/record";
import { touchCaseFor } from "@/lib/cases/touch";
import { ensureCaseCategories } from "@/lib/timeline/categories";
import { getBlobStore } from "@/lib/storage";
import { countBytes, readRecords } from "@/lib/ingest/records";
import { importPlan, keyFingerprint, toEventRow, type TImportRow, type TRowNotes } from "@/lib/timeline/import-parse";
import {
  countStagedExisting,
  createStage,
  dropStage,
  dropStageSql,
  insertStaged,
  stageCopySql,
  stagedCategories,
  stagedPages,
  stageLine,
  stageLock,
} from "@/lib/timeline/import-stage";
import { ZImportOptions, type TImportOptions, type TImportStats } from "@/lib/timeline/import-schemas";

// Timeline imports (run by lib/jobs/runner.ts). Validation writes counts, rejected rows and the
// job's stage of good rows (all replaced on a re-run); the commit moves the stage into
// "TimelineEvent" in ONE transaction, so a crash leaves no events behind, and ON CONFLICT on
// the per-case dedupe key makes a re-run add no duplicates.

/** About how many staged rows each INSERT … SELECT of the commit moves (chunks are page ranges). */
const CHUNK = 50_000;
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
  try {
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
  } finally {
    stream.destroy(); // read to its end, or left early (a cancel, a failure)
  }
}

/** What validation counts besides the rows themselves (the mapping step shows it). */
function statsTally() {
  const timeFormats: NonNullable<TImportStats["timeFormats"]> = {};
  const categories = new Map<string, NonNullable<TImportStats["categories"]>[number]>();
  let split = 0;
  return {
    add(notes: TRowNotes) {
      timeFormats[notes.timeAs] = (timeFormats[notes.timeAs] ?? 0) + 1;
      if (notes.split) split++;
      if (notes.category) {
        const key = notes.category.value.toLowerCase();
        const c = categories.get(key);
        if (c) c.rows++;
        else if (categories.size < CATEGORY_VALUES_KEPT) categories.set(key, { ...notes.category, rows: 1 });
      }
    },
    stats: (): TImportStats => ({
      timeFormats,
      categories: [...categories.values()].sort((a, b) => b.rows - a.rows || a.value.localeCompare(b.value)),
      titlesSplit: split,
    }),
  };
}

/** Distinct category values that are not built-in, listed for the mapping step (most rows first). */
const CATEGORY_VALUES_KEPT = 1_000;

// Validation parses the file once and COPYs its good rows into the job's stage as it goes
// (lib/timeline/import-stage.ts); "already on the timeline" is then one join of the stage.
async function validate(job: TJob): Promise<void> {
  const db = getDb();
  const progress = progressWriter(job, "VALIDATING");
  await db.importRowError.deleteMany({ where: { jobId: job.id } });
  const seen = new Set<number>();
  let valid = 0,
    duplicate = 0,
    rows = 0,
    seq = 0;
  const tally = statsTally();
  const refused = new RefusedRows(job.id);
  async function* chunks(): AsyncGenerator<TCopyChunk> {
    for await (const batch of rowsOf(job, (n, b) => progress.report((rows = n), b))) {
      let text = "";
      const before = seq;
      for (const r of batch) {
        if (r.row) {
          tally.add(r.notes);
          const fingerprint = keyFingerprint(r.row.dedupeKey);
          const repeat = seen.has(fingerprint);
          if (repeat) duplicate++;
          else {
            seen.add(fingerprint);
            valid++;
          }
          text += stageLine(++seq, repeat, r.row);
          continue;
        }
        refused.add(r.line, r.reason);
      }
      yield { text, rows: seq - before };
    }
  }
  await withPgClient(async (client) => {
    // One runner per job: a runner taking over a stale job waits here until the previous one's
    // connection is gone, so two never write the same stage. Then it goes on only if the job
    // still needs it.
    await holdAdvisoryLock(client, stageLock(job.id));
    const dropOwnStage = () => client.query(dropStageSql(job.id));
    const { rows: current } = await client.query<{ status: string }>(
      `SELECT status::text AS status FROM "ImportJob" WHERE id = $1`,
      [job.id],
    );
    if (current[0]?.status !== "VALIDATING") {
      // Cancelled or failed before this run began: the stage an earlier run left may go.
      if (!current[0] || ABANDONED_STATUSES.includes(current[0].status)) await dropOwnStage();
      return;
    }
    await createStage(client, job.id);
    await copyChunks(client, stageCopySql(job.id), untilStopped(chunks(), progress));
    // Cancelled while it ran: the rest of the file was left unread, and the stage goes.
    if (progress.stopped()) return void (await dropOwnStage());
    const existing = await countStagedExisting(client, job);
    // The COPY is over: other connections are served again.
    await refused.save();
    const { count } = await db.importJob.updateMany({
      where: { id: job.id, status: "VALIDATING" },
      data: {
        status: "VALIDATED",
        rowsProcessed: rows,
        rowsValid: valid,
        rowsRejected: refused.count,
        rowsDuplicate: duplicate,
        rowsExisting: existing,
        stats: tally.stats(),
        heartbeatAt: null,
      },
    });
    // Cancelled while it ran (the cancel left the stage to us: we held its lock).
    if (count === 0) await dropOwnStage();
  });
}

async function commit(job: TJob): Promise<void> {
  const progress = progressWriter(job, "COMMITTING");
  const runner = randomUUID();
  await getDb().$transaction(
    async (tx) => {
      // One runner at a time per job (a reclaimed job waits here for a slow predecessor), and a
      // job already committed or cancelled is left alone.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`import:${job.id}`}))`;
      const [current] = await tx.$queryRaw<{ status: string; rows: number; duplicate: number; size: bigint }[]>`
        SELECT status::text AS status, "rowsValid" + "rowsRejected" + "rowsDuplicate" AS rows,
               "rowsDuplicate" AS duplicate, size
        FROM "ImportJob" WHERE id = ${job.id}::uuid`;
      if (current?.status !== "COMMITTING") return;
      const pages = await stagedPages(tx, job.id);
      // Repeats are staged too. An UNLOGGED stage is emptied by a database crash: then it no
      // longer holds what was validated.
      const staged = job.rowsValid + current.duplicate;
      if (pages === null || (pages === 0 && staged > 0)) throw new Error(STAGE_GONE);
      const size = Number(current.size);
      // Repeats within the file and rows imported before are both skipped by ON CONFLICT; the
      // validation counted the repeats, so what remains existed.
      let inserted = 0;
      const step = Math.max(1, Math.ceil((pages * CHUNK) / Math.max(1, staged)));
      for (let from = 0; from < pages; from += step) {
        const to = Math.min(pages, from + step);
        inserted += await insertStaged(tx, { ...job, visibility: job.options.visibility }, from, to);
        progress.report(Math.round((current.rows * to) / pages), Math.round((size * to) / pages));
      }
      // The case categories the rows carry become the organisation's (lib/timeline/categories.ts).
      await ensureCaseCategories(tx, job.caseId, job.orgId, await stagedCategories(tx, job.id));
      await dropStage(tx, job.id);
      // New events every organisation sees move the case's updated time, as one typed in does.
      if (inserted > 0) await touchCaseFor(tx, job.caseId, { visibility: job.options.visibility });
      await tx.importJob.update({
        where: { id: job.id },
        data: {
          status: "COMMITTED",
          rowsProcessed: current.rows,
          bytesProcessed: size,
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
 * stored list keeps the first REJECTS_KEPT (lib/jobs/job.ts), this gives them all (the
 * rejects CSV download).
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
