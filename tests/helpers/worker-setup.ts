import { mkdirSync } from "node:fs";
import path from "node:path";

// Runs in each worker before its test files load anything: every worker gets its own evidence
// folder under the run's (tests/helpers/global-setup.ts). Files that run side by side share the
// database, where each makes its own organisations and cases, but a check such as "nothing is
// left half-written in the staging folder" must not see another file's upload in flight.
/* eslint-disable no-restricted-properties -- the test harness hands each worker its folder */
const root = process.env.CASEBRIDGE_TEST_DATA_ROOT;
if (root) {
  const folder = path.join(root, `worker-${process.env.VITEST_POOL_ID ?? "1"}`);
  mkdirSync(folder, { recursive: true });
  process.env.CASEBRIDGE_DATA_DIR = folder;
}
/* eslint-enable no-restricted-properties */
