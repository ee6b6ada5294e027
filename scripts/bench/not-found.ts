// npm run bench:not-found [-- --small]: does a hidden case answer like one that does not exist,
// in time too (issue 14)? Starts the app on a throwaway PostgreSQL database with the demo data,
// signs in as people outside the demo case (the other organisation's admin; an executive of the
// owner, who is not a member) and requests each case route for the demo case (hidden from them)
// and for a made-up id, interleaved, many times. Prints each route's median and p95 for both and
// the ratio of the medians. Target: every ratio within 0.8–1.25 (the noise of a shared machine
// between two runs of the same request is printed as the floor: the made-up id against itself).
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { findFreePort } from "@/lib/db/embedded";
import { http, signIn, startApp, stopApp, waitForServer } from "@/scripts/bench/app";
import { benchDatabase, fmt, log, sized, stats, verdict } from "@/scripts/bench/common";

const RUNS = sized(200, 10);
const TARGET = { low: 0.8, high: 1.25 };
const ROUTES = [
  "/cases/:id",
  "/cases/:id/timeline",
  "/api/cases/:id/timeline",
  "/api/cases/:id/evidence",
  "/api/cases/:id/notes",
];
const OUTSIDERS = ["admin@openai.demo", "executive@microsoft.demo"];

async function time(url: string, cookie: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const { status } = await http("GET", url, { headers: { Cookie: cookie } });
  return { ms: performance.now() - started, status };
}

async function main(origin: string) {
  const member = await signIn(origin);
  const cases = JSON.parse((await http("GET", `${origin}/api/cases`, { headers: { Cookie: member } })).text) as {
    items: { id: string; title: string }[];
  };
  const hiddenId = cases.items[0]!.id;
  const missingId = randomUUID();
  console.log(`\nNot found vs hidden (${RUNS} requests of each, interleaved; medians in ms)`);
  console.log(
    `  ${"who · route".padEnd(52)} ${"hidden".padStart(8)} ${"missing".padStart(8)} ${"ratio".padStart(6)} ${"floor".padStart(6)}`,
  );
  for (const email of OUTSIDERS) {
    const cookie = await signIn(origin, email);
    for (const route of ROUTES) {
      const samples = { hidden: [] as number[], missing: [] as number[], again: [] as number[] };
      const statuses = new Set<number>();
      for (let i = 0; i < RUNS + 3; i++) {
        const order = i % 2 ? (["hidden", "missing", "again"] as const) : (["missing", "again", "hidden"] as const);
        for (const which of order) {
          const id = which === "hidden" ? hiddenId : missingId;
          const { ms, status } = await time(`${origin}${route.replace(":id", id)}`, cookie);
          statuses.add(status);
          if (i >= 3) samples[which].push(ms); // the first rounds warm the route up
        }
      }
      const [h, m, a] = [stats(samples.hidden), stats(samples.missing), stats(samples.again)];
      const ratio = h.median / m.median;
      const floor = a.median / m.median;
      console.log(
        `  ${`${email} · ${route}`.padEnd(52)} ${fmt(h.median).padStart(8)} ${fmt(m.median).padStart(8)} ${fmt(ratio, 2).padStart(6)} ${fmt(floor, 2).padStart(6)}  statuses ${[...statuses].join("/")}  target ${TARGET.low}–${TARGET.high}  ${verdict(ratio >= TARGET.low && ratio <= TARGET.high && statuses.size === 1)}`,
      );
    }
  }
}

const work = await mkdtemp(path.join(tmpdir(), "casebridge-bench-not-found-"));
const database = benchDatabase("not_found");
let app: ChildProcess | undefined;
try {
  await database.onServer(`CREATE DATABASE "${database.name}"`);
  const port = await findFreePort(0);
  app = startApp(port, { DATABASE_URL: database.url, CASEBRIDGE_DATA_DIR: path.join(work, "data") });
  const origin = `http://localhost:${port}`;
  await waitForServer(app, origin);
  log(`app on ${origin}, demo data seeded`);
  await main(origin);
} catch (error) {
  console.error("✖ The benchmark failed:", error);
  process.exitCode = 1;
} finally {
  await stopApp(app);
  await database.onServer(`DROP DATABASE IF EXISTS "${database.name}" WITH (FORCE)`);
  await rm(work, { recursive: true, force: true });
}
