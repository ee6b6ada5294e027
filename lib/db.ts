import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";
import { analyzeTables } from "@/lib/db/analyze";

// The only place a Prisma client is created. One per process (kept on globalThis so dev-mode
// hot reloads do not open a new pool each time), created on first use.
const globalForDb = globalThis as unknown as { casebridgeDb?: PrismaClient; casebridgePool?: pg.Pool };

/**
 * Every connection's session settings, as the server's command-line options (a connection
 * string's own `options` wins). JIT compilation only for queries 100 times costlier than
 * PostgreSQL's default threshold, and inlining and optimisation 10 times: the app's queries read
 * rollups, and compiling one took longer than running it (350 of a usage signal's 450 ms over a
 * quarter of a million hours, at every run). A query over tens of millions of rows still gets it.
 * The embedded database has no JIT and ignores them.
 */
export const SESSION_OPTIONS =
  "-c jit_above_cost=10000000 -c jit_inline_above_cost=50000000 -c jit_optimize_above_cost=50000000";

function createClient(): PrismaClient {
  const { DATABASE_URL, DATABASE_POOL_MAX, DATABASE_CONNECT_TIMEOUT_MS } = getEnv();
  const adapter = new PrismaPg({
    connectionString: DATABASE_URL,
    options: SESSION_OPTIONS,
    max: DATABASE_POOL_MAX,
    connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS,
  });
  // A transaction waits for its start as long as a query waits for a connection: under a burst
  // (64 users at once on the embedded database, which runs one statement at a time) requests
  // queue for seconds, and Prisma's default of 2 s failed them with "Unable to start a
  // transaction in the given time" while plain queries still waited.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: DATABASE_CONNECT_TIMEOUT_MS } });
}

/** SQL that is true on the embedded database (PGlite: PostgreSQL built for WebAssembly). */
const ON_EMBEDDED_DATABASE = "version() LIKE '%wasm32%'";

/** What onEmbeddedDatabase asks: a `pg` connection, or the Prisma client. */
type TAsked = { query: (sql: string) => Promise<{ rows: unknown[] }> } | PrismaClient;
/** Each connection's (or client's) answer, asked once: a connection stays on one database. */
const embeddedBy = new WeakMap<TAsked, Promise<boolean>>();

/**
 * Whether `db` is on the embedded database, which serves one connection at a time and whose
 * COPY … FROM STDIN takes text or CSV, not binary.
 */
export function onEmbeddedDatabase(db: TAsked): Promise<boolean> {
  let answer = embeddedBy.get(db);
  if (!answer) {
    const sql = `SELECT ${ON_EMBEDDED_DATABASE} AS embedded`;
    answer = ("$queryRawUnsafe" in db ? db.$queryRawUnsafe<unknown[]>(sql) : db.query(sql).then((r) => r.rows)).then(
      (rows) => (rows[0] as { embedded?: boolean } | undefined)?.embedded === true,
    );
    embeddedBy.set(db, answer);
    answer.catch(() => embeddedBy.delete(db)); // asked again next time
  }
  return answer;
}

export function getDb(): PrismaClient {
  globalForDb.casebridgeDb ??= createClient();
  return globalForDb.casebridgeDb;
}

export type { PrismaClient };
export { Prisma } from "@/lib/generated/prisma/client";

/**
 * A small plain `pg` pool beside the Prisma client, for libraries that take one (the sign-in
 * rate limiter's PostgreSQL store, lib/auth/throttle.ts).
 */
export function getPgPool(): pg.Pool {
  globalForDb.casebridgePool ??= new pg.Pool({
    connectionString: getEnv().DATABASE_URL,
    options: SESSION_OPTIONS,
    max: 2,
    connectionTimeoutMillis: 5_000,
  }).on("error", (error) => console.error("[db] idle pool connection error:", error));
  return globalForDb.casebridgePool;
}

/** Closes the pools (scripts and tests; the app keeps its client for the process lifetime). */
export async function disconnectDb(): Promise<void> {
  await globalForDb.casebridgeDb?.$disconnect();
  globalForDb.casebridgeDb = undefined;
  await globalForDb.casebridgePool?.end();
  globalForDb.casebridgePool = undefined;
}

/**
 * Statistics for tables a bulk load just filled, before the load reports done: nothing else
 * gathers them here (see lib/db/analyze.ts). Outside the load's transaction, after its commit.
 * "all" passes over tables another session holds locked (a usage import's table while its rows
 * load, lib/db/copy.ts) rather than wait for them.
 */
export async function analyzeLoaded(tables: readonly string[] | "all"): Promise<void> {
  if (tables === "all") await getDb().$executeRawUnsafe("ANALYZE (SKIP_LOCKED)");
  else await analyzeTables({ query: (sql) => getDb().$executeRawUnsafe(sql) }, tables);
}

/**
 * A connection of its own, for work the ORM cannot do (COPY … FROM STDIN for bulk loads):
 * opened for `work` and closed after it, whatever happens. The caller runs its own BEGIN/COMMIT.
 */
export async function withPgClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: getEnv().DATABASE_URL,
    options: SESSION_OPTIONS,
    connectionTimeoutMillis: 30_000,
  });
  client.on("error", (error) => console.error("[db] bulk connection error:", error));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Waits for the PostgreSQL session advisory lock `name` (withAdvisoryLock's key) and holds it on
 * `client` until that connection ends or unlocks it: a process that dies releases it at once.
 */
export async function holdAdvisoryLock(client: pg.ClientBase, name: string): Promise<void> {
  await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [name]);
}

/**
 * Runs `work` while this process holds the PostgreSQL session advisory lock `name`, or returns
 * null at once when another process (another app instance) holds it. The lock lives on a
 * connection of its own, outside any transaction, so `work` may use the pool freely (also on
 * the embedded database, which serialises open transactions); it ends with that connection, so
 * a holder that crashes never keeps it.
 */
export async function withAdvisoryLock<T>(name: string, work: () => Promise<T>): Promise<T | null> {
  return withPgClient(async (client) => {
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked",
      [name],
    );
    if (!rows[0]?.locked) return null;
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [name]);
    }
  });
}
