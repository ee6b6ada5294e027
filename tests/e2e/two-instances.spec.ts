import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, request as newRequest, test, type APIRequestContext } from "@playwright/test";
import pg from "pg";
import { DEMO_CASE_TITLE, DEMO_PASSWORD } from "./helpers";

// Issue 14, platform: two instances started at the same moment on one empty PostgreSQL database
// and one blob folder. One migrates and seeds while the other waits for it (scripts/start.ts);
// then both serve, as one app: a session, a stored file and an import job cross between them.

/* eslint-disable no-restricted-properties -- the harness starts the instances' environment */
const SERVER_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const BASE_PORT = Number(process.env.E2E_PORT ?? 3100) + 20;
const PARENT_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^(OIDC_|NODE_ENV$|PORT$|NEXTAUTH_)/.test(k)),
) as Record<string, string>;
/* eslint-enable no-restricted-properties */
const ROOT = path.resolve(import.meta.dirname, "../..");
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test.skip(!SERVER_URL, "needs a PostgreSQL server: TEST_DATABASE_URL or DATABASE_URL");
test.describe.configure({ mode: "serial", timeout: 600_000 });

type TInstance = { origin: string; process: ChildProcess; output: string[] };
const instances: TInstance[] = [];
let database = "";
let dataDir = "";

async function onServer(sql: string) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

async function untilHealthy(instance: TInstance) {
  const deadline = Date.now() + 480_000;
  for (;;) {
    const ok = await fetch(`${instance.origin}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (instance.process.exitCode !== null || Date.now() > deadline)
      throw new Error(`${instance.origin} did not come up:\n${instance.output.join("").slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function signedIn(origin: string): Promise<APIRequestContext> {
  const api = await newRequest.newContext();
  const { csrfToken } = (await (await api.get(`${origin}/api/auth/csrf`)).json()) as { csrfToken: string };
  const response = await api.post(`${origin}/api/auth/callback/credentials`, {
    form: { csrfToken, email: "investigator@microsoft.demo", password: DEMO_PASSWORD, json: "true" },
    headers: { origin },
  });
  expect(response.status()).toBeLessThan(400);
  return api;
}

test.beforeAll(async () => {
  test.setTimeout(600_000); // two builds of the schema race, one demo seed
  database = `casebridge_two_${Date.now()}_${randomBytes(3).toString("hex")}`;
  await onServer(`CREATE DATABASE "${database}"`);
  const url = Object.assign(new URL(SERVER_URL!), { pathname: `/${database}` }).toString();
  dataDir = mkdtempSync(path.join(tmpdir(), "casebridge-two-"));
  const secret = randomBytes(32).toString("base64url");
  for (const port of [BASE_PORT, BASE_PORT + 1]) {
    const child = spawn("npx", ["tsx", "--conditions=react-server", "scripts/start.ts"], {
      cwd: ROOT,
      detached: true, // its own process group: the instance and its `next start` end together
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...PARENT_ENV,
        PORT: String(port),
        DATABASE_URL: url,
        CASEBRIDGE_DATA_DIR: dataDir,
        NEXTAUTH_URL: `http://localhost:${port}`,
        NEXTAUTH_SECRET: secret,
        MFA_REQUIRED_FOR: "none",
      } as Record<string, string> as NodeJS.ProcessEnv,
    });
    const instance = { origin: `http://localhost:${port}`, process: child, output: [] as string[] };
    child.stdout!.on("data", (c: Buffer) => instance.output.push(c.toString()));
    child.stderr!.on("data", (c: Buffer) => instance.output.push(c.toString()));
    instances.push(instance);
  }
  await Promise.all(instances.map(untilHealthy));
});

test.afterAll(async () => {
  for (const { process: child } of instances) {
    if (child.exitCode !== null || !child.pid) continue;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  }
  if (database) await onServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("both come up: one migrates and seeds, the other waits for it instead of failing", () => {
  const outputs = instances.map((i) => i.output.join(""));
  expect(outputs.filter((o) => o.includes("Seeded demo data"))).toHaveLength(1);
  expect(outputs.join("")).not.toMatch(/advisory lock|Could not apply migrations/i);
  for (const o of outputs) expect(o).toContain("Casebridge is ready");
});

test("a session, a stored file and an import job each work across the two instances", async () => {
  const [a, b] = instances.map((i) => i.origin) as [string, string];
  // Signed in on A; the same session cookie (cookies ignore the port) on B.
  const api = await signedIn(a);
  const cases = (await (await api.get(`${b}/api/cases`)).json()) as { items: { id: string; title: string }[] };
  const caseId = cases.items.find((c) => c.title === DEMO_CASE_TITLE)!.id;

  // Evidence uploaded through A downloads identically through B.
  const bytes = randomBytes(256 * 1024);
  const metadata = { kind: "OTHER", mimeType: "application/octet-stream", title: "Across", fileName: "across.bin" };
  const uploaded = await api.post(`${a}/api/cases/${caseId}/evidence`, {
    data: bytes,
    headers: {
      origin: a,
      "content-type": "application/octet-stream",
      "x-evidence-metadata": Buffer.from(JSON.stringify(metadata)).toString("base64url"),
      "x-content-sha256": sha256(bytes),
    },
  });
  expect(uploaded.status()).toBe(201);
  const { id } = (await uploaded.json()) as { id: string };
  const download = await api.get(`${b}/api/cases/${caseId}/evidence/${id}/download`);
  expect(download.status()).toBe(200);
  expect(sha256(await download.body())).toBe(sha256(bytes));

  // A timeline file uploaded on A is validated and committed on B, and its events read on A.
  const marker = `two-instances-${randomBytes(4).toString("hex")}`;
  const csv = ["time,title,source", ...[1, 2, 3].map((n) => `2026-10-0${n}T10:00:00Z,${marker} ${n},gateway`)].join(
    "\n",
  );
  const created = await api.post(`${a}/api/cases/${caseId}/timeline/imports`, {
    data: Buffer.from(csv),
    headers: { origin: a, "content-type": "application/octet-stream", "x-file-name": "across.csv" },
  });
  expect(created.status()).toBe(201);
  const { job } = (await created.json()) as { job: { id: string } };
  const jobUrl = `${b}/api/cases/${caseId}/timeline/imports/${job.id}`;
  const until = async (status: string) =>
    expect
      .poll(async () => ((await (await api.get(jobUrl)).json()) as { job: { status: string } }).job.status, {
        timeout: 60_000,
      })
      .toBe(status);
  const change = (data: unknown) => api.post(jobUrl, { data, headers: { origin: b } });
  const options = { mapping: { occurredAt: "time", title: "title", source: "source" } };
  expect((await change({ action: "validate", options })).status()).toBe(202);
  await until("VALIDATED");
  expect((await change({ action: "commit" })).status()).toBe(202);
  await until("COMMITTED");
  const timeline = (await (await api.get(`${a}/api/cases/${caseId}/timeline?q=${marker}`)).json()) as {
    items?: { title: string }[];
    events?: { title: string }[];
  };
  expect((timeline.items ?? timeline.events ?? []).map((e) => e.title).sort()).toEqual(
    [1, 2, 3].map((n) => `${marker} ${n}`),
  );
  await api.dispose();
});
