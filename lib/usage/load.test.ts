import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/schema-engine";
import {
  analyzeImportRows,
  attachImport,
  copyUsageRows,
  EVERY_COLUMN_BINARY,
  discardImport,
  ensureUsagePartition,
  groupsTable,
  importTable,
  TimeSpread,
  indexImportTable,
  prepareImportTable,
  writeUsageRollups,
  type TNumberedRow,
} from "@/lib/usage/load";
import type { UsageGroups } from "@/lib/usage/groups";
import { createRedactor, toUsageRow } from "@/lib/usage/parse";
import { readUsageRecords } from "@/lib/usage/read";
import { ZUsageOptions, defaultMapping } from "@/lib/usage/schemas";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";
import { prepareLockedImport } from "@/tests/helpers/usage";

// The bulk path on both databases the app runs on: the test run's own (PostgreSQL in CI) and
// an embedded PGlite, where COPY goes through the socket layer's CopyIn (lib/db/embedded-copy.ts).

const FIXTURE = path.resolve(import.meta.dirname, "../../tests/fixtures/usage/gateway.csv");

async function fixtureRows(): Promise<TNumberedRow[]> {
  const out: TNumberedRow[] = [];
  const columns =
    "time,account_id,org_id,api_key_id,client_ip,user_agent,model,endpoint,input_tokens,output_tokens,status_code,rate_limited,payment_fingerprint,device_fingerprint".split(
      ",",
    );
  const options = ZUsageOptions.parse({ preset: "gateway", mapping: defaultMapping("gateway", columns) });
  for await (const batch of readUsageRecords(createReadStream(FIXTURE), "gateway")) {
    for (const r of batch) {
      if (!("values" in r)) continue;
      const row = toUsageRow(r.values, options, createRedactor("k"));
      if (typeof row !== "string") out.push({ ...row, line: r.line });
    }
  }
  return out;
}

/**
 * Many synthetic rows, a batch at a time, for loads larger than one COPY slice: a second apart
 * in file order, or (`shuffled`) at times scattered through the file.
 */
/** Row i's second after the base: in order (i), or `shuffled` through the file, or as `secondOf` says. */
async function* synthetic(
  count: number,
  failAfter = Infinity,
  shuffled = false,
  secondOf = (i: number) => (shuffled ? (i * 7_919) % count : i),
): AsyncGenerator<TNumberedRow[]> {
  const base = Date.UTC(2026, 10, 2);
  for (let start = 0; start < count; start += 5_000) {
    if (start >= failAfter) throw new Error("the file broke off");
    yield Array.from({ length: Math.min(5_000, count - start) }, (_, k) => {
      const i = start + k;
      return {
        line: i + 2,
        occurredAt: new Date(base + secondOf(i) * 1_000),
        bucketSeconds: 0,
        accountId: `acct_${i % 50}`,
        projectId: "proj_1",
        apiKeyId: `key_${i % 200}`,
        ip: `203.0.${i % 4}.${i % 250}`,
        userAgent: "agent\twith tab\\and backslash",
        model: i % 3 ? "gpt-4o" : "o3-mini",
        endpoint: "/v1/chat/completions",
        inputTokens: 100,
        outputTokens: 2_000,
        cachedTokens: 0,
        requests: 1,
        statusCode: i % 10 ? 200 : 429,
        rateLimited: i % 10 === 0,
        paymentFingerprint: `pf_${i % 5}`,
        deviceFingerprint: null,
      };
    });
  }
}

async function* once(rows: TNumberedRow[]) {
  yield rows;
}

/**
 * `isolated`: another session can read while a transaction is open (PostgreSQL). The embedded
 * database serialises sessions instead: a reader waits for the load to end, so it cannot look.
 */
function suite(name: string, isolated: boolean, connect: () => Promise<{ url: string; stop: () => Promise<void> }>) {
  describe(`usage load on ${name}`, () => {
    let db: { url: string; stop: () => Promise<void> };
    let client: pg.Client;
    let other: pg.Client;
    const count = async (sql: string, params: unknown[]) => Number((await other.query(sql, params)).rows[0].n);
    /** An account's rows of a loaded case: the plan of its first page (index scans forced) and how many. */
    const accountRows = async (caseId: string, account: string) => {
      await client.query("SET enable_seqscan = off");
      const plan = await client.query(
        `EXPLAIN SELECT seq FROM "UsageRecord" WHERE "caseId" = $1 AND "accountId" = $2 ORDER BY "occurredAt", seq LIMIT 5`,
        [caseId, account],
      );
      await client.query("RESET enable_seqscan");
      return {
        plan: plan.rows.map((r) => r["QUERY PLAN"]).join("\n"),
        n: await count(`SELECT count(*)::int AS n FROM "UsageRecord" WHERE "caseId" = $1 AND "accountId" = $2`, [
          caseId,
          account,
        ]),
      };
    };

    beforeAll(async () => {
      db = await connect();
      client = new pg.Client({ connectionString: db.url });
      other = new pg.Client({ connectionString: db.url });
      await client.connect();
      await other.connect();
    }, 120_000);
    afterAll(async () => {
      await client?.end();
      await other?.end();
      await db?.stop();
    });

    /** The import's fresh table, its lock held on the suite's connection until it ends. */
    const prepare = (target: { caseId: string; importId: string }) => prepareLockedImport(client, target);

    /** The whole lifecycle of one import as the job runs it: a table of its own, then ATTACH. */
    async function load(
      target: { caseId: string; importId: string },
      batches: AsyncIterable<TNumberedRow[]>,
      groups: UsageGroups | undefined = EVERY_COLUMN_BINARY.groups(),
    ) {
      await prepare(target);
      const n = await copyUsageRows(client, target, batches, { groups });
      await writeUsageRollups(client, target, groups);
      await client.query("BEGIN");
      await attachImport(client, target);
      await client.query("COMMIT");
      return n;
    }
    const rowsOf = (caseId: string, importId?: string) =>
      count(
        `SELECT count(*)::int AS n FROM "UsageRecord" WHERE "caseId" = $1 AND ($2::uuid IS NULL OR "importId" = $2)`,
        [caseId, importId ?? null],
      );

    it("loads rows with COPY into a table no query reaches until ATTACH, with hourly rollups and account attributes", async () => {
      const target = { caseId: randomUUID(), importId: randomUUID() };
      await prepare(target);
      expect(await copyUsageRows(client, target, once(await fixtureRows()))).toBe(6);
      await writeUsageRollups(client, target);
      expect(await rowsOf(target.caseId)).toBe(0); // loaded, not attached: invisible
      // On a server the rows are written frozen (COPY … FREEZE): every page is visible to all
      // (the statistics count them), so no later read or vacuum writes the table again.
      const { rows: pages } = await other.query(
        `SELECT relpages, relallvisible FROM pg_class WHERE oid = to_regclass($1)`,
        [importTable(target)],
      );
      expect(pages[0].relpages).toBeGreaterThan(0);
      expect(pages[0].relallvisible).toBe(isolated ? pages[0].relpages : 0);
      await client.query("BEGIN");
      await attachImport(client, target);
      if (isolated) expect(await rowsOf(target.caseId)).toBe(0); // attached, not committed
      await client.query("COMMIT");
      expect(await rowsOf(target.caseId)).toBe(6);

      const raw = await other.query(
        `SELECT line, "apiKeyId", host(ip) AS ip, "userAgent", "rateLimited" FROM "UsageRecord" WHERE "caseId" = $1 ORDER BY seq`,
        [target.caseId],
      );
      expect(raw.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 11, 13]);
      expect(raw.rows[2]).toMatchObject({
        ip: "2001:db8::1",
        rateLimited: true,
        apiKeyId: expect.stringMatching(/^sk-proj-…1234#/),
      });
      expect(raw.rows[3].userAgent).toBe("multi\nline agent");

      const hourly = await other.query(
        `SELECT sum(requests)::int AS requests, sum("outputTokens")::int AS output, sum("rateLimited")::int AS limited, sum(rows)::int AS rows
         FROM "UsageHourly" WHERE "caseId" = $1`,
        [target.caseId],
      );
      expect(hourly.rows[0]).toEqual({ requests: 6, output: 3900 + 3950 + 4000 + 10 + 0 + 7, limited: 2, rows: 6 });
      const networks = await other.query(`SELECT DISTINCT network FROM "UsageHourly" WHERE "caseId" = $1 ORDER BY 1`, [
        target.caseId,
      ]);
      expect(networks.rows.map((r) => r.network)).toEqual(["", "198.51.100.0/24", "2001:db8::/48", "203.0.113.0/24"]);

      const attributes = await other.query(
        `SELECT "accountId", kind::text, value, requests::int FROM "UsageAttribute" WHERE "caseId" = $1 AND kind IN ('PAYMENT', 'DEVICE') ORDER BY 1, 2, 3`,
        [target.caseId],
      );
      expect(attributes.rows).toEqual([
        { accountId: "acct_101", kind: "DEVICE", value: "dev_77", requests: 2 },
        { accountId: "acct_101", kind: "PAYMENT", value: "pf_9f1c", requests: 2 },
        { accountId: "acct_102", kind: "DEVICE", value: "dev_78", requests: 1 },
        { accountId: "acct_102", kind: "PAYMENT", value: "pf_9f1c", requests: 1 },
        { accountId: "acct_103", kind: "DEVICE", value: "dev_79", requests: 1 },
        { accountId: "acct_103", kind: "PAYMENT", value: "pf_22aa", requests: 1 },
      ]);
    });

    it("writes the same rollups from the rows grouped as they load, grouped by the database, or given up past the limit or with their thread gone", async () => {
      const rows = [...(await fixtureRows())];
      // Over 4,096 groups (3,000 combinations over 4 hours): the groups' room grows twice, and the
      // combinations' table (room for 1,024 at first, half its slots taken at most) too.
      for await (const batch of synthetic(12_000, Infinity, true)) rows.push(...batch);
      // Rows with no account, key or address, and sums that repeat an hour out of order.
      rows.push({ ...rows[0]!, accountId: null, apiKeyId: null, ip: null, line: 9_000 });
      rows.push({ ...rows[10]!, occurredAt: new Date(rows[10]!.occurredAt.getTime() + 1), line: 9_001 });
      rows.push({ ...rows[20]!, occurredAt: new Date(Date.UTC(2026, 10, 2, 23, 59, 59, 999)), line: 9_002 });
      const caseId = randomUUID();
      const rollups = async (importId: string) => {
        const { rows: found } = await other.query(
          `SELECT 'hourly' AS t, to_jsonb(h) - 'importId' AS r FROM "UsageHourly" h WHERE "importId" = $1
           UNION ALL SELECT 'daily', to_jsonb(d) - 'importId' FROM "UsageDaily" d WHERE "importId" = $1
           UNION ALL SELECT 'model', to_jsonb(m) - 'importId' FROM "UsageHourlyModel" m WHERE "importId" = $1
           UNION ALL SELECT 'attribute', to_jsonb(a) - 'importId' - 'id' FROM "UsageAttribute" a WHERE "importId" = $1`,
          [importId],
        );
        return found.map((f) => JSON.stringify(f)).sort();
      };
      const loaded: string[][] = [];
      const importIds: string[] = [];
      const closed = EVERY_COLUMN_BINARY.groups();
      closed.close();
      const ways = [
        { groups: EVERY_COLUMN_BINARY.groups(), complete: true },
        { groups: EVERY_COLUMN_BINARY.groups(100), complete: false }, // more groups than that: given up
        { groups: closed, complete: false }, // the counting thread ended before it answered
        { groups: undefined, complete: undefined },
      ];
      for (const { groups, complete } of ways) {
        const target = { caseId, importId: randomUUID() };
        importIds.push(target.importId);
        expect(await load(target, once(rows), groups)).toBe(rows.length);
        expect(await groups?.complete()).toBe(complete);
        loaded.push(await rollups(target.importId));
        // The times, to the millisecond, as the rows have them.
        const { rows: times } = await other.query(
          `SELECT (SELECT json_agg(DISTINCT hour ORDER BY hour) FROM "UsageHourly" WHERE "importId" = $1)::text
                = (SELECT json_agg(DISTINCT date_trunc('hour', "occurredAt") ORDER BY date_trunc('hour', "occurredAt"))
                   FROM "UsageRecord" WHERE "importId" = $1)::text AS hours,
                  (SELECT json_agg(a ORDER BY a) FROM (SELECT "accountId", min("firstSeen"), max("lastSeen")
                   FROM "UsageAttribute" WHERE "importId" = $1 GROUP BY 1) a)::text
                = (SELECT json_agg(r ORDER BY r) FROM (SELECT "accountId", min("occurredAt"), max("occurredAt")
                   FROM "UsageRecord" WHERE "importId" = $1 AND "accountId" IS NOT NULL GROUP BY 1) r)::text AS seen`,
          [target.importId],
        );
        expect(times[0]).toEqual({ hours: true, seen: true });
      }
      expect(loaded[0]!.length).toBeGreaterThan(100);
      expect(loaded[0]!.filter((r) => r.includes('"attribute"')).length).toBeGreaterThan(0);
      expect(loaded.slice(1)).toEqual(loaded.slice(1).map(() => loaded[0]));
      // A groups table (made only when the groups are given up or not counted) goes once the
      // rollups are written. Other tests' imports may hold theirs meanwhile: only these are looked at.
      for (const importId of importIds)
        expect(
          await count(`SELECT count(*)::int AS n FROM pg_class WHERE oid = to_regclass($1)`, [groupsTable(importId)]),
        ).toBe(0);
    });

    it("a load that breaks off part-way is never attached; the next run starts clean and loads every row once", async () => {
      const target = { caseId: randomUUID(), importId: randomUUID() };
      await prepare(target);
      // Part-way: past the embedded database's first statements (10,000 rows each), before the end.
      await expect(copyUsageRows(client, target, synthetic(150_000, 110_000))).rejects.toThrow(/broke off/);
      expect((await client.query("SELECT 1 AS ok")).rows[0].ok).toBe(1); // the connection is usable
      expect(await rowsOf(target.caseId)).toBe(0);
      // On a server the whole load is one transaction: nothing of it stays. The embedded
      // database commits each statement (10,000 rows): those before the break stay, unattached.
      expect(await count(`SELECT count(*)::int AS n FROM ${importTable(target)}`, [])).toBe(isolated ? 0 : 110_000);
      expect(await load(target, synthetic(40_000))).toBe(40_000);
      expect(await rowsOf(target.caseId)).toBe(40_000);
      expect(
        await count(`SELECT sum(rows)::int AS n FROM "UsageHourly" WHERE "importId" = $1`, [target.importId]),
      ).toBe(40_000);
    });

    it("loads more than one COPY slice whole, escapes tabs and backslashes, and deletes one import without touching another", async () => {
      const caseId = randomUUID();
      const [a, b] = [
        { caseId, importId: randomUUID() },
        { caseId, importId: randomUUID() },
      ];
      expect(await load(a, synthetic(120_000))).toBe(120_000);
      expect(await load(b, synthetic(1_000))).toBe(1_000);
      expect(await rowsOf(caseId, a.importId)).toBe(120_000);
      const agent = await other.query(`SELECT "userAgent" FROM "UsageRecord" WHERE "caseId" = $1 LIMIT 1`, [caseId]);
      expect(agent.rows[0].userAgent).toBe("agent\twith tab\\and backslash");
      expect(await count(`SELECT sum(rows)::int AS n FROM "UsageHourly" WHERE "importId" = $1`, [a.importId])).toBe(
        120_000,
      );
      expect(await count(`SELECT sum(rows)::int AS n FROM "UsageDaily" WHERE "importId" = $1`, [a.importId])).toBe(
        120_000,
      );
      expect(
        await count(`SELECT sum(rows)::int AS n FROM "UsageHourlyModel" WHERE "importId" = $1`, [a.importId]),
      ).toBe(120_000);

      await client.query("BEGIN");
      expect(await discardImport(client, a)).toBe(true);
      await client.query("COMMIT");
      expect(await rowsOf(caseId, a.importId)).toBe(0);
      expect(await rowsOf(caseId, b.importId)).toBe(1_000);
      expect(await count(`SELECT count(*)::int AS n FROM "UsageHourly" WHERE "importId" = $1`, [a.importId])).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM "UsageDaily" WHERE "importId" = $1`, [a.importId])).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM "UsageHourlyModel" WHERE "importId" = $1`, [a.importId])).toBe(
        0,
      );
      expect(
        await count(`SELECT count(*)::int AS n FROM "UsageAttribute" WHERE "importId" = $1`, [b.importId]),
      ).toBeGreaterThan(0);
      expect(await discardImport(client, a)).toBe(false); // already gone
    });

    it("indexes a file in time order by time and account ranges alone, and one out of order, or with stray times, by B-trees", async () => {
      const indexes = async (target: { importId: string }) =>
        (
          await other.query(`SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1`, [
            `import_${target.importId.replace(/-/g, "")}`,
          ])
        ).rows.map((r) => String(r.indexname).replace(/^import_[0-9a-f]+_/, ""));
      const correlation = async (target: { importId: string }) =>
        Number(
          (
            await other.query(`SELECT correlation FROM pg_stats WHERE tablename = $1 AND attname = 'occurredAt'`, [
              `import_${target.importId.replace(/-/g, "")}`,
            ])
          ).rows[0].correlation,
        );
      /** The indexes a file of these rows gets, and its correlation of time with order. */
      const staged = async (rows: AsyncIterable<TNumberedRow[]>) => {
        const target = { caseId: randomUUID(), importId: randomUUID() };
        const spread = new TimeSpread();
        await prepare(target);
        await copyUsageRows(client, target, rows, { spread });
        await analyzeImportRows(client, target);
        await indexImportTable(client, target, spread);
        const made = { indexes: await indexes(target), correlation: await correlation(target) };
        await discardImport(client, target);
        return made;
      };
      const ranges = ["ranges"];
      const bTrees = ["account", "ranges", "time"];
      expect((await staged(synthetic(2_000))).indexes).toEqual(ranges);
      expect((await staged(synthetic(2_000, Infinity, true))).indexes).toEqual(bTrees);
      // 40,000 rows a second apart in order, but one in 500 a year ahead (a device's clock): the
      // correlation does not see them, and every range of pages spans the year.
      const YEAR = 365 * 86_400;
      const strays = await staged(synthetic(40_000, Infinity, false, (i) => (i % 500 === 250 ? i + YEAR : i)));
      expect(strays.correlation).toBeGreaterThan(0.95);
      expect(strays.indexes).toEqual(bTrees);
      // A two-day gap in the middle, or one stray in the whole file, widens one range: still ranges.
      expect(
        (await staged(synthetic(40_000, Infinity, false, (i) => (i < 20_000 ? i : i + 2 * 86_400)))).indexes,
      ).toEqual(ranges);
      expect((await staged(synthetic(40_000, Infinity, false, (i) => (i === 12_345 ? i + YEAR : i)))).indexes).toEqual(
        ranges,
      );
    });

    it("staged and attached, account ids compare byte by byte, and a scattered file's account rows come from the account index", async () => {
      const target = { caseId: randomUUID(), importId: randomUUID() };
      await prepare(target);
      const spread = new TimeSpread();
      await copyUsageRows(client, target, synthetic(2_000, Infinity, true), { spread });
      await writeUsageRollups(client, target);
      await indexImportTable(client, target, spread);
      const collation = async (table: string) =>
        (
          await other.query(
            `SELECT c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
             WHERE a.attrelid = $1::regclass AND a.attname = 'accountId'`,
            [table],
          )
        ).rows[0].collname;
      expect(await collation(importTable(target))).toBe("C");
      await client.query("BEGIN");
      await attachImport(client, target);
      await client.query("COMMIT");
      expect(await collation('"UsageRecord"')).toBe("C");
      // A text parameter (default collation) against the column: still equality, still the index.
      const rows = await accountRows(target.caseId, "acct_7");
      expect(rows.plan).toMatch(/_account/);
      expect(rows.n).toBe(40);
      // The staging analyzed the rows before it grouped them.
      expect(
        await count(`SELECT count(*)::int AS n FROM pg_statistic WHERE starelid = $1::regclass`, [importTable(target)]),
      ).toBeGreaterThan(0);
    });

    it("attaches a file in time order with its one range index as the usage table's, which then serves an account's rows", async () => {
      const target = { caseId: randomUUID(), importId: randomUUID() };
      const table = `import_${target.importId.replace(/-/g, "")}`;
      const indexes = async () =>
        (await other.query(`SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1`, [table])).rows.map(
          (r) => r.indexname,
        );
      await prepare(target);
      const spread = new TimeSpread();
      await copyUsageRows(client, target, synthetic(2_000), { spread });
      await writeUsageRollups(client, target);
      await indexImportTable(client, target, spread);
      expect(await indexes()).toEqual([`${table}_ranges`]);
      await client.query("BEGIN");
      await attachImport(client, target);
      await client.query("COMMIT");
      // ATTACH took it for the usage table's index on time and account: it built none of its own.
      expect(await indexes()).toEqual([`${table}_ranges`]);
      const parent = await other.query(
        `SELECT p.indexrelid::regclass::text AS name FROM pg_inherits i JOIN pg_index p ON p.indexrelid = i.inhparent
         WHERE i.inhrelid = $1::regclass`,
        [`usage_partitions."${table}_ranges"`],
      );
      expect(parent.rows.map((r) => r.name)).toEqual([
        `usage_partitions."case_${target.caseId.replace(/-/g, "")}_occurredAt_accountId_idx"`,
      ]);
      const rows = await accountRows(target.caseId, "acct_7");
      expect(rows.plan).toMatch(/_ranges/);
      expect(rows.n).toBe(40);
    });

    it.runIf(isolated)("loads a case's first import while readers of another case hold its usage tables", async () => {
      const read = { caseId: randomUUID(), importId: randomUUID() };
      const fresh = { caseId: randomUUID(), importId: randomUUID() };
      expect(await load(read, synthetic(1_000))).toBe(1_000);
      // A reader part-way through a transaction holds both usage tables (ACCESS SHARE), as a
      // statement that reads the hourly rollup and then plans its way to the rows does. A lock
      // on either that waited for it could close a deadlock, as CREATE TABLE … PARTITION OF did.
      await other.query("BEGIN");
      try {
        expect(await rowsOf(read.caseId)).toBe(1_000);
        expect(await count(`SELECT sum(rows)::int AS n FROM "UsageHourly" WHERE "caseId" = $1`, [read.caseId])).toBe(
          1_000,
        );
        await client.query("SET lock_timeout = '2s'");
        expect(await load(fresh, synthetic(1_000))).toBe(1_000);
      } finally {
        await client.query("RESET lock_timeout");
        await other.query("COMMIT");
      }
      expect(await rowsOf(fresh.caseId)).toBe(1_000);
      // Made apart and attached, the case's partitions still carry every index of their parent.
      const indexes = (schema: string, table: string) =>
        count(`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`, [schema, table]);
      const hex = fresh.caseId.replace(/-/g, "");
      expect(await indexes("usage_partitions", `case_${hex}`)).toBe(await indexes("public", "UsageRecord"));
      expect(await indexes("usage_partitions", `hourly_case_${hex}`)).toBe(await indexes("public", "UsageHourly"));
      expect(await indexes("public", "UsageHourly")).toBeGreaterThan(0);
    });

    it("refuses ids that are not UUIDs before building any SQL with them", async () => {
      await expect(ensureUsagePartition(client, 'x\'); DROP TABLE "Case"; --')).rejects.toThrow(/Not a case id/);
      await expect(prepareImportTable(client, { caseId: randomUUID(), importId: "1; --" })).rejects.toThrow(
        /Not an import id/,
      );
    });
  });
}

suite("the test database", !onEmbeddedTestDatabase(), async () => ({
  // eslint-disable-next-line no-restricted-properties -- the test run's database (tests/helpers/global-setup.ts)
  url: process.env.DATABASE_URL!,
  stop: async () => {},
}));
suite("embedded PGlite", false, async (): Promise<EmbeddedDatabase> => {
  const embedded = await startEmbeddedDatabase();
  await applyMigrations(embedded.url);
  return embedded;
});
