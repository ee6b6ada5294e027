import "server-only";
import { getDb, Prisma } from "@/lib/db";

// What every kind of import job shares (lib/jobs/runner.ts runs them): the claimed job, throttled
// progress, and the message a failure leaves for the user. Why not graphile-worker or pg-boss
// (the brief prefers a Postgres-backed library): their current releases require Node >= 22 and
// this app supports Node 20; both also keep their own schema outside Prisma's migrations and
// rely on LISTEN/NOTIFY or many sessions, which the embedded single-session PGlite does not
// give. So the state lives in ImportJob and the work runs in-process, restartable: a run claims
// the job by stamping heartbeatAt; a job whose heartbeat is older than STALE_MS (its process
// died) is claimed again by the next status poll and run from the start of its step.

export const STALE_MS = 120_000;
const PROGRESS_MS = 500;

export type TClaimedJob = {
  id: string;
  kind: "TIMELINE" | "USAGE";
  caseId: string;
  orgId: string;
  createdById: string;
  evidenceId: string | null;
  format: "CSV" | "JSONL" | "JSON";
  sha256: string;
  fileName: string;
  status: "VALIDATING" | "COMMITTING";
  rowsValid: number;
  options: unknown;
};

/** One kind of job: the work of each running step. */
export type TJobSteps = {
  validate: (job: TClaimedJob) => Promise<void>;
  commit: (job: TClaimedJob) => Promise<void>;
};

/** Claims a VALIDATING or COMMITTING job that nobody is running (or whose runner died). */
export async function claimJob(jobId: string): Promise<TClaimedJob | null> {
  const rows = await getDb().$queryRaw<TClaimedJob[]>`
    UPDATE "ImportJob" SET "heartbeatAt" = now(), attempts = attempts + 1, "updatedAt" = now()
    WHERE id = ${jobId}::uuid AND status IN ('VALIDATING', 'COMMITTING')
      AND ("heartbeatAt" IS NULL OR "heartbeatAt" < now() - ${`${STALE_MS} milliseconds`}::interval)
    RETURNING id, kind::text AS kind, "caseId", "orgId", "createdById", "evidenceId", format::text AS format, sha256,
              "fileName", status::text AS status, "rowsValid", options`;
  return rows[0] ?? null;
}

/**
 * Progress writes go outside the work's transaction, throttled, and never block the work. One
 * is in flight at a time, the latest figures waiting for it: on the embedded database a write
 * queues behind the work's open transaction, and writes that piled up there would hold every
 * connection of the pool until the commit. A write that finds the job no longer in `status`
 * marks it `stopped`: until the run moves the job on itself, that means someone else did
 * (cancelled it), and nothing the work does from then on can be kept.
 */
export function progressWriter(job: Pick<TClaimedJob, "id">, status: string) {
  let last = 0;
  let inFlight: Promise<void> | null = null;
  let waiting: [rows: number, bytes: number] | null = null;
  let stopped = false;
  const write = (rows: number, bytes: number) => {
    inFlight = getDb()
      .$executeRaw`UPDATE "ImportJob" SET "rowsProcessed" = ${rows}, "bytesProcessed" = ${bytes}, "heartbeatAt" = now() WHERE id = ${job.id}::uuid AND status::text = ${status}`.then(
      (count) => {
        if (count === 0) stopped = true;
      },
      (error: unknown) => console.error("[import] progress update failed:", error),
    );
    void inFlight.then(() => {
      inFlight = null;
      const next = waiting;
      waiting = null;
      if (next) write(...next);
    });
  };
  return {
    report(rows: number, bytes: number, force = false) {
      const now = Date.now();
      if (!force && now - last < PROGRESS_MS) return;
      last = now;
      if (inFlight) waiting = [rows, bytes];
      else write(rows, bytes);
    },
    /** Whether a write found the job moved on from `status` (a cancel shows within PROGRESS_MS or so). */
    stopped: () => stopped,
  };
}

/**
 * `chunks` until the job's progress says it has stopped, checked before each is read: a
 * cancelled validation reads no more of its file. Left early, it closes `chunks` (and so the
 * readers under it, which close the file), as a `for await` loop would.
 */
export async function* untilStopped<T>(chunks: AsyncIterable<T>, progress: { stopped: () => boolean }) {
  const iterator = chunks[Symbol.asyncIterator]();
  let open = true;
  try {
    while (!progress.stopped()) {
      const next = await iterator.next().catch((error: unknown) => {
        open = false; // a generator that threw is closed
        throw error;
      });
      if (next.done) return void (open = false);
      yield next.value;
    }
  } finally {
    if (open) await iterator.return?.();
  }
}

/** Beyond this many, a validation's refused rows are only counted (all: lib/timeline/import.ts). */
export const REJECTS_KEPT = 100_000;

/**
 * The rows a validation refused: every one counted, the first REJECTS_KEPT (`keep`) kept by
 * line with their reason (cut to 500 characters). Held in memory while COPY runs, since on the
 * embedded database no other connection is served until a COPY statement ends (writing them
 * then would wait on ourselves), and saved with the job after it, 5,000 to an INSERT.
 */
export class RefusedRows {
  count = 0;
  private readonly kept: { jobId: string; line: number; reason: string }[] = [];

  constructor(
    private readonly jobId: string,
    private readonly keep = REJECTS_KEPT,
  ) {}

  add(line: number, reason: string): void {
    if (++this.count <= this.keep) this.kept.push({ jobId: this.jobId, line, reason: reason.slice(0, 500) });
  }

  async save(): Promise<void> {
    for (let i = 0; i < this.kept.length; i += 5_000)
      await getDb().importRowError.createMany({ data: this.kept.slice(i, i + 5_000) });
  }
}

/** What the user is told: the reader's and storage's own words; the database's only in the log. */
export function failureMessage(error: unknown): string {
  if (
    error instanceof Prisma.PrismaClientKnownRequestError ||
    error instanceof Prisma.PrismaClientUnknownRequestError ||
    (error instanceof Error && "code" in error && typeof error.code === "string" && /^[0-9A-Z]{5}$/.test(error.code))
  ) {
    return "The database refused the import; nothing was written. The server log has the details.";
  }
  return error instanceof Error ? error.message.slice(0, 500) : "The import failed.";
}

/** The states in which a job can no longer be loaded: what its validation left may go. */
export const ABANDONED_STATUSES: readonly string[] = ["FAILED", "CANCELLED"];

/** What a commit says when the validated rows are no longer there (dropped, or from an old version). */
export const STAGE_GONE = "The validated rows are no longer ready to import: validate the file again, then import it.";

/** The stored file, or an error saying why it is gone. */
export const FILE_GONE =
  "The uploaded file is no longer kept (an import left for 7 days releases its file): upload it again.";
