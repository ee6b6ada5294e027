import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { applyMigrations } from "@/lib/db/schema-engine";
import { attachImport, copyUsageRows, prepareImportTable, writeUsageRollups, type TNumberedRow } from "@/lib/usage/load";
import { createRedactor, toUsageRow } from "@/lib/usage/parse";
import { readUsageRecords } from "@/lib/usage/read";
import { ZUsageOptions, defaultMapping } from "@/lib/usage/schemas";
const ROWS = Number(process.argv[2] ?? 1_000_000);
const file = "/tmp/ub/usage.csv";
const HDR = "time,account_id,org_id,api_key_id,client_ip,user_agent,model,endpoint,input_tokens,output_tokens,status_code,rate_limited,payment_fingerprint,device_fingerprint";
function* lines() {
  yield HDR + "\n";
  let chunk = "";
  const t0 = Date.UTC(2026, 9, 1);
  for (let i = 0; i < ROWS; i++) {
    const a = (i * 7919) % 5000;
    chunk += `${new Date(t0 + i * 500).toISOString()},acct_${a},org_${a % 300},key_${a}_${(i >> 12) % 4},203.0.${a % 256}.${i % 250},python-requests/2.32,gpt-4o,/v1/chat/completions,${100 + (i % 50)},${2000 + (i % 900)},${i % 37 ? 200 : 429},${i % 37 ? "false" : "true"},pf_${a % 900},dev_${a % 1200}\n`;
    if (chunk.length > 1 << 20) { yield chunk; chunk = ""; }
  }
  yield chunk;
}
await pipeline(Readable.from(lines()), createWriteStream(file));
console.log("file MB", ((await stat(file)).size / 2 ** 20).toFixed(0));
const server = "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `ub_${Date.now()}`;
const admin = new pg.Client({ connectionString: server }); await admin.connect(); await admin.query(`CREATE DATABASE ${name}`);
const url = server.replace(/\/postgres$/, `/${name}`);
await applyMigrations(url);
const c = new pg.Client({ connectionString: url }); await c.connect();
await c.query(`CREATE TABLE bare (time text, account_id text, org_id text, api_key_id text, client_ip text, user_agent text, model text, endpoint text, input_tokens bigint, output_tokens bigint, status_code int, rate_limited bool, payment_fingerprint text, device_fingerprint text)`);
let t = performance.now();
await pipeline(createReadStream(file), c.query(copyFrom("COPY bare FROM STDIN WITH (FORMAT csv, HEADER true)")));
const copyMs = performance.now() - t;
console.log("bare COPY", (ROWS / copyMs * 1000).toFixed(0), "rows/s");
const target = { caseId: randomUUID(), importId: randomUUID() };
const options = ZUsageOptions.parse({ preset: "gateway", mapping: defaultMapping("gateway", HDR.split(",")) });
const redact = createRedactor("k");
t = performance.now();
async function* rows() {
  for await (const batch of readUsageRecords(createReadStream(file), "gateway")) {
    const out: TNumberedRow[] = [];
    for (const r of batch) { if ("values" in r) { const row = toUsageRow(r.values, options, redact); if (typeof row !== "string") out.push({ ...row, line: r.line }); } }
    yield out;
  }
}
let t1 = performance.now();
let parsed = 0; for await (const b of rows()) parsed += b.length;
console.log("parse+map only", (ROWS / (performance.now() - t1) * 1000).toFixed(0), "rows/s");
t = performance.now();
await prepareImportTable(c, target);
const n = await copyUsageRows(c, target, rows());
const tc = performance.now();
await writeUsageRollups(c, target);
const tr = performance.now();
await c.query("BEGIN"); await attachImport(c, target); await c.query("COMMIT");
const total = performance.now() - t;
console.log("rows", n, "copy phase", ((tc - t) / 1000).toFixed(1), "s rollups", ((tr - tc) / 1000).toFixed(1), "s attach", ((performance.now() - tr) / 1000).toFixed(1), "s");
console.log("pipeline", (ROWS / total * 1000).toFixed(0), "rows/s ratio", (copyMs / total).toFixed(2), "rss MB", (process.memoryUsage().rss / 2 ** 20).toFixed(0));
await c.end(); await admin.query(`DROP DATABASE ${name} WITH (FORCE)`); await admin.end();
