// npm run bench:evidence [-- --size-mib 1024 | --small]: uploads and downloads one 1 GiB file through the
// app's own HTTP endpoint (the production build, started here on a spare port against a
// throwaway database on BENCH_DATABASE_URL's server, blobs in a temporary folder), and measures
// in the same run a plain `sha256sum` and a plain file copy of the same file. Prints MB/s, the
// ratio to plain copy+hash, and the app's peak RSS during the upload. Informational: exits 0
// whether the targets are met or not; non-zero only when the run itself fails.
import { spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { descendantsRss, http, signIn, startApp, stopApp, waitForServer } from "@/scripts/bench/app";
import { benchDatabase, fmt, sized, verdict } from "@/scripts/bench/common";

const MIB = 1024 * 1024;
const sizeArg = process.argv.indexOf("--size-mib");
const SIZE = (sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : sized(1024, 8)) * MIB;
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

  app = startApp(PORT, {
    DATABASE_URL: dbUrl,
    CASEBRIDGE_DATA_DIR: path.join(work, "data"),
    EVIDENCE_MAX_BYTES: String(SIZE + MIB),
  });
  await waitForServer(app, ORIGIN);
  const cookie = await signIn(ORIGIN);
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
    `  app upload (HTTP)        ${fmt(upMbps).padStart(8)} MB/s  (${fmt(upMs / 1000)} s)  ratio to plain copy+hash ${ratio.toFixed(2)}  target ≥ ${TARGET.ratio}  ${verdict(ratio >= TARGET.ratio)}`,
  );
  console.log(
    `  app download (HTTP)      ${fmt(mbps(SIZE, downMs)).padStart(8)} MB/s  (${fmt(downMs / 1000)} s)  bytes identical: ${same ? "yes" : "NO"}`,
  );
  console.log(
    `  app peak RSS (upload)    ${fmt(peakRss).padStart(8)} MB    (idle before: ${fmt(idleRss)} MB)  target < ${TARGET.rssMb} MB  ${verdict(peakRss < TARGET.rssMb)}`,
  );
  console.log(
    `  stored blob              ${blob.size === SIZE ? "complete" : "WRONG SIZE"} (${blob.size} bytes), sha256 ${sha256.slice(0, 16)}…`,
  );
  if (!same || blob.size !== SIZE) process.exitCode = 1;
} finally {
  await stopApp(app);
  await onServer(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
  await rm(work, { recursive: true, force: true });
}
