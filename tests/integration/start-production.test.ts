import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// `npm start` in production without DATABASE_URL must refuse, not quietly start the embedded
// single-session database (which is for trying the app) and keep production data in it.
const ROOT = path.resolve(import.meta.dirname, "../..");

function start(env: Record<string, string | undefined>) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "casebridge-start-"));
  // eslint-disable-next-line no-restricted-properties -- the child gets this environment, less what the test removes
  const base: Record<string, string | undefined> = { ...process.env, CASEBRIDGE_DATA_DIR: dataDir, PORT: "0" };
  const run = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/start.ts"], {
    cwd: ROOT,
    env: Object.fromEntries(
      Object.entries({ ...base, ...env }).filter(([, v]) => v !== undefined),
    ) as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 60_000,
  });
  const embeddedCreated = existsSync(path.join(dataDir, "pglite"));
  rmSync(dataDir, { recursive: true, force: true });
  return { status: run.status, output: `${run.stdout}${run.stderr}`, embeddedCreated };
}

describe("npm start in production", () => {
  it("refuses to start without DATABASE_URL, saying why and what to set", () => {
    const run = start({
      NODE_ENV: "production",
      DATABASE_URL: undefined,
      NEXTAUTH_SECRET: "a-production-secret-that-is-long-enough-000",
    });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/DATABASE_URL is not set/);
    expect(run.output).toMatch(/embedded database is for trying the app/);
    expect(run.embeddedCreated).toBe(false);
  });

  it("refuses a WEB_CONCURRENCY that is no number of server processes, before it opens a database", () => {
    const run = start({ WEB_CONCURRENCY: "two", DATABASE_URL: undefined });
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/WEB_CONCURRENCY must be a whole number of server processes, not "two"/);
    expect(run.embeddedCreated).toBe(false);
  });
});
