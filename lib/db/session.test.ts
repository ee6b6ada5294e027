import { describe, expect, it } from "vitest";
import { getDb, getPgPool, withPgClient } from "@/lib/db";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";

// Every connection the app opens carries SESSION_OPTIONS (lib/db.ts): JIT compilation only for
// queries far costlier than the app's own, which it slowed down (a usage signal: 350 of 450 ms).

const JIT_SETTINGS = `SELECT current_setting('jit_above_cost') AS above, current_setting('jit_inline_above_cost') AS inline,
  current_setting('jit_optimize_above_cost') AS optimize`;
const RAISED = { above: "1e+07", inline: "5e+07", optimize: "5e+07" };

describe.skipIf(onEmbeddedTestDatabase())("session settings on a database server", () => {
  it("the ORM's pool, the plain pool and a bulk connection all compile only very costly queries", async () => {
    expect((await getDb().$queryRawUnsafe<Record<string, string>[]>(JIT_SETTINGS))[0]).toEqual(RAISED);
    expect((await getPgPool().query(JIT_SETTINGS)).rows[0]).toEqual(RAISED);
    expect(await withPgClient(async (client) => (await client.query(JIT_SETTINGS)).rows[0])).toEqual(RAISED);
  });

  it("a query PostgreSQL's default would compile is not, one a hundred times costlier is", async () => {
    const plan = async (rows: number) =>
      JSON.stringify(
        await getDb().$queryRawUnsafe(
          `EXPLAIN (FORMAT JSON) SELECT g % 1000, sum(g) FROM generate_series(1, ${rows}) AS g GROUP BY 1`,
        ),
      );
    // Costs about 900,000: over the default threshold (100,000), under ours.
    expect(await plan(50_000_000)).not.toContain('"JIT"');
    // Where the server was built with JIT at all (its default is on).
    const available = (await getDb().$queryRawUnsafe<{ on: boolean }[]>(`SELECT pg_jit_available() AS on`))[0]!.on;
    if (available) expect(await plan(1_000_000_000)).toContain('"JIT"');
  });
});
