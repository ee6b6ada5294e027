import "server-only";
import { LRUCache } from "lru-cache";
import { cache as perRender } from "react";
import { getDb, type Prisma } from "@/lib/db";
import { onceInReadScope } from "@/lib/read-scope";

// Results derived from a case's whole timeline (the histogram's counts, the categories its
// events carry) cost a pass over every event of the case: about 110 ms at 100,000 events, on
// every timeline page, and at 32 readers of one case the cores did little else (issue 16). They
// change only when the case's events do, so this process keeps them, keyed by the exact query
// (its SQL and parameters, so the reader's visibility and filters are in the key by
// construction) and checked against the case's timeline version before each use.
//
// The version is the number of "TimelineChange" rows of the case, which the database adds in
// every transaction that changes the case's events (a statement trigger; see prisma/schema.prisma)
// and never removes: it moves exactly when such a transaction commits, in any process. It is
// read before the query it guards, so a result is at least as new as the version it is kept
// under; a change committed in between makes the next reader's version differ, never the reverse.
// One request reads it once (a page keeps four results): the first read comes before every
// query it guards.

type TEntry = { version: number; value: Promise<unknown> };

const cache = new LRUCache<string, TEntry>({ max: 2_000 });

/** The case's timeline version: moves with every committed change to its events. */
export async function timelineVersion(caseId: string, db: Prisma.TransactionClient = getDb()): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "TimelineChange" WHERE "caseId" = ${caseId}::uuid`;
  return row?.n ?? 0;
}

/** timelineVersion, read once per server render or read request. */
const versionForRequest = perRender((caseId: string) =>
  onceInReadScope(`timeline-version:${caseId}`, () => timelineVersion(caseId)),
);

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
