// Planner statistics. Nothing else gathers them on the databases Casebridge runs on: PGlite has
// no autovacuum, and a server may run without it (this machine's does). A table bulk-loaded and
// never analyzed keeps the statistics of when it was nearly empty, and the planner then picks
// plans for a few hundred rows over hundreds of thousands (issue 16: the timeline's first page
// went from ~1 ms to ~100 ms). So bulk loads analyze what they loaded before they report done,
// and the embedded database is analyzed on a schedule (scripts/start.ts).
// Plain `pg` clients (no server-only import): used by the start script and the seed as well.

/** Anything that runs SQL: a pg Client/Pool, or a Prisma client through `$executeRawUnsafe`. */
export type TSqlRunner = { query: (sql: string) => Promise<unknown> };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** ANALYZE the named tables (quoted identifiers of the public schema), one statement. */
export async function analyzeTables(client: TSqlRunner, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  for (const t of tables) if (!IDENTIFIER.test(t)) throw new Error(`Not a table name: ${t}`);
  await client.query(`ANALYZE ${tables.map((t) => `"${t}"`).join(", ")}`);
}

// Autovacuum's default rule: analyze once the rows changed since the last analyze exceed 50 plus
// 10% of the table. A table never analyzed qualifies as soon as it has changed at all.
const STALE_TABLES_SQL = `
  SELECT s.relname AS name
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.schemaname = 'public' AND c.relkind IN ('r', 'p')
    AND s.n_mod_since_analyze > 0
    AND (coalesce(s.last_analyze, s.last_autoanalyze) IS NULL
         OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0))
  ORDER BY s.relname`;

/** ANALYZE every table changed enough since its last analyze; answers which it analyzed. */
export async function analyzeStaleTables(client: {
  query: (sql: string) => Promise<{ rows: { name: string }[] }>;
}): Promise<string[]> {
  const { rows } = await client.query(STALE_TABLES_SQL);
  const names = rows.map((r) => r.name).filter((n) => IDENTIFIER.test(n));
  await analyzeTables(client, names);
  return names;
}
