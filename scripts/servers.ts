// `npm start`'s production server: `next start` in several worker processes (node:cluster) that
// share one port. One Node.js process answers requests on one core: at 32 users its main thread
// was busy 98% of the time while the machine's second core idled, and two workers served 45–60%
// more requests on the same 2 cores (`npm run bench:load`). The workers share nothing in memory
// that the app relies on (sessions, sign-in limits, jobs and the audit chain live in the
// database), as separate instances behind a load balancer already do.
import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { webConcurrency } from "@/lib/env";

export type TServers = {
  /** Resolves with the exit code once every worker has gone and none is replaced. */
  exited: Promise<number>;
  /** Asks every worker to stop (SIGTERM, as `next start` expects) and waits for them. */
  stop: () => Promise<void>;
};

type TOptions = {
  /** Next.js's CLI and its arguments (`start -p 3000`). */
  cli: string;
  args: string[];
  /** V8 flags for each worker. */
  execArgv: string[];
  env: Record<string, string | undefined>;
  workers: number;
  /** Called once, when every first worker has said it is ready. */
  onReady: () => void;
};

/** How long a stopping worker gets before it is killed. */
const STOP_GRACE_MS = 10_000;
/** The line a Next.js server prints once it serves (`next start` and `next dev` alike). */
export const READY = /Ready|started server/i;

/**
 * Node's flags for every server process (and for bench:usage, which runs the import job as a
 * server process would). A larger young generation (V8's default is 16 MB per
 * semi-space): a request allocates much that dies young, and at 32 users the collector took 9%
 * of the server's time. Measured with `npm run bench:load`: /api/health 645 req/s against
 * 510–545, the other routes 5–10% more; at 128 MB no better.
 */
export const SERVER_FLAGS = ["--max-semi-space-size=32"];

/**
 * The number of server processes: WEB_CONCURRENCY when set, else one per core up to 4 (each
 * holds its own pool of DATABASE_POOL_MAX connections). One on the embedded database, which
 * belongs to the launcher's process.
 */
export function serverProcesses(setting: string | undefined, embedded: boolean): { count: number; note?: string } {
  const asked = webConcurrency(setting);
  if (embedded)
    return asked && asked > 1
      ? { count: 1, note: `WEB_CONCURRENCY=${asked} is for PostgreSQL: the embedded database serves one process` }
      : { count: 1 };
  return { count: asked ?? Math.min(availableParallelism(), 4) };
}

/**
 * Starts `workers` copies of the server. A worker that dies after it was ready is replaced (its
 * requests in flight fail, the others go on); one that dies before it is ready stops them all,
 * as a server that cannot start should. Only the first worker's start-up banner is shown.
 */
export function startServers({ cli, args, execArgv, env, workers, onReady }: TOptions): TServers {
  cluster.setupPrimary({ exec: cli, args, execArgv, stdio: ["ignore", "pipe", "inherit", "ipc"] });
  const live = new Set<Worker>();
  const ready = new Set<Worker>();
  let announced = false;
  let stopping = false;
  let finish: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (finish = resolve));
  let exitCode = 0;

  const fork = (first: boolean) => {
    const worker = cluster.fork(env);
    live.add(worker);
    let banner = "";
    worker.process.stdout!.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      if (ready.has(worker)) return void process.stdout.write(text);
      banner += text;
      if (!READY.test(banner)) return;
      ready.add(worker);
      if (first && !announced) process.stdout.write(banner);
      if (!announced && ready.size === workers) {
        announced = true;
        onReady();
      }
    });
    worker.on("exit", (code, signal) => {
      live.delete(worker);
      const wasReady = ready.delete(worker);
      const clean = code === 0 || signal === "SIGTERM" || signal === "SIGINT";
      if (!stopping && !clean) {
        if (!wasReady) process.stdout.write(banner);
        console.error(`[server] worker ${worker.process.pid} died (${signal ?? `exit code ${code}`})`);
        if (wasReady) return void fork(false);
        exitCode = code || 1;
        void stop();
      }
      if (live.size === 0) finish(exitCode);
    });
  };

  const stop = async () => {
    stopping = true;
    const gone = [...live].map((w) => new Promise((r) => w.once("exit", r)));
    for (const w of live) w.process.kill("SIGTERM");
    const timer = setTimeout(() => live.forEach((w) => w.process.kill("SIGKILL")), STOP_GRACE_MS);
    await Promise.all(gone);
    clearTimeout(timer);
  };

  for (let i = 0; i < workers; i++) fork(i === 0);
  return { exited, stop };
}
