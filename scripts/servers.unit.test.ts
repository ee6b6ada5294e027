import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serverProcesses, startServers, type TServers } from "@/scripts/servers";

// Real worker processes on a real shared port. The server each worker runs stands in for
// `next start`: it listens on the port it is given, says "Ready" as Next.js does, and answers
// with its pid (or, when FAIL_AT_START is set, exits before it is ready).
const dir = mkdtempSync(path.join(tmpdir(), "casebridge-servers-"));
const SERVER = path.join(dir, "server.cjs");
writeFileSync(
  SERVER,
  `if (process.env.FAIL_AT_START) { console.error("cannot start"); process.exit(3); }
   const port = Number(process.argv[process.argv.indexOf("-p") + 1]);
   require("node:http").createServer((_, res) => res.end(String(process.pid)))
     .listen(port, () => console.log("✓ Ready in 1ms"));
   process.on("SIGTERM", () => process.exit(0));`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A port no one listens on, from the system: a port guessed in a fixed range (41,000 and up)
 * could be one another test's server had taken from the same ephemeral range (an embedded
 * database's), and this test then waited on it until it timed out.
 */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function start(workers: number, env: Record<string, string> = {}) {
  const port = await freePort();
  let readyCalls = 0;
  let servers!: TServers;
  const ready = new Promise<void>((resolve) => {
    servers = startServers({
      cli: SERVER,
      args: ["start", "-p", String(port)],
      execArgv: [],
      env: { ...env },
      workers,
      onReady: () => {
        readyCalls++;
        resolve();
      },
    });
  });
  return { servers, ready, port, readyCalls: () => readyCalls };
}

/** The pid of the worker that answered one request on a new connection. */
function pidAt(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ port, path: "/", agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(Number(body)));
    }).on("error", reject);
  });
}

async function pidsAt(port: number, requests: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < requests; i++) pids.add(await pidAt(port));
  return pids;
}

describe("server processes", () => {
  it("serves one port from every worker, says ready once, and stops them all", async () => {
    const s = await start(2);
    await s.ready;
    const pids = await pidsAt(s.port, 20);
    expect(pids.size).toBe(2);
    expect(s.readyCalls()).toBe(1);
    await s.servers.stop();
    expect(await s.servers.exited).toBe(0);
    await expect(pidAt(s.port)).rejects.toThrow();
  });

  it("replaces a worker that dies after it was ready, and goes on serving", async () => {
    const s = await start(2);
    await s.ready;
    const [victim] = await pidsAt(s.port, 10);
    process.kill(victim!, "SIGKILL");
    let pids = new Set<number>();
    for (let tries = 0; tries < 50 && (pids.size < 2 || pids.has(victim!)); tries++) {
      await new Promise((r) => setTimeout(r, 100));
      pids = await pidsAt(s.port, 10).catch(() => new Set<number>());
    }
    expect(pids.has(victim!)).toBe(false);
    expect(pids.size).toBe(2);
    await s.servers.stop();
  });

  it("stops every worker and exits with the code when a worker cannot start", async () => {
    const s = await start(2, { FAIL_AT_START: "1" });
    expect(await s.servers.exited).toBe(3);
    expect(s.readyCalls()).toBe(0);
  });
});

describe("the number of server processes", () => {
  it("is WEB_CONCURRENCY when set, else one per core up to 4, on PostgreSQL", () => {
    expect(serverProcesses("3", false)).toEqual({ count: 3 });
    expect(serverProcesses(undefined, false).count).toBeGreaterThanOrEqual(1);
    expect(serverProcesses(undefined, false).count).toBeLessThanOrEqual(4);
    expect(serverProcesses("", false)).toEqual(serverProcesses(undefined, false));
  });

  it("is one on the embedded database, saying so when more were asked for", () => {
    expect(serverProcesses(undefined, true)).toEqual({ count: 1 });
    expect(serverProcesses("1", true)).toEqual({ count: 1 });
    expect(serverProcesses("4", true)).toEqual({
      count: 1,
      note: "WEB_CONCURRENCY=4 is for PostgreSQL: the embedded database serves one process",
    });
  });

  it("refuses what is not a whole number from 1 to 64", () => {
    for (const bad of ["0", "65", "two", "1.5", "-2"])
      expect(() => serverProcesses(bad, false), bad).toThrow(/WEB_CONCURRENCY/);
  });
});
