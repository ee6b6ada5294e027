import "server-only";
import { LRUCache } from "lru-cache";
import { getDb, Prisma } from "@/lib/db";
import type { TPolicyActor } from "@/lib/auth/permissions";
import { visibleItemSql } from "@/lib/auth/visibility";
import { oncePerRequest } from "@/lib/read-scope";

// Results derived from a case's whole timeline (the histogram's counts, the categories its
// events carry) cost a pass over every event of the case: about 110 ms at 100,000 events, on
// every timeline page, and at 32 readers of one case the cores did little else (issue 16). They
// change only when the case's events do, so this process keeps them, keyed by the exact query
// (its SQL and parameters, so the reader's visibility and filters are in the key by
// construction) and checked against the case's timeline version before each use.
//
// The version is the reader's: the number of "TimelineChange" rows of the case that its
// organisation may see, which the database adds in every transaction that changes the case's
// events, one per organisation and visibility touched (a statement trigger; see
// prisma/schema.prisma), plus those the storage sweep has folded into "TimelineChangeFolded". It
// moves exactly when a transaction that changes what the reader sees commits, in any process,
// and folding never moves it. Only the reader's: were it the case's, the owner's edits of
// owner-only events would empty the partner's cache, and the partner could time its replies to
// learn when the owner worked on what it cannot see. It is read before the query it guards, so a
// result is at least as new as the version it is kept under; a change committed in between
// makes the next reader's version differ, never the reverse.
// One request reads it once (a page keeps four results): the first read comes before every
// query it guards.

type TEntry = { version: number; value: Promise<unknown> };

const cache = new LRUCache<string, TEntry>({ max: 2_000 });

type TReader = Pick<TPolicyActor, "orgId">;

/** The timeline version of the case as `reader` sees it: moves with every committed change of its events that reader may see. */
export async function timelineVersion(
  caseId: string,
  reader: TReader,
  db: Prisma.TransactionClient = getDb(),
): Promise<number> {
  // One statement, so one snapshot: a fold commits whole, before or after it.
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT ((SELECT count(*) FROM "TimelineChange" c WHERE c."caseId" = ${caseId}::uuid AND ${visibleItemSql(reader, "c")})
      + coalesce((SELECT sum(changes) FROM "TimelineChangeFolded" c
                  WHERE c."caseId" = ${caseId}::uuid AND ${visibleItemSql(reader, "c")}), 0))::int AS n`;
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
        RETURNING "caseId", "orgId", visibility),
      counted AS (SELECT "caseId", "orgId", visibility, count(*) AS changes FROM gone GROUP BY 1, 2, 3),
      kept AS (
        INSERT INTO "TimelineChangeFolded" ("caseId", "orgId", visibility, changes)
        SELECT "caseId", "orgId", visibility, changes FROM counted
        ON CONFLICT ("caseId", "orgId", visibility)
        DO UPDATE SET changes = "TimelineChangeFolded".changes + EXCLUDED.changes)
      SELECT coalesce(sum(changes), 0)::int AS n FROM counted`;
    const n = row?.n ?? 0;
    folded += n;
    if (n < FOLD_BATCH) return folded;
  }
}

/** timelineVersion, read once per server render or read request. */
const versionForRequest = oncePerRequest(
  (caseId: string, reader: TReader) => `timeline-version:${caseId}:${reader.orgId}`,
  (caseId: string, reader: TReader) => timelineVersion(caseId, reader),
);

/**
 * `compute()`'s result for `query` on the case's timeline as `reader` sees it, from this
 * process's cache while that is unchanged. `query` must read only "TimelineEvent" rows of the
 * case that the reader's organisation may see (visibleItemSql: anything else it read could
 * change unseen); it is the cache key, nothing more. Concurrent readers of one version share one
 * computation; a failed one is not kept.
 */
export async function derivedFromTimeline<T>(
  caseId: string,
  reader: TReader,
  query: Prisma.Sql,
  compute: () => Promise<T>,
): Promise<T> {
  const version = await versionForRequest(caseId, reader);
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
