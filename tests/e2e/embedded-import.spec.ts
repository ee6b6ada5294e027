import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { DEMO_CASE_TITLE } from "./helpers";
import { signedIn, startInstance, stopInstance, untilHealthy, type TInstance } from "./instances";

// Issue 15, defect 6: on the embedded database (`npm start` with no DATABASE_URL), status polls
// during a 200,000-row commit once failed with 500 "connection timeout" while the job committed.
// Here an instance of its own runs on the embedded database; one client imports 200,000 events
// while it and a partner investigator poll and browse pages and APIs the whole time. Every answer
// must come, and none may be a 5xx: a request that meets the long transaction waits for it.

// eslint-disable-next-line no-restricted-properties -- the harness chooses the instance's port
const PORT = Number(process.env.E2E_PORT ?? 3100) + 30;
const ROWS = 200_000;
const START = Date.UTC(2025, 0, 1);
// Every answer must come, however long the commit holds the embedded database: no client timeout.
const WAIT = { timeout: 0 };

test.describe.configure({ mode: "serial", timeout: 900_000 });

let instance: TInstance | undefined;
let dataDir = "";

test.beforeAll(async () => {
  test.setTimeout(600_000); // migrations and the demo seed on a new embedded database
  dataDir = mkdtempSync(path.join(tmpdir(), "casebridge-embedded-"));
  instance = startInstance(PORT, {
    DATABASE_URL: undefined,
    TEST_DATABASE_URL: undefined,
    CASEBRIDGE_DATA_DIR: dataDir,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  });
  await untilHealthy(instance);
  expect(instance.output.join("")).toContain("Embedded PostgreSQL (PGlite)");
});

test.afterAll(async () => {
  if (instance) await stopInstance(instance);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function bigCsv(marker: string): Buffer {
  const lines = ["time,title,category,source"];
  for (let i = 0; i < ROWS; i++)
    lines.push(`${new Date(START + i * 60_000).toISOString()},${marker} ${i},api_access,gateway-${i % 16}`);
  return Buffer.from(`${lines.join("\n")}\n`);
}

type TAnswer = { who: string; url: string; status: number | string; sent: number; answered: number };

/** Requests `urls` round-robin as `api` until `done()`, a pause between, recording every answer. */
async function keepRequesting(
  who: string,
  api: APIRequestContext,
  urls: string[],
  done: () => boolean,
  onAnswer: (body: Buffer) => void = () => {},
) {
  const answers: TAnswer[] = [];
  for (let i = 0; !done(); i++) {
    const url = urls[i % urls.length]!;
    const sent = Date.now();
    const status = await api.get(url, WAIT).then(
      async (r) => (onAnswer(await r.body()), r.status()),
      (e: Error) => `failed: ${e.message.split("\n")[0]}`,
    );
    answers.push({ who, url, status, sent, answered: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return answers;
}

test("a 200,000-row import on the embedded database: polls and pages keep answering, none with a 5xx", async () => {
  const origin = instance!.origin;
  const importer = await signedIn(origin, "investigator@microsoft.demo");
  const partner = await signedIn(origin, "investigator@openai.demo");
  const partnerLegal = await signedIn(origin, "legal@openai.demo");
  const cases = (await (await importer.get(`${origin}/api/cases`)).json()) as {
    items: { id: string; title: string }[];
  };
  const caseId = cases.items.find((c) => c.title === DEMO_CASE_TITLE)!.id;
  const marker = `embedded-${randomBytes(3).toString("hex")}`;

  const created = await importer.post(`${origin}/api/cases/${caseId}/timeline/imports`, {
    ...WAIT,
    data: bigCsv(marker),
    headers: { origin, "content-type": "application/octet-stream", "x-file-name": "big.csv" },
  });
  expect(created.status()).toBe(201);
  const { job } = (await created.json()) as { job: { id: string } };
  const jobUrl = `${origin}/api/cases/${caseId}/timeline/imports/${job.id}`;
  type TJob = { status: string; rowsProcessed: number; rowsValid: number; rowsInserted: number };
  const jobNow = async () => ((await (await importer.get(jobUrl, WAIT)).json()) as { job: TJob }).job;

  // From validation to the end of the commit: the importer polls its job as the wizard does, and
  // two partner users browse the case's pages and APIs, until the job is COMMITTED.
  let status = "UPLOADED";
  let stopped = false; // a failed step stops the watchers too
  const finished = () => stopped || status === "COMMITTED" || status === "FAILED";
  const watchers = Promise.all([
    keepRequesting("importer", importer, [jobUrl], finished, (body) => {
      status = (JSON.parse(body.toString()) as { job?: TJob }).job?.status ?? status;
    }),
    keepRequesting(
      "partner 0",
      partner,
      [`/cases/${caseId}/timeline`, `/api/cases/${caseId}/timeline/histogram`, "/cases"].map((u) => origin + u),
      finished,
    ),
    keepRequesting(
      "partner 1",
      partnerLegal,
      [`/api/cases/${caseId}/timeline`, `/cases/${caseId}`, `/cases/${caseId}/evidence`].map((u) => origin + u),
      finished,
    ),
  ]);
  const change = async (data: unknown) => {
    const response = await importer.post(jobUrl, { ...WAIT, data, headers: { origin } });
    expect(response.status()).toBe(202);
    return Date.now();
  };
  let commitSent = 0;
  try {
    await change({
      action: "validate",
      options: { mapping: { occurredAt: "time", title: "title", category: "category", source: "source" } },
    });
    await expect.poll(() => status, { timeout: 600_000 }).not.toMatch(/^(UPLOADED|VALIDATING)$/);
    expect(status).toBe("VALIDATED");
    commitSent = await change({ action: "commit" });
  } catch (error) {
    stopped = true;
    throw error;
  }
  const answers = (await watchers).flat();
  const committedAt = Math.max(...answers.map((a) => a.answered));

  const during = answers.filter((a) => a.answered > commitSent && a.sent < committedAt);
  const slowest = answers.reduce((a, b) => (b.answered - b.sent > a.answered - a.sent ? b : a));
  console.log(
    `[embedded import] ${answers.length} answers, ${during.length} while the commit ran (${((committedAt - commitSent) / 1000).toFixed(1)} s); ` +
      `slowest ${slowest.answered - slowest.sent} ms (${slowest.url.replace(origin, "")})`,
  );
  expect(
    answers.filter((a) => a.status !== 200),
    "answers that failed or were not a 200",
  ).toEqual([]);
  // The watch covered the commit, from each client: requests sent before it ended and answered after it began.
  expect(new Set(during.map((a) => a.who))).toEqual(new Set(["importer", "partner 0", "partner 1"]));

  const done = await jobNow();
  expect(done).toMatchObject({ status: "COMMITTED", rowsValid: ROWS, rowsInserted: ROWS, rowsProcessed: ROWS });
  // The events are on the case's timeline, for the partner too.
  const found = (await (
    await partner.get(`${origin}/api/cases/${caseId}/timeline?q=${marker}%2019999`, WAIT)
  ).json()) as { items: { title: string }[] };
  expect(found.items.map((e) => e.title)).toContain(`${marker} 19999`);
  await Promise.all([importer, partner, partnerLegal].map((api) => api.dispose()));
});
