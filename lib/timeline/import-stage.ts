import "server-only";
import type pg from "pg";
import { getDb, Prisma, withAdvisoryLock } from "@/lib/db";
import { copyEscape } from "@/lib/db/copy";
import { uuidv7 } from "@/lib/db/uuidv7";
import { IMPORT_FILE_KEPT_MS } from "@/lib/storage/references";
import type { TImportRow } from "@/lib/timeline/import-parse";

// A timeline import's staging table: validation COPYs the file's good rows into it while it
// parses them, so the commit moves rows table to table (INSERT … SELECT) and never reads the
// file again. UNLOGGED (a crash may empty it; a commit that finds it missing or empty of what
// validation counted fails and asks for a new validation), in schema import_stages, named after
// the job. Made afresh by each validation; dropped by the commit's own transaction, on cancel,
// and by the storage sweep for jobs that no longer need one (dropAbandonedStages).

type TSql = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw" | "$executeRawUnsafe">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The job's staging table (a quoted identifier). DDL takes no parameters: only a real UUID passes. */
export function stageTable(jobId: string): string {
  if (!UUID.test(jobId)) throw new Error("Not an import job id.");
  return `import_stages."timeline_${jobId.replace(/-/g, "")}"`;
}

/**
 * The rows as the commit inserts them, numbered 1… in file order (`seq`).
 * `repeat`: a row whose key validation had seen earlier in the file (by fingerprint, which may
 * rarely collide: so it is staged too, and the commit's ON CONFLICT decides by the full key).
 */
const COLUMNS = `seq integer NOT NULL, repeat boolean NOT NULL, id uuid NOT NULL, "occurredAt" timestamp(3) NOT NULL,
  "endsAt" timestamp(3), title text NOT NULL, description text NOT NULL, category "EventCategory" NOT NULL,
  "customCategory" text, source text NOT NULL, confidence "EventConfidence" NOT NULL, attributes jsonb,
  "dedupeKey" text NOT NULL`;

/** An empty staging table for the job, replacing any earlier run's. */
export async function createStage(client: pg.ClientBase, jobId: string): Promise<void> {
  const table = stageTable(jobId);
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE UNLOGGED TABLE ${table} (${COLUMNS})`);
}

export const stageCopySql = (jobId: string) => `COPY ${stageTable(jobId)} FROM STDIN`;

const cell = (v: string | null) => (v === null ? "\\N" : copyEscape(v));

/** One row's COPY text, with the event id it will keep (UUIDv7: appended to the primary key's index). */
export function stageLine(seq: number, repeat: boolean, r: TImportRow): string {
  return `${seq}\t${repeat ? "t" : "f"}\t${uuidv7()}\t${r.occurredAt.toISOString()}\t${r.endsAt ? r.endsAt.toISOString() : "\\N"}\t${copyEscape(r.title)}\t${copyEscape(r.description)}\t${r.category}\t${cell(r.customCategory)}\t${copyEscape(r.source)}\t${r.confidence}\t${r.attributes ? copyEscape(JSON.stringify(r.attributes)) : "\\N"}\t${r.dedupeKey}\n`;
}

/**
 * How many of the first-seen rows the importing organisation's events on the case already hold
 * (any of them, deleted ones included: the commit's ON CONFLICT skips those too), in one join.
 */
export async function countStagedExisting(
  client: pg.ClientBase,
  job: { id: string; caseId: string; orgId: string },
): Promise<number> {
  const table = stageTable(job.id);
  // visibility: the importing organisation's own rows only (orgId), counted, nothing shown.
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} s JOIN "TimelineEvent" e
       ON e."caseId" = $1::uuid AND e."orgId" = $2::uuid AND e."dedupeKey" = s."dedupeKey"
     WHERE NOT s.repeat`,
    [job.caseId, job.orgId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * How many pages the job's stage holds (the commit's chunks are page ranges: a TID range scan
 * each, in the order the rows were loaded, no index needed), or null when it has none.
 */
export async function stagedPages(tx: TSql, jobId: string): Promise<number | null> {
  const table = stageTable(jobId);
  const [row] = await tx.$queryRaw<{ pages: number | null }[]>`
    SELECT (pg_relation_size(to_regclass(${table})) / current_setting('block_size')::int)::int AS pages`;
  return row?.pages ?? null;
}

/** The case categories the staged rows carry (distinct). */
export async function stagedCategories(tx: TSql, jobId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ name: string }[]>`
    SELECT DISTINCT "customCategory" AS name FROM ${Prisma.raw(stageTable(jobId))} WHERE "customCategory" IS NOT NULL`;
  return rows.map((r) => r.name);
}

export type TStageInsert = { id: string; caseId: string; orgId: string; createdById: string; visibility: string };

// The key is unique per case *and importing organisation*: otherwise a partner importing a row
// equal to one of our owner-org-only events would be told it "already exists" (revealing it)
// and lose the row. Each organisation's imports are de-duplicated against its own. Rows are read
// in the order they were loaded, so of two rows with one key the first in the file wins.
/** Inserts the staged rows on pages from…to-1; answers how many were new. */
export async function insertStaged(tx: TSql, job: TStageInsert, from: number, to: number): Promise<number> {
  return tx.$executeRaw`
    INSERT INTO "TimelineEvent" (id, "caseId", "orgId", "authorId", "occurredAt", "endsAt", title, description, category, "customCategory", source, confidence, attributes, visibility, "dedupeKey", "importJobId", "updatedAt")
    SELECT s.id, ${job.caseId}::uuid, ${job.orgId}::uuid, ${job.createdById}::uuid, s."occurredAt", s."endsAt", s.title, s.description, s.category, s."customCategory", s.source, s.confidence, s.attributes,
           ${job.visibility}::"Visibility", s."dedupeKey", ${job.id}::uuid, now()
    FROM ${Prisma.raw(stageTable(job.id))} s WHERE s.ctid >= ${`(${from},0)`}::tid AND s.ctid < ${`(${to},0)`}::tid
    ON CONFLICT ("caseId", "orgId", "dedupeKey") DO NOTHING`;
}

/** The statement that drops a job's stage, for a pg client (the validation's own) or dropStage. */
export const dropStageSql = (jobId: string) => `DROP TABLE IF EXISTS ${stageTable(jobId)}`;

/** Drops the job's stage if it has one. */
export async function dropStage(tx: Pick<TSql, "$executeRawUnsafe">, jobId: string): Promise<void> {
  await tx.$executeRawUnsafe(dropStageSql(jobId));
}

/**
 * The session lock a validation holds on its own connection while it writes the job's stage
 * (one runner per job); whoever else drops a stage takes it first, so a stage being written is
 * never dropped under its writer.
 */
export const stageLock = (jobId: string) => `timeline-import:${jobId}`;

/**
 * Drops the job's stage unless a validation is writing it right now (that run drops it itself
 * when it finds the job no longer validating). Its own connection: a session lock must not wait.
 */
export async function discardStage(jobId: string): Promise<void> {
  await withAdvisoryLock(stageLock(jobId), () => dropStage(getDb(), jobId));
}

/**
 * For the storage sweep: drops the stages of jobs that can no longer commit them (committed,
 * cancelled, failed, deleted, or validated and left longer than their file is kept). A stage
 * whose validation is running is skipped (its lock is held), and each job's state is read again
 * under that lock, so a validation that starts meanwhile keeps the stage it makes. Answers how
 * many were dropped.
 */
export async function dropAbandonedStages(): Promise<number> {
  const keptSince = new Date(Date.now() - IMPORT_FILE_KEPT_MS);
  const stages = await getDb().$queryRaw<{ id: string }[]>`
    SELECT substr(c.relname, 10) AS id FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'import_stages' AND c.relkind = 'r' AND c.relname ~ '^timeline_[0-9a-f]{32}$'`;
  let dropped = 0;
  for (const { id: hex } of stages) {
    const id = hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
    // Under the stage's lock (skipped while a validation holds it), the job's state read again.
    await withAdvisoryLock(stageLock(id), async () => {
      const [row] = await getDb().$queryRaw<{ gone: boolean }[]>`
        SELECT NOT EXISTS (SELECT 1 FROM "ImportJob" j WHERE j.id = ${id}::uuid
          AND (j.status IN ('VALIDATING', 'COMMITTING') OR (j.status = 'VALIDATED' AND j."updatedAt" > ${keptSince.toISOString()}::timestamp))) AS gone`;
      if (!row?.gone) return;
      await dropStage(getDb(), id);
      dropped++;
    });
  }
  return dropped;
}
