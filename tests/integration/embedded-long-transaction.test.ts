import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";

// The embedded server runs one transaction at a time: while an import commits (one long
// transaction), every other request waits. With the pool's usual 5 s connect timeout a status
// poll then failed ("connection timeout", a 500) though the import went on fine; npm start gives
// the embedded database a long one (DATABASE_CONNECT_TIMEOUT_MS), so such a request waits.

let db: EmbeddedDatabase;
beforeAll(async () => {
  db = await startEmbeddedDatabase();
}, 60_000);
afterAll(async () => {
  await db.stop();
});

/** A poll from a fresh pool (as a new request may get) while another connection holds a transaction for `holdMs`. */
async function pollDuring(holdMs: number, connectTimeoutMs: number) {
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  await holder.query("BEGIN");
  await holder.query("SELECT 1");
  const pool = new pg.Pool({ connectionString: db.url, max: 2, connectionTimeoutMillis: connectTimeoutMs });
  const started = Date.now();
  const release = new Promise<void>((resolve) =>
    setTimeout(() => void holder.query("COMMIT").then(() => resolve()), holdMs),
  );
  try {
    const answer = await pool.query("SELECT 42 AS n").then(
      (r) => ({ ok: true as const, n: r.rows[0].n as number, ms: Date.now() - started }),
      (e: Error) => ({ ok: false as const, error: e.message, ms: Date.now() - started }),
    );
    await release;
    return answer;
  } finally {
    await pool.end();
    await holder.end();
  }
}

it("a request during a long transaction waits for it with the embedded timeout, and fails with the usual one", async () => {
  const waited = await pollDuring(7_000, 600_000);
  expect(waited).toMatchObject({ ok: true, n: 42 });
  expect(waited.ms).toBeGreaterThanOrEqual(6_500);
  const failed = await pollDuring(7_000, 2_000);
  expect(failed).toMatchObject({ ok: false });
}, 60_000);
