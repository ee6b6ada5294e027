import "server-only";
import { LRUCache } from "lru-cache";
import { getDb, type Prisma } from "@/lib/db";
import { oncePerRequest } from "@/lib/read-scope";

// Results derived from a case's whole timeline (the histogram's counts, the categories its
// events carry) cost a pass over every event of the case: about 110 ms at 100,000 events, on
// every timeline page, and at 32 readers of one case the cores did little else (issue 16). They
// change only when the case's events do, so this process keeps them, keyed by the exact query
// (its SQL and parameters, so the reader's visibility and filters are in the key by
// construction) and checked against the case's timeline version before each use.
//
// The version is the number of "TimelineChange" rows of the case, which the database adds in
// every transaction that changes the case's events (a statement trigger; see prisma/schema.prisma),
// plus those the storage sweep has folded into "TimelineChangeFolded": it moves exactly when such
// a transaction commits, in any process, and folding never moves it. It is read before the query
// it guards, so a result is at least as new as the version it is kept under; a change committed
// in between makes the next reader's version differ, never the reverse.
// One request reads it once (a page keeps four results): the first read comes before every
// query it guards.

type TEntry = { version: number; value: Promise<unknown> };

const cache = new LRUCache<string, TEntry>({ max: 2_000 });

/** The case's timeline version: moves with every committed change to its events. */
export async function timelineVersion(caseId: string, db: Prisma.TransactionClient = getDb()): Promise<number> {
  // One statement, so one snapshot: a fold commits whole, before or after it.
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT ((SELECT count(*) FROM "TimelineChange" WHERE "caseId" = ${caseId}::uuid)
      + coalesce((SELECT changes FROM "TimelineChangeFolded" WHERE "caseId" = ${caseId}::uuid), 0))::int AS n`;
  return row?.n ?? 0;
}

const FOLD_BATCH = 50_000;

/**
 * For the storage sweep: folds every committed "TimelineChange" row into its case's count in
 * "TimelineChangeFolded", in batches, each one statement (so no reader sees a batch half done), so
 * reading a version stays a count of the few changes since the last sweep. No version moves; a
 * change whose transaction is still open is not seen, and is folded by a later sweep. Answers
 * how many rows were folded.
 */
export async function foldTimelineChanges(): Promise<number> {
  let folded = 0;
  for (;;) {
    const [row] = await getDb().$queryRaw<{ n: number }[]>`
      WITH gone AS (
        DELETE FROM "TimelineChange" WHERE id IN (SELECT id FROM "TimelineChange" ORDER BY id LIMIT ${FOLD_BATCH})
        RETURNING "caseId"),
      counted AS (SELECT "caseId", count(*) AS changes FROM gone GROUP BY 1),
      kept AS (
        INSERT INTO "TimelineChangeFolded" ("caseId", changes) SELECT "caseId", changes FROM counted
        ON CONFLICT ("caseId") DO UPDATE SET changes = "TimelineChangeFolded".changes + EXCLUDED.changes)
      SELECT coalesce(sum(changes), 0)::int AS n FROM counted`;
    const n = row?.n ?? 0;
    folded += n;
    if (n < FOLD_BATCH) return folded;
  }
}

/** timelineVersion, read once per server render or read request. */
const versionForRequest = oncePerRequest((caseId: string) => `timeline-version:${caseId}`, timelineVersion);

/**
 * `compute()`'s result for `query` on the case's timeline, from this process's cache while the
 * timeline is unchanged. `query` must read only "TimelineEvent" rows of the case (anything else
 * it read could change unseen); it is the cache key, nothing more. Concurrent readers of one
 * version share one computation; a failed one is not kept.
 */
export async function derivedFromTimeline<T>(caseId: string, query: Prisma.Sql, compute: () => Promise<T>): Promise<T> {
  const version = await versionForRequest(caseId);
  const key = `${caseId}\n${query.sql}\n${JSON.stringify(query.values, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))}`;
  const kept = cache.get(key);
  if (kept?.version === version) return kept.value as Promise<T>;
  const value = compute();
  if (!kept || kept.version < version) cache.set(key, { version, value });
  value.catch(() => {
    if (cache.get(key)?.value === value) cache.delete(key);
  });
  return value;
}
