import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";

// The embedded server multiplexes connections onto one PGlite session; these check that
// parallel connections still each get their own answers and their own transactions.
describe("embedded PostgreSQL", () => {
  let db: EmbeddedDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await startEmbeddedDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 8 });
    await pool.query("CREATE TABLE counter (k text PRIMARY KEY, n int NOT NULL)");
  });
  afterAll(async () => {
    await pool.end();
    await db.stop();
  });

  it("answers parallel parameterised queries each with its own rows", async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        // Each statement text differs, so binding another connection's statement shows.
        // Large parameters arrive in several TCP chunks, as under real load.
        const { rows } = await pool.query(`SELECT $1::int AS i, ${i} AS j, length($2) AS len`, [
          i,
          "x".repeat(i * 4096),
        ]);
        return rows[0]?.i === i && rows[0]?.j === i && rows[0]?.len === i * 4096;
      }),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it("keeps parallel transactions whole", async () => {
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await client.query("INSERT INTO counter VALUES ('k', 1) ON CONFLICT (k) DO UPDATE SET n = counter.n + 1");
          const { rows } = await client.query("SELECT n FROM counter WHERE k = $1", ["k"]);
          expect(rows).toHaveLength(1);
          await client.query("COMMIT");
        } finally {
          client.release();
        }
      }),
    );
    const { rows } = await pool.query("SELECT n FROM counter WHERE k = 'k'");
    expect(rows[0].n).toBe(16);
  });
});
