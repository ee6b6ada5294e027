// What every benchmark script shares: a throwaway database on BENCH_DATABASE_URL's server, a
// timestamped log, number formatting, and median/p95 timing after warm-up runs.
import pg from "pg";

// eslint-disable-next-line no-restricted-properties -- a script configures the environment the app reads
export const env = process.env;

/** A new database name and URL on the benchmark server (`kind` goes into the name). */
export function benchDatabase(kind: string) {
  const serverUrl = env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = `casebridge_bench_${kind ? `${kind}_` : ""}${Date.now()}`;
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  /** One statement on the server's default database (CREATE / DROP DATABASE). */
  const onServer = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  return { name, url, onServer };
}

const started = performance.now();
export const log = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
export const fmt = (n: number, digits = 1) =>
  n.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const verdict = (pass: boolean) => (pass ? "PASS" : "MISS");

export type TStats = { median: number; p95: number };

export function stats(samples: number[]): TStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)]!, p95: sorted[Math.ceil(sorted.length * 0.95) - 1]! };
}

/** `runs` timed runs of `fn` (ms) after `warmup` untimed ones; logs and returns median and p95. */
export async function measure(
  label: string,
  opts: { runs: number; warmup: number; pad?: number },
  fn: () => Promise<unknown>,
): Promise<TStats> {
  for (let i = 0; i < opts.warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  const s = stats(samples);
  log(`${label.padEnd(opts.pad ?? 44)} median ${fmt(s.median).padStart(8)} ms   p95 ${fmt(s.p95).padStart(8)} ms`);
  return s;
}
