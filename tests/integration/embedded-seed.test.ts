import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { startEmbeddedDatabase } from "@/lib/db/embedded";

// `npm start` with no DATABASE_URL migrates and seeds the embedded database, which serves one
// connection at a time: a read outside the transaction in flight waits for it forever. The rest
// of the suite runs on PostgreSQL, where such a read just succeeds, so this runs the seed here.
const ROOT = path.resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(path.join(tmpdir(), "casebridge-seed-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function run(script: string) {
  // eslint-disable-next-line no-restricted-properties -- the child gets this environment, less DATABASE_URL
  const { DATABASE_URL: _, ...env } = process.env;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", script], {
    cwd: ROOT,
    env: { ...env, CASEBRIDGE_DATA_DIR: dataDir },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { status: child.status, signal: child.signal, output: `${child.stdout}${child.stderr}` };
}

it("migrates and seeds the demo on the embedded database, every capability included", async () => {
  expect(run("scripts/db/migrate.ts")).toMatchObject({ status: 0 });
  const seed = run("prisma/seed.ts");
  expect(seed, seed.output).toMatchObject({ status: 0, signal: null });
  expect(seed.output).toMatch(/Seeded demo/);

  const db = await startEmbeddedDatabase(path.join(dataDir, "pglite"));
  const client = new pg.Client({ connectionString: db.url });
  try {
    await client.connect();
    const count = async (table: string) =>
      Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    for (const table of ["TimelineEvent", "UsageDaily", "EntityUsage", "ClusterUsageDaily", "Production"])
      expect(await count(table), table).toBeGreaterThan(0);
  } finally {
    await client.end();
    await db.stop();
  }
}, 600_000);
