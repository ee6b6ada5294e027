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
        },
      },
    ],
  },
});
