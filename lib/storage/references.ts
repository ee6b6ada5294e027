import "server-only";
import { Prisma } from "@/lib/db";

type TQueryClient = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">;

/** How long an import job that is not running keeps its file after it last changed. */
export const IMPORT_FILE_KEPT_MS = 7 * 24 * 60 * 60_000;

/**
 * Every kind of use that keeps a stored blob, as ONE query over all referencing tables. Blobs
 * are content-addressed, so one file may serve several uses at once (the same bytes uploaded as
 * evidence and imported as a timeline); a blob is removed only when none is left. A new kind of
 * use (usage-log loads, exports) adds its table here, and purge and sweep then respect it.
 * - Evidence: until purged. A deleted item (tombstone) keeps its file until an admin purges it.
 * - Timeline imports: while the job runs, and while its owner may still go on (uploaded,
 *   validated, failed and retried) for IMPORT_FILE_KEPT_MS after it last changed. A committed
 *   or cancelled job no longer needs its file.
 * - Legal review exports (productions): the ZIP, until the production is deleted.
 */
function referencesOf(shas: string[]): Prisma.Sql {
  const keptSince = new Date(Date.now() - IMPORT_FILE_KEPT_MS);
  // visibility: reference count of blobs across every case and organisation, never shown to anyone.
  return Prisma.sql`
    SELECT sha256 FROM "Evidence" WHERE sha256 = ANY(${shas}::text[]) AND "purgedAt" IS NULL
    UNION
    SELECT sha256 FROM "ImportJob" WHERE sha256 = ANY(${shas}::text[])
      AND (status IN ('VALIDATING', 'COMMITTING')
        OR (status IN ('UPLOADED', 'VALIDATED', 'FAILED') AND "updatedAt" > ${keptSince}))
    UNION
    SELECT sha256 FROM "Production" WHERE sha256 = ANY(${shas}::text[]) AND "deletedAt" IS NULL`;
}

/** Which of `shas` some use still needs. */
export async function referencedBlobs(db: TQueryClient, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const rows = await db.$queryRaw<{ sha256: string }[]>(referencesOf(shas));
  return new Set(rows.map((r) => r.sha256));
}

/**
 * Serialises, until the transaction ends, every decision about one blob: a new use of it
 * (an evidence row, an import job), a purge and the sweep. Whoever comes second sees what the
 * first did: a new use sees the blob gone and refuses, or the remover sees the new use and keeps it.
 */
export async function lockBlob(tx: TQueryClient, sha256: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${sha256}, 0))`;
}
