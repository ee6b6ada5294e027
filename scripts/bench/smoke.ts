// npm run bench:smoke [-- name …]: runs every benchmark at its --small size, one after another,
// and fails when one does not complete or prints no verdict lines (PASS/MISS). Whether the
// targets are met is not checked: at this size the figures mean nothing. CI runs it after
// `npm test`, whose end-to-end run leaves a fresh production build for the benchmarks that
// start the app (evidence, load).
import { spawn } from "node:child_process";

const BENCHES = [
  "cases",
  "evidence",
  "timeline",
  "usage",
  "linkage",
  "export",
  "summary",
  "load",
  "not-found",
  "sign-in",
];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const VERDICT = /\b(PASS|MISS)\b/;

async function run(name: string): Promise<{ ok: boolean; seconds: number; why?: string }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", `scripts/bench/${name}.ts`, "--small"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const seconds = (performance.now() - started) / 1000;
  const verdicts = output.split("\n").filter((line) => VERDICT.test(line));
  const why =
    code !== 0 ? `exit code ${code}` : verdicts.length === 0 ? "no verdict lines (PASS/MISS) printed" : undefined;
  if (why) console.log(output.slice(-4_000));
  else for (const line of verdicts) console.log(`    ${line.trim()}`);
  return { ok: !why, seconds, why };
}

let failed = 0;
for (const name of chosen.length ? chosen : BENCHES) {
  console.log(`• bench:${name} --small`);
  const result = await run(name);
  console.log(`  ${result.ok ? "completed" : `FAILED: ${result.why}`} in ${result.seconds.toFixed(1)} s`);
  if (!result.ok) failed++;
}
if (failed) {
  console.error(`${failed} benchmark(s) failed`);
  process.exitCode = 1;
}
