// What the benchmarks that drive the running app share: start it (scripts/start.ts, the
// production build, as `npm start` does), wait for it, sign in over HTTP, plain requests, and
// the resident memory of its processes.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { request } from "node:http";
import { pipeline } from "node:stream/promises";
import { env } from "@/scripts/bench/common";

/**
 * Starts the app as `npm start` does (migrations, demo seed into an empty database, a build
 * when the sources are newer than it, then `next start`), with `extraEnv` over this process's.
 */
export function startApp(
  port: number,
  extraEnv: Record<string, string | undefined>,
  stdout: "ignore" | "pipe" = "ignore",
) {
  return spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/start.ts"], {
    // The benchmarks sign in as the shared demo accounts, as the end-to-end tests do: no second
    // factor (MFA is covered by its own tests), unless the caller's environment asks for it.
    env: {
      ...env,
      PORT: String(port),
      NEXTAUTH_URL: `http://localhost:${port}`,
      MFA_REQUIRED_FOR: env.MFA_REQUIRED_FOR ?? "none",
      ...extraEnv,
    },
    stdio: ["ignore", stdout, "inherit"],
  });
}

/** Stops the app started by startApp and waits for it (it stops its embedded database cleanly). */
export async function stopApp(app: ChildProcess | undefined): Promise<void> {
  if (!app || app.exitCode !== null) return;
  const exited = new Promise((r) => app.once("exit", r));
  app.kill("SIGTERM");
  await exited;
}

/** Every process's /proc stat line, by pid. */
function procStats(): Map<number, string> {
  const stats = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), readFileSync(`/proc/${entry}/stat`, "utf8"));
    } catch {} // ended meanwhile
  }
  return stats;
}

/** The fields of a stat line after the command's name: [0] is the state, [1] the parent. */
const fieldsOf = (stat: string) => stat.slice(stat.lastIndexOf(")") + 2).split(" ");

/** The processes under `rootPid` (the launcher's children, theirs, and so on). */
function descendants(rootPid: number, stats: Map<number, string>): number[] {
  const parents = new Map([...stats].map(([pid, stat]) => [pid, Number(fieldsOf(stat)[1])]));
  const isDescendant = (pid: number): boolean => {
    for (let p = parents.get(pid); p; p = parents.get(p)) if (p === rootPid) return true;
    return false;
  };
  return [...parents.keys()].filter(isDescendant);
}

/** Sum of VmRSS over the launcher's descendants (the Next.js server), in MB. */
export function descendantsRss(rootPid: number): number {
  let kb = 0;
  for (const pid of descendants(rootPid, procStats())) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return kb / 1024;
}

/** Clock ticks per second, the unit of /proc's CPU times: asked once, when first needed. */
let ticksPerS: number | undefined;

/** The user and system time of a stat line (a process's, or one thread's), in ms. */
function cpuMs(stat: string): number {
  ticksPerS ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const fields = fieldsOf(stat);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerS;
}

export type TCpu = { appMain: number; appOther: number; postgres: number; generator: number };

/**
 * CPU time used so far, in ms: the app's processes' main threads (JavaScript), their other
 * threads (libuv's pool, where password hashes run, and V8's helpers: GC), PostgreSQL's
 * processes (all of the machine's), and this process (the load generator).
 */
export function cpuTimes(rootPid: number): TCpu {
  const stats = procStats();
  const cpu: TCpu = { appMain: 0, appOther: 0, postgres: 0, generator: 0 };
  for (const pid of descendants(rootPid, stats)) {
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const ms = cpuMs(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
        if (Number(tid) === pid) cpu.appMain += ms;
        else cpu.appOther += ms;
      }
    } catch {}
  }
  for (const [pid, stat] of stats) {
    if (stat.includes("(postgres)")) cpu.postgres += cpuMs(stat);
    if (pid === process.pid) cpu.generator += cpuMs(stat);
  }
  return cpu;
}

/** One HTTP request; the body is read as text, or piped into `sink` on a 200. */
export async function http(
  method: string,
  url: string,
  opts: { headers?: Record<string, string>; body?: string | NodeJS.ReadableStream; sink?: NodeJS.WritableStream } = {},
) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>(
    (resolve, reject) => {
      const req = request(url, { method, headers: opts.headers }, async (res) => {
        if (opts.sink && res.statusCode === 200) {
          await pipeline(res, opts.sink).catch(reject);
          return resolve({ status: 200, headers: res.headers, text: "" });
        }
        let text = "";
        res
          .setEncoding("utf8")
          .on("data", (c: string) => (text += c))
          .on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on("error", reject);
      if (typeof opts.body === "string" || opts.body === undefined) req.end(opts.body);
      else pipeline(opts.body, req).catch(reject);
    },
  );
}

/** Signs in as the app's sign-in form does (app/api/auth/sign-in); answers the Cookie header of the session. */
export async function signIn(
  origin: string,
  email = "investigator@microsoft.demo",
  password = "casebridge-demo",
): Promise<string> {
  const res = await http("POST", `${origin}/api/auth/sign-in`, {
    body: JSON.stringify({ email, password }),
    headers: { "Content-Type": "application/json", Origin: origin },
  });
  const session = [res.headers["set-cookie"]]
    .flat()
    .map(String)
    .find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`Sign-in failed (HTTP ${res.status})`);
  return session.split(";")[0]!;
}

/** Waits until the app answers /api/health (up to 5 minutes: a first start builds it). */
export async function waitForServer(app: ChildProcess, origin: string) {
  for (let i = 0; i < 600; i++) {
    if (app.exitCode !== null) throw new Error("The app exited during start-up");
    const ok = await http("GET", `${origin}/api/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("The app did not start");
}
