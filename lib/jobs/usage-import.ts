import "server-only";
import type pg from "pg";
import { getDb, holdAdvisoryLock, onEmbeddedDatabase, withPgClient } from "@/lib/db";
import { itemScope, recordAudit, type TAuditScope } from "@/lib/audit/record";
import { countBytes } from "@/lib/ingest/records";
import {
  FILE_GONE,
  progressWriter,
  RefusedRows,
  STAGE_GONE,
  untilStopped,
  type TClaimedJob,
  type TJobSteps,
} from "@/lib/jobs/job";
import { getBlobStore } from "@/lib/storage";
import {
  analyzeImportRows,
  attachImport,
  CopyLayout,
  copyUsageText,
  discardIfAbandoned,
  dropImportGroups,
  indexHourlyRollup,
  indexImportTable,
  isStaged,
  prepareImportTable,
  sqlOf,
  TimeSpread,
  usageImportLock,
  writeAccountAttributes,
  writeHourlyRollup,
  writeImportGroups,
  writeRollupsFromHours,
} from "@/lib/usage/load";
import type { UsageGroups } from "@/lib/usage/groups";
import { constantColumns, type TTimeFormatCounts } from "@/lib/usage/parse";
import { serverRedactor } from "@/lib/usage/redaction";
import { usageCopyChunks } from "@/lib/usage/stage";
import { ZUsageOptions } from "@/lib/usage/schemas";
import { refreshUsageAnalysis } from "@/lib/linkage/store";

// Usage imports (run by lib/jobs/runner.ts). Validation is the load: one pass over the evidence
// file parses, checks and COPYs every good row into the import's own unattached table and
// writes its rollups, so the user sees exact counts and every refused row by line. Commit is
// then one transaction: ATTACH the table and mark the job committed, together. A run that
// dies part-way leaves only an unattached table, replaced by the next run.

/**
 * Raises work_mem or maintenance_work_mem on one of the job's own connections: PostgreSQL's
 * defaults (4 and 64 MB) spill a load's grouping and index sorts to disk. On a database server
 * only: the embedded database lives in the app's own 32-bit WebAssembly memory, which grows
 * and never gives back, so it keeps the defaults.
 */
async function raiseBulkMemory(client: pg.ClientBase, setting: "work_mem" | "maintenance_work_mem") {
  if (await onEmbeddedDatabase(client)) return;
  await client.query(`SELECT set_config($1, '256MB', false)`, [setting]);
}

/** Seconds per step, kept on the job (stats.seconds): where a slow import spent its time. */
function stopwatch() {
  const laps: Record<string, number> = {};
  let from = performance.now();
  return {
    laps,
    /** The seconds since the last lap; `alongside` leaves the lap open, for steps run side by side. */
    lap(step: string, alongside = false) {
      const now = performance.now();
      laps[step] = Math.round(now - from) / 1000;
      if (!alongside) from = now;
    },
  };
}

async function validate(job: TClaimedJob): Promise<void> {
  const options = ZUsageOptions.parse(job.options);
  const target = { caseId: job.caseId, importId: job.id };
  const progress = progressWriter(job, "VALIDATING");
  const db = getDb();
  const stream = await getBlobStore().read(job.sha256);
  if (!stream) throw new Error(FILE_GONE);
  const redact = serverRedactor();
  let bytes = 0;
  let rows = 0;
  const refused = new RefusedRows(job.id);
  const timeFormats: TTimeFormatCounts = {};
  const spread = new TimeSpread();
  let groups: UsageGroups | undefined;
  const seconds = stopwatch();
  // The file is closed however the run ends: read to its end, left early, or failed.
  await withPgClient(async (client) => {
    // One runner per job: a runner taking over a stale job waits here until the previous one's
    // connection is gone (a process that died releases it at once; a slow one keeps it), so two
    // never write the same table. Then it goes on only if the job still needs it.
    await holdAdvisoryLock(client, usageImportLock(job.id));
    const { rows: current } = await client.query<{ status: string }>(
      `SELECT status::text AS status FROM "ImportJob" WHERE id = $1`,
      [job.id],
    );
    // Cancelled or failed meanwhile: what an earlier run left may go.
    if (current[0]?.status !== "VALIDATING") return void (await discardIfAbandoned(target));
    await db.importRowError.deleteMany({ where: { jobId: job.id } });
    // The rollups' GROUP BYs hash a few hundred thousand groups: in memory, not in batches on disk.
    await raiseBulkMemory(client, "work_mem");
    // In COPY's binary format where the database takes it (a server; the embedded one takes
    // text); what the mapping leaves the same in every row is the table's default.
    const layout = new CopyLayout(constantColumns(options), !(await onEmbeddedDatabase(client)));
    // Grouped beside the parse from its binary rows; from the text the embedded database takes,
    // the database groups them (the parse has the one core that database leaves).
    if (layout.binaryFormat) groups = layout.groups();
    await prepareImportTable(client, target, layout);
    const chunks = usageCopyChunks(
      countBytes(stream, (n) => (bytes += n)),
      options,
      redact,
      {
        onRecords: (n) => progress.report((rows = n), bytes),
        timeFormats,
        spread,
        groups,
        onReject: (line, reason) => refused.add(line, reason),
      },
      layout,
    );
    const loaded = await copyUsageText(client, target, untilStopped(chunks, progress), layout);
    seconds.lap("parseAndCopy");
    // Cancelled while it ran: the rest of the file was left unread, and what was loaded goes.
    if (progress.stopped()) return void (await discardIfAbandoned(target));
    // The rollups, the drill-down indexes and the accounts' attributes all read the rows just
    // loaded, or their groups, and write apart: on two connections, each can have a core (the
    // embedded database takes them in turn). One writes the rollups (from the groups the parse
    // counted, or else from a groups table filled first by a scan): hourly, per day and per model
    // from the hours, the accounts' attributes, then the hourly one's indexes; the other gathers
    // the rows' statistics and builds their indexes meanwhile. About as long each. Both end
    // before the job's lock goes, even when one fails.
    const steps = await Promise.allSettled([
      (async () => {
        await writeImportGroups(client, target, groups);
        seconds.lap("groups", true);
        await writeHourlyRollup(client, target, groups);
        await writeRollupsFromHours(client, target);
        seconds.lap("daily", true);
        await writeAccountAttributes(client, target, groups);
        seconds.lap("attributes", true);
        // The hourly rows' index sorts, in memory (a quarter of a million rows spill past 64 MB).
        await raiseBulkMemory(client, "maintenance_work_mem");
        await indexHourlyRollup(client, target);
        seconds.lap("rollups", true);
      })(),
      withPgClient(async (other) => {
        await analyzeImportRows(other, target);
        seconds.lap("analyze", true);
        await raiseBulkMemory(other, "maintenance_work_mem");
        await indexImportTable(other, target, spread);
        seconds.lap("indexes", true);
      }),
    ]);
    for (const step of steps) if (step.status === "rejected") throw step.reason;
    await dropImportGroups(client, target);
    await refused.save();
    const { count } = await db.importJob.updateMany({
      where: { id: job.id, status: "VALIDATING" },
      data: {
        status: "VALIDATED",
        rowsProcessed: rows,
        bytesProcessed: bytes,
        rowsValid: loaded,
        rowsRejected: refused.count,
        // The same shape as the timeline import's: rows read in each time format.
        stats: { timeFormats, seconds: seconds.laps },
        heartbeatAt: null,
      },
    });
    // Cancelled while it ran: the cancel left the rows to us, and no one may load them now.
    if (count === 0) await discardIfAbandoned(target);
  }).finally(() => {
    stream.destroy();
    groups?.close();
  });
}

async function commit(job: TClaimedJob): Promise<void> {
  const committed = await getDb().$transaction(
    async (tx) => {
      // One runner at a time per job, and a job no longer committing is left alone.
      const [current] = await tx.$queryRaw<{ status: string }[]>`
        SELECT status::text AS status FROM "ImportJob" WHERE id = ${job.id}::uuid FOR UPDATE`;
      if (current?.status !== "COMMITTING") return false;
      const target = { caseId: job.caseId, importId: job.id };
      if (!(await isStaged(sqlOf(tx), target))) throw new Error(STAGE_GONE);
      await attachImport(sqlOf(tx), target);
      await tx.importJob.update({
        where: { id: job.id },
        data: { status: "COMMITTED", rowsInserted: job.rowsValid, heartbeatAt: null },
      });
      await recordAudit(
        {
          actorId: job.createdById,
          action: "usage.imported",
          targetType: "import_job",
          targetId: job.id,
          caseId: job.caseId,
          ip: null,
          userAgent: null,
          // Counts and the file of one evidence item: shown where that item is.
          scope: await evidenceScope(tx, job),
          details: { fileName: job.fileName, sha256: job.sha256, rows: job.rowsValid },
        },
        tx,
      );
      return true;
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
  if (committed) await refreshUsageAnalysis(job.caseId);
}

/** The audit scope of what derives from an evidence item: the item's own (its importer's if gone). */
export async function evidenceScope(
  tx: Pick<ReturnType<typeof getDb>, "evidence">,
  job: Pick<TClaimedJob, "evidenceId" | "orgId">,
): Promise<TAuditScope> {
  // visibility: one item by id, for the scope of rows derived from it; nothing of it is shown.
  const item = job.evidenceId
    ? await tx.evidence.findUnique({ where: { id: job.evidenceId }, select: { visibility: true, orgId: true } })
    : null;
  return item ? itemScope(item) : { org: job.orgId };
}

export const usageImportSteps: TJobSteps = { validate, commit };
