// The database a test run uses. TEST_DATABASE_URL: that database, emptied first (CI creates a
// fresh one per run). Else DATABASE_URL: a new throwaway database on the same server, dropped
// afterwards (your development data is never touched). Else: an embedded PGlite in a temporary
// folder, removed afterwards: on disk, not in memory, where every page added to a table copies
// the table's file (a suite of usage, linkage and timeline tests took 258 s there, 168 s here).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/schema-engine";

export type TestDatabase = { url: string; kind: string; embedded: boolean; drop: () => Promise<void> };

/**
 * True in a test run on the embedded database (global-setup.ts says so to the workers). PGlite
 * runs every connection on one session, so a session's advisory locks are every connection's:
 * the few tests of locks between app instances (which the embedded database, owned by one
 * process, never has) cannot run there.
 */
// eslint-disable-next-line no-restricted-properties -- set by tests/helpers/global-setup.ts
export const onEmbeddedTestDatabase = () => process.env.CASEBRIDGE_TEST_DATABASE_EMBEDDED === "1";

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function provision(): Promise<TestDatabase> {
  // eslint-disable-next-line no-restricted-properties -- test harness chooses its database
  const { TEST_DATABASE_URL, DATABASE_URL } = process.env;
  if (TEST_DATABASE_URL) {
    await withClient(TEST_DATABASE_URL, (c) => c.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"));
    return { url: TEST_DATABASE_URL, kind: "TEST_DATABASE_URL", embedded: false, drop: async () => {} };
  }
  if (DATABASE_URL) {
    const name = `casebridge_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
    await withClient(DATABASE_URL, (c) => c.query(`CREATE DATABASE "${name}"`));
    const url = new URL(DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      kind: `throwaway database ${name} on DATABASE_URL's server`,
      embedded: false,
      drop: () =>
        withClient(DATABASE_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), "casebridge-test-pglite-"));
  const embedded = await startEmbeddedDatabase(dir);
  return {
    url: embedded.url,
    kind: `embedded PGlite (${dir})`,
    embedded: true,
    drop: () => embedded.stop().finally(() => rm(dir, { recursive: true, force: true })),
  };
}

/** A migrated, empty database for one test run. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const database = await provision();
  await applyMigrations(database.url);
  return database;
}
