import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { getDb } from "@/lib/db";
import { applyMigrations, readMigrations, sqlForSchema } from "@/lib/db/schema-engine";
import { getEnv } from "@/lib/env";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";

async function query(db: EmbeddedDatabase, sql: string) {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A fresh embedded database with every migration before `name` applied; `apply()` runs `name`.
 * For the migrations that move data: the test writes rows as the schema before left them.
 */
async function justBefore(name: string): Promise<{ db: EmbeddedDatabase; apply: () => Promise<unknown> }> {
  const db = await startEmbeddedDatabase();
  try {
    const migrations = (await readMigrations()).migrationDirectories;
    const at = migrations.findIndex((m) => m.path === name);
    expect(at).toBeGreaterThan(0);
    for (const m of migrations.slice(0, at)) await query(db, m.migrationFile.content.value);
    return { db, apply: () => query(db, migrations[at]!.migrationFile.content.value) };
  } catch (error) {
    await db.stop();
    throw error;
  }
}

// Tables, columns, indexes, constraints and enums of the public schema, as plain data.
async function fingerprint(db: EmbeddedDatabase) {
  return {
    columns: await query(
      db,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
      ORDER BY 1, 2`,
    ),
    // A partitioned table's index reads "ON ONLY t" (UsageRecord is partitioned by its
    // migration, which schema.prisma cannot say): the same index otherwise.
    indexes: (
      await query(
        db,
        `SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`,
      )
    ).map((row) => ({ ...row, indexdef: String(row.indexdef).replace(" ON ONLY ", " ON ") })),
    constraints: await query(
      db,
      `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('p','f','u','c')
      AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`,
    ),
    enums: await query(
      db,
      `SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      ORDER BY 1, e.enumsortorder`,
    ),
  };
}

describe("migrations", () => {
  it("build exactly the schema that prisma/schema.prisma describes (no change without its migration)", async () => {
    const migrated = await startEmbeddedDatabase();
    const fromSchema = await startEmbeddedDatabase();
    try {
      await applyMigrations(migrated.url);
      await query(fromSchema, await sqlForSchema(fromSchema.url));
      const [a, b] = [await fingerprint(migrated), await fingerprint(fromSchema)];
      expect(a.columns.length).toBeGreaterThan(10);
      expect(a).toEqual(b);
    } finally {
      await fromSchema.stop();
      await migrated.stop();
    }
  }, 180_000); // two embedded databases, every migration: minutes on a busy 2-core machine

  it.skipIf(onEmbeddedTestDatabase())(
    "leave no migration lock behind: the next instance to start would wait out its timeout",
    async () => {
      await applyMigrations(getEnv().DATABASE_URL!);
      const held = await getDb().$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND objid = 72707369
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
      expect(held[0]?.n).toBe(0);
    },
  );

  it("move each import's hourly rollup to a partition of its own: attached if loaded, apart if only validated", async () => {
    const { db, apply } = await justBefore("20261202190000_usage_hourly_per_import");
    try {
      // As the version before left a case: one import loaded, one validated, one whose rows are gone.
      const [caseId, loaded, validated, gone] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const hex = (id: string) => id.replace(/-/g, "");
      const hour = (importId: string, account: string, requests: number) =>
        `('${caseId}', '${importId}', '2026-11-01 10:00', '${account}', '', '', 'm', '', ${requests}, 0, 0, 0, 0, 1)`;
      await query(
        db,
        `CREATE TABLE usage_partitions."case_${hex(caseId)}" PARTITION OF "UsageRecord"
           FOR VALUES IN ('${caseId}') PARTITION BY LIST ("importId");
         CREATE TABLE usage_partitions."import_${hex(loaded)}" PARTITION OF usage_partitions."case_${hex(caseId)}"
           FOR VALUES IN ('${loaded}');
         CREATE TABLE usage_partitions."import_${hex(validated)}" (LIKE "UsageRecord");
         INSERT INTO "UsageHourly" VALUES ${[hour(loaded, "a", 5), hour(loaded, "b", 7), hour(validated, "a", 11), hour(gone, "a", 13)].join(", ")};`,
      );
      await apply();

      // What queries read: the loaded import's rollup, and nothing else until the other loads.
      const read = async () =>
        (
          await query(
            db,
            `SELECT "importId"::text AS id, sum(requests)::int AS n FROM "UsageHourly" GROUP BY 1 ORDER BY 2`,
          )
        ).map((r) => [r.id, r.n]);
      expect(await read()).toEqual([[loaded, 12]]);
      const table = async (id: string) =>
        (await query(db, `SELECT relispartition AS attached FROM pg_class WHERE relname = 'hourly_${hex(id)}'`))[0];
      expect(await table(loaded)).toEqual({ attached: true });
      expect(await table(validated)).toEqual({ attached: false });
      expect(await table(gone)).toBeUndefined();
      // The validated one attaches as a load would, with its indexes.
      await query(
        db,
        `ALTER TABLE usage_partitions."hourly_case_${hex(caseId)}" ATTACH PARTITION usage_partitions."hourly_${hex(validated)}" FOR VALUES IN ('${validated}')`,
      );
      expect(await read()).toEqual([
        [validated, 11],
        [loaded, 12],
      ]);
      const indexes = await query(
        db,
        `SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'hourly_${hex(validated)}'`,
      );
      expect(indexes).toEqual([{ n: 3 }]);
    } finally {
      await db.stop();
    }
  }, 180_000);

  it("give every import's rows the one range index on time and account, loaded or only validated, in place of its two", async () => {
    const { db, apply } = await justBefore("20261206063000_usage_one_range_index");
    try {
      // As the version before left a case: one import loaded, one validated, each with its range
      // index on time and its bloom filter of accounts, and a scattered one with its B-trees too.
      const [caseId, loaded, validated, scattered] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const hex = (id: string) => id.replace(/-/g, "");
      const table = (id: string) => `usage_partitions."import_${hex(id)}"`;
      const oldIndexes = (id: string) =>
        `CREATE INDEX "import_${hex(id)}_occurredAt" ON ${table(id)} USING brin ("occurredAt");
         CREATE INDEX "import_${hex(id)}_account_bloom" ON ${table(id)}
           USING brin ("accountId" text_bloom_ops (n_distinct_per_range = -0.3)) WITH (pages_per_range = 16);`;
      const rows = (id: string) =>
        `INSERT INTO ${table(id)} ("caseId", "importId", seq, line, "occurredAt", "bucketSeconds", "accountId",
           "inputTokens", "outputTokens", "cachedTokens", requests, "rateLimited")
         SELECT '${caseId}', '${id}', i, i + 1, '2026-11-01'::timestamp + i * interval '1 second', 0, 'acct_' || (i % 7),
           1, 1, 0, 1, false FROM generate_series(1, 500) AS i;`;
      await query(
        db,
        `CREATE TABLE usage_partitions."case_${hex(caseId)}" PARTITION OF "UsageRecord"
           FOR VALUES IN ('${caseId}') PARTITION BY LIST ("importId");
         CREATE TABLE ${table(loaded)} (LIKE "UsageRecord");
         CREATE TABLE ${table(validated)} (LIKE "UsageRecord");
         CREATE TABLE ${table(scattered)} (LIKE "UsageRecord");
         ${[loaded, validated, scattered].map((id) => rows(id) + oldIndexes(id)).join("\n")}
         CREATE INDEX "import_${hex(scattered)}_time" ON ${table(scattered)} ("occurredAt", seq);
         ALTER TABLE usage_partitions."case_${hex(caseId)}" ATTACH PARTITION ${table(loaded)} FOR VALUES IN ('${loaded}');
         ALTER TABLE usage_partitions."case_${hex(caseId)}" ATTACH PARTITION ${table(scattered)} FOR VALUES IN ('${scattered}');`,
      );
      await apply();

      const indexes = async (id: string) =>
        (
          await query(
            db,
            `SELECT i.indexname AS name, p.inhparent::regclass::text AS parent, pg_get_indexdef(c.oid) AS def
             FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = 'usage_partitions'::regnamespace
             LEFT JOIN pg_inherits p ON p.inhrelid = c.oid
             WHERE i.schemaname = 'usage_partitions' AND i.tablename = 'import_${hex(id)}' ORDER BY 1`,
          )
        ).map((r) => ({ ...r, name: String(r.name).replace(hex(id), "<id>") }));
      const ranges = (parent: string | null) => ({
        name: "import_<id>_ranges",
        parent,
        def: expect.stringMatching(
          /USING brin \("occurredAt", "accountId" text_bloom_ops \(n_distinct_per_range='-0\.3'\)\) WITH \(pages_per_range='16'\)$/,
        ),
      });
      const caseIndex = `usage_partitions."case_${hex(caseId)}_occurredAt_accountId_idx"`;
      // The loaded ones' index is the usage table's (no coarser one was built beside it).
      expect(await indexes(loaded)).toEqual([ranges(caseIndex)]);
      expect(await indexes(scattered)).toEqual([
        ranges(caseIndex),
        { name: "import_<id>_time", parent: null, def: expect.any(String) },
      ]);
      // The validated one's is ready for its load, whose ATTACH then builds none.
      expect(await indexes(validated)).toEqual([ranges(null)]);
      await query(
        db,
        `ALTER TABLE usage_partitions."case_${hex(caseId)}" ATTACH PARTITION ${table(validated)} FOR VALUES IN ('${validated}')`,
      );
      expect(await indexes(validated)).toEqual([ranges(caseIndex)]);
      const n = await query(
        db,
        `SELECT count(*)::int AS n FROM "UsageRecord" WHERE "caseId" = '${caseId}' AND "accountId" = 'acct_3'`,
      );
      expect(n).toEqual([{ n: 3 * 72 }]);
    } finally {
      await db.stop();
    }
  }, 180_000);

  it("split the shared Bates counters by producing organisation, each from its own productions", async () => {
    const { db, apply } = await justBefore("20261203065635_bates_counter_per_org");
    try {
      // As the shared counter left them: the owner used CB1-500 (its second export since deleted),
      // the partner CB501-510 and X-1-5; one counter's productions are gone altogether.
      const [owner, partner, user] = [randomUUID(), randomUUID(), randomUUID()];
      const production = (org: string, prefix: string, start: number | null, end: number | null, deleted = false) =>
        `(gen_random_uuid(), gen_random_uuid(), '${org}', '${user}', '${end === null ? "FAILED" : "COMPLETE"}', '{}',
          '${prefix}', ${start}, ${end}, 'Counsel', ${deleted ? "now()" : "NULL"})`;
      const rows = [
        production(owner, "CB", 1, 420),
        production(owner, "CB", 421, 500, true),
        production(partner, "CB", 501, 510),
        production(partner, "X-", 1, 5),
        production(partner, "CB", null, null),
      ];
      await query(
        db,
        `SET session_replication_role = replica; -- no cases or users behind these rows
         INSERT INTO "Production" (id, "caseId", "orgId", "createdById", status, scope, "batesPrefix", "batesStart",
           "batesEnd", "receivingParty", "deletedAt") VALUES ${rows.join(", ")};
         INSERT INTO "BatesCounter" (prefix, last) VALUES ('CB', 510), ('X-', 5), ('GONE', 9);`,
      );
      await apply();
      const counters = await query(db, `SELECT "orgId"::text AS org, prefix, last FROM "BatesCounter" ORDER BY 3`);
      expect(counters).toEqual([
        { org: partner, prefix: "X-", last: 5 },
        { org: owner, prefix: "CB", last: 500 },
        { org: partner, prefix: "CB", last: 510 },
      ]);
    } finally {
      await db.stop();
    }
  }, 180_000);

  it("count the timeline changes made so far as every reader's, and drop those of cases gone", async () => {
    const { db, apply } = await justBefore("20261204200000_timeline_change_per_audience");
    try {
      const [caseId, gone, owner, partner] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await query(
        db,
        `SET session_replication_role = replica; -- no organisation or user behind the case
         INSERT INTO "Case" (id, number, title, "ownerOrgId", "createdById", "updatedAt")
           VALUES ('${caseId}', 'CB-2026-MIGRAT', 'Before', '${owner}', '${randomUUID()}', now());
         INSERT INTO "TimelineChange" ("caseId") VALUES ('${caseId}'), ('${caseId}'), ('${gone}');
         INSERT INTO "TimelineChangeFolded" ("caseId", changes) VALUES ('${caseId}', 40), ('${gone}', 7);`,
      );
      await apply();
      // Each organisation's version is what the case's was (2 + 40): no reader's goes back.
      const version = async (org: string) =>
        (
          await query(
            db,
            `SELECT ((SELECT count(*) FROM "TimelineChange" c WHERE c."caseId" = '${caseId}'
                        AND (c.visibility = 'ALL_CASE_ORGS' OR c."orgId" = '${org}'))
               + (SELECT coalesce(sum(changes), 0) FROM "TimelineChangeFolded" c WHERE c."caseId" = '${caseId}'
                    AND (c.visibility = 'ALL_CASE_ORGS' OR c."orgId" = '${org}')))::int AS n`,
          )
        )[0]!.n;
      expect([await version(owner), await version(partner)]).toEqual([42, 42]);
      expect(await query(db, `SELECT DISTINCT "caseId"::text AS "caseId" FROM "TimelineChange"`)).toEqual([{ caseId }]);
      expect(
        await query(db, `SELECT "caseId"::text AS "caseId", "orgId"::text AS "orgId" FROM "TimelineChangeFolded"`),
      ).toEqual([{ caseId, orgId: owner }]);
    } finally {
      await db.stop();
    }
  }, 180_000);

  it("apply once, record themselves where `prisma migrate deploy` looks, and re-apply nothing", async () => {
    const db = await startEmbeddedDatabase();
    try {
      const folders = (await readMigrations()).migrationDirectories.map((m) => m.path);
      expect(await applyMigrations(db.url)).toEqual(folders);
      expect(await applyMigrations(db.url)).toEqual([]);
      const rows = await query(db, "SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY 1");
      expect(rows.map((r) => r.migration_name)).toEqual(folders);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.finished_at)).toBe(true);
    } finally {
      await db.stop();
    }
  }, 180_000);
});
