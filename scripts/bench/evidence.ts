// npm run bench:evidence [-- --size-mib 1024]: uploads and downloads one 1 GiB file through the
// app's own HTTP endpoint (the production build, started here on a spare port against a
// throwaway database on BENCH_DATABASE_URL's server, blobs in a temporary folder), and measures
// in the same run a plain `sha256sum` and a plain file copy of the same file. Prints MB/s, the
// ratio to plain copy+hash, and the app's peak RSS during the upload. Informational: exits 0
// whether the targets are met or not; non-zero only when the run itself fails.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { benchDatabase, env, fmt } from "@/scripts/bench/common";

const MIB = 1024 * 1024;
const sizeArg = process.argv.indexOf("--size-mib");
const SIZE = (sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : 1024) * MIB;
const PORT = 3190 + Math.floor(Math.random() * 50);
const ORIGIN = `http://localhost:${PORT}`;
const TARGET = { rssMb: 250, ratio: 0.5 };
const { name: dbName, url: dbUrl, onServer } = benchDatabase("evidence");
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

async function makeFile(file: string) {
  const out = createWriteStream(file);
  for (let written = 0; written < SIZE; written += 8 * MIB) {
    if (!out.write(randomBytes(Math.min(8 * MIB, SIZE - written))))
      await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function timed(command: string, args: string[]): number {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} failed`);
  return performance.now() - start;
}

/** Sum of VmRSS over the launcher's descendants (the Next.js server), in MB. */
function descendantsRss(rootPid: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parents.get(pid); p; p = parents.get(p)) if (p === rootPid) return true;
    return false;
  };
  let kb = 0;
  for (const pid of parents.keys()) {
    if (!isDescendant(pid)) continue;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return kb / 1024;
}

async function http(
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

async function signIn(): Promise<string> {
  const csrf = await http("GET", `${ORIGIN}/api/auth/csrf`);
  const cookies = [csrf.headers["set-cookie"]]
    .flat()
    .filter(Boolean)
    .map((c) => String(c).split(";")[0]);
  const { csrfToken } = JSON.parse(csrf.text);
  const body = new URLSearchParams({
    csrfToken,
    email: "investigator@microsoft.demo",
    password: "casebridge-demo",
    json: "true",
  }).toString();
  const res = await http("POST", `${ORIGIN}/api/auth/callback/credentials`, {
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.join("; "), Origin: ORIGIN },
  });
  const session = [res.headers["set-cookie"]]
    .flat()
    .map(String)
    .find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`Sign-in failed (HTTP ${res.status})`);
  return [...cookies, session.split(";")[0]].join("; ");
}

async function waitForServer(app: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (app.exitCode !== null) throw new Error("The app exited during start-up");
    const ok = await http("GET", `${ORIGIN}/api/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("The app did not start");
}

const work = await mkdtemp(path.join(tmpdir(), "casebridge-bench-evidence-"));
let app: ChildProcess | undefined;
try {
  console.log(`Evidence benchmark: ${SIZE / MIB} MiB file, app on port ${PORT}, work folder ${work}`);
  await onServer(`CREATE DATABASE "${dbName}"`);
  const file = path.join(work, "evidence.bin");
  await makeFile(file);

  // Baseline, same file, same run: a plain SHA-256 and a plain copy (page cache warm for both).
  timed("sha256sum", [file]);
  const hashMs = timed("sha256sum", [file]);
  const copyMs = timed("cp", [file, path.join(work, "copy.bin")]);
  await rm(path.join(work, "copy.bin"));
  const plainMbps = mbps(SIZE, hashMs + copyMs);

  app = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/start.ts"], {
    env: {
      ...env,
      PORT: String(PORT),
      DATABASE_URL: dbUrl,
      CASEBRIDGE_DATA_DIR: path.join(work, "data"),
      NEXTAUTH_URL: ORIGIN,
      EVIDENCE_MAX_BYTES: String(SIZE + MIB),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitForServer(app);
  const cookie = await signIn();
  const cases = JSON.parse((await http("GET", `${ORIGIN}/api/cases`, { headers: { Cookie: cookie } })).text);
  const caseId = cases.items[0].id as string;
  const idleRss = descendantsRss(app.pid!);

  const expected = createHash("sha256");
  await pipeline(createReadStream(file), expected);
  const sha256 = expected.digest("hex");
  const metadata = Buffer.from(
    JSON.stringify({
      title: "Benchmark capture",
      kind: "NETWORK_CAPTURE",
      fileName: "evidence.bin",
      mimeType: "application/octet-stream",
    }),
  ).toString("base64url");
  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, descendantsRss(app!.pid!))), 50);
  const upStart = performance.now();
  const up = await http("POST", `${ORIGIN}/api/cases/${caseId}/evidence`, {
    body: createReadStream(file, { highWaterMark: MIB }),
    headers: {
      Cookie: cookie,
      Origin: ORIGIN,
      "Content-Type": "application/octet-stream",
      "Content-Length": String(SIZE),
      "X-Evidence-Metadata": metadata,
      "X-Content-SHA256": sha256,
    },
  });
  const upMs = performance.now() - upStart;
  clearInterval(sampler);
  if (up.status !== 201) throw new Error(`Upload failed: HTTP ${up.status} ${up.text}`);
  const { id } = JSON.parse(up.text);

  const downloaded = createHash("sha256");
  const downStart = performance.now();
  await http("GET", `${ORIGIN}/api/cases/${caseId}/evidence/${id}/download`, {
    headers: { Cookie: cookie },
    sink: downloaded,
  });
  const downMs = performance.now() - downStart;
  const same = downloaded.digest("hex") === sha256;
  const blob = await stat(path.join(work, "data", "evidence", "blobs", sha256.slice(0, 2), sha256));

  const upMbps = mbps(SIZE, upMs);
  const ratio = upMbps / plainMbps;
  console.log("");
  console.log(`  plain sha256sum          ${fmt(mbps(SIZE, hashMs)).padStart(8)} MB/s  (${fmt(hashMs / 1000)} s)`);
  console.log(`  plain file copy (cp)     ${fmt(mbps(SIZE, copyMs)).padStart(8)} MB/s  (${fmt(copyMs / 1000)} s)`);
  console.log(`  plain copy + hash        ${fmt(plainMbps).padStart(8)} MB/s  (${fmt((hashMs + copyMs) / 1000)} s)`);
  console.log(
    `  app upload (HTTP)        ${fmt(upMbps).padStart(8)} MB/s  (${fmt(upMs / 1000)} s)  ratio to plain copy+hash ${ratio.toFixed(2)}  [target ≥ ${TARGET.ratio}: ${ratio >= TARGET.ratio ? "met" : "MISSED"}]`,
  );
  console.log(
    `  app download (HTTP)      ${fmt(mbps(SIZE, downMs)).padStart(8)} MB/s  (${fmt(downMs / 1000)} s)  bytes identical: ${same ? "yes" : "NO"}`,
  );
  console.log(
    `  app peak RSS (upload)    ${fmt(peakRss).padStart(8)} MB    (idle before: ${fmt(idleRss)} MB)  [target < ${TARGET.rssMb} MB: ${peakRss < TARGET.rssMb ? "met" : "MISSED"}]`,
  );
  console.log(
    `  stored blob              ${blob.size === SIZE ? "complete" : "WRONG SIZE"} (${blob.size} bytes), sha256 ${sha256.slice(0, 16)}…`,
  );
  if (!same || blob.size !== SIZE) process.exitCode = 1;
} finally {
  app?.kill("SIGTERM");
  if (app && app.exitCode === null) await new Promise((r) => app!.once("exit", r));
  await onServer(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
  await rm(work, { recursive: true, force: true });
}
