import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

// Two projects. `unit`: pure tests that need no database (permission tables, parsing, schemas,
// client helpers), run with `npx vitest run --project unit` in seconds. `integration`: every
// other test, against a real PostgreSQL that the global setup creates and drops. A test file
// belongs to `unit` when it is listed here or named *.unit.test.ts; a unit test that touches the
// database fails at once (no DATABASE_URL), so a wrong listing cannot pass silently.
const UNIT_TESTS = [
  "lib/**/*.unit.test.ts",
  "scripts/**/*.unit.test.ts",
  "components/**/*.test.{ts,tsx}",
  "lib/auth/redirect.test.ts",
  "lib/evidence/permissions.test.ts",
  "lib/ingest/time.test.ts",
  "lib/request-meta.test.ts",
  "lib/timeline/permissions.test.ts",
  "lib/timeline/time.test.ts",
  "lib/usage/parse.test.ts",
  "lib/validation.test.ts",
  "tests/integration/entry-points.test.ts",
  "tests/integration/item-visibility-queries.test.ts",
  "tests/integration/markdown.test.tsx",
  "tests/integration/public-files.test.ts",
  "tests/integration/start-production.test.ts",
];

// On a PostgreSQL server the test files run side by side, one per core (Vitest's default leaves
// one core to itself: on a 2-core machine, one file at a time, with the cores a third idle while
// each test waits on the database). Each file makes its own organisations, users and cases, and
// each worker has its own evidence folder (tests/helpers/worker-setup.ts). The embedded PGlite
// runs every connection on one session (shared advisory locks and settings), so there Vitest's
// default stands. Set here, not per project: Vitest refuses projects with different counts.
const onServer = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React Server Components; tests run lib/ code directly.
      "server-only": path.resolve(import.meta.dirname, "tests/helpers/empty-module.ts"),
    },
  },
  test: {
    pool: "forks",
    ...(onServer && { maxWorkers: availableParallelism() }),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "unit", include: UNIT_TESTS } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["lib/**/*.test.ts", "tests/integration/**/*.test.{ts,tsx}"],
          exclude: UNIT_TESTS,
          globalSetup: ["tests/helpers/global-setup.ts"],
          setupFiles: ["tests/helpers/worker-setup.ts"],
        },
      },
    ],
  },
});
