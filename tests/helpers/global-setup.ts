import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createTestDatabase } from "@/tests/helpers/test-database";

// Runs once per `vitest run`: one migrated database, shared by all test files. Tests create
// their own organisations, users and cases (unique names), so files can run in parallel.
export default async function setup(_project: TestProject) {
  const database = await createTestDatabase();
  console.log(`[tests] database: ${database.kind}`);
  /* eslint-disable no-restricted-properties -- hand the database to the worker processes */
  process.env.DATABASE_URL = database.url;
  process.env.CASEBRIDGE_TEST_DATABASE_EMBEDDED = database.embedded ? "1" : "0";
  process.env.NEXTAUTH_SECRET ??= "test-secret-that-is-at-least-32-characters-long";
  // Evidence blobs of this run (lib/storage, local backend), removed afterwards: a folder per
  // worker inside it (tests/helpers/worker-setup.ts).
  const dataDir = mkdtempSync(path.join(tmpdir(), "casebridge-test-"));
  process.env.CASEBRIDGE_TEST_DATA_ROOT = dataDir;
  process.env.CASEBRIDGE_DATA_DIR = dataDir;
  /* eslint-enable no-restricted-properties */
  return async () => {
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
