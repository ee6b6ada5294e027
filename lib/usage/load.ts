import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import type { Prisma } from "@/lib/db";
import { from as copyFrom } from "pg-copy-streams";
import type { TUsageRow } from "@/lib/usage/parse";

// Bulk loading of usage rows. "UsageRecord" is partitioned by case, and each case's partition
// by import. An import's rows go by COPY into a table of their own that is not yet attached,
// so no query can reach them; the rollups are written from that table (and read only for
// imports in scope, which a running import never is). Loading is then one ATTACH PARTITION
// (instant: a CHECK constraint vouches for every row), deleting an import one DETACH and DROP,
// and a crash part-way leaves only an unattached table that the next run replaces.

export type TUsageTarget = { caseId: string; importId: string };

/** What attach and discard need of a connection: a pg client, or a Prisma transaction (sqlOf). */
export type TSqlClient = { query: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> };

/** A Prisma transaction as a TSqlClient, so those steps share the transaction of a status change. */
export function sqlOf(tx: Pick<Prisma.TransactionClient, "$queryRawUnsafe">): TSqlClient {
  return {
    query: async (sql, params = []) => ({ rows: await tx.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params) }),
  };
}
export type TNumberedRow = TUsageRow & { line: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Table names are built from ids (DDL takes no parameters): only a real UUID passes.
function checked(id: string, what: string): string {
  if (!UUID.test(id)) throw new Error(`Not ${what} id.`);
  return id;
}

/** The case's partition of "UsageRecord" (a quoted identifier). */
export function usagePartition(caseId: string): string {
  return `usage_partitions."case_${checked(caseId, "a case").replace(/-/g, "")}"`;
}

/** The import's own table, a partition of its case's once loaded. */
export function importTable(target: TUsageTarget): string {
  checked(target.caseId, "a case");
  return `usage_partitions."import_${checked(target.importId, "an import").replace(/-/g, "")}"`;
}

async function inTransaction(client: pg.ClientBase, work: () => Promise<void>): Promise<void> {
  await client.query("BEGIN");
  try {
    await work();
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

/**
 * Makes the case's partition if it does not exist yet, itself partitioned by import. Its own
 * short transaction, serialised per case so two first loads do not race.
 */
export async function ensureUsagePartition(client: pg.ClientBase, caseId: string): Promise<void> {
  const partition = usagePartition(caseId);
  await inTransaction(client, async () => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`usage-partition:${caseId}`]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${partition} PARTITION OF "UsageRecord" FOR VALUES IN ('${caseId}') PARTITION BY LIST ("importId")`,
    );
  });
}

/**
 * A fresh, empty, unattached table for the import's rows (any earlier run's is dropped with its
 * rollups). The CHECK constraint is what lets ATTACH skip scanning the rows.
 */
export async function prepareImportTable(client: pg.ClientBase, target: TUsageTarget): Promise<void> {
  await ensureUsagePartition(client, target.caseId);
  await discardImport(client, target);
  await client.query(
    `CREATE TABLE ${importTable(target)} (LIKE "UsageRecord" INCLUDING DEFAULTS,
       CHECK ("caseId" = '${target.caseId}'::uuid AND "importId" = '${target.importId}'::uuid))`,
  );
}

/** COPY's text format: backslash escapes for the four characters that would break a row. */
function field(value: string | number | boolean | null): string {
  if (value === null) return "\\N";
  if (typeof value !== "string") return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

const COLUMNS = [
  "caseId",
  "importId",
  "seq",
  "line",
  "occurredAt",
  "bucketSeconds",
  "accountId",
  "projectId",
  "apiKeyId",
  "ip",
  "userAgent",
  "model",
  "endpoint",
  "inputTokens",
  "outputTokens",
  "cachedTokens",
  "requests",
  "statusCode",
  "rateLimited",
  "paymentFingerprint",
  "deviceFingerprint",
] as const;

async function* copyText(
  target: TUsageTarget,
  batches: AsyncIterable<TNumberedRow[]>,
  from: number,
  onRows: (n: number) => void,
) {
  let seq = from;
  const head = `${target.caseId}\t${target.importId}\t`;
  for await (const batch of batches) {
    let chunk = "";
    for (const r of batch) {
      chunk +=
        head +
        [
          ++seq,
          r.line,
          r.occurredAt.toISOString(),
          r.bucketSeconds,
          r.accountId,
          r.projectId,
          r.apiKeyId,
          r.ip,
          r.userAgent,
          r.model,
          r.endpoint,
          r.inputTokens,
          r.outputTokens,
          r.cachedTokens,
          r.requests,
          r.statusCode,
          r.rateLimited,
          r.paymentFingerprint,
          r.deviceFingerprint,
        ]
          .map(field)
          .join("\t") +
        "\n";
    }
    onRows(seq);
    if (chunk) yield chunk;
  }
}

/** Rows per COPY statement: between two, other connections get their turn on the embedded database. */
export const ROWS_PER_COPY = 100_000;

/**
 * Streams the rows into the import's table with COPY, one statement per ROWS_PER_COPY rows (the
 * table is not attached, so a part loaded is seen by nobody); answers how many were loaded.
 * The embedded database serves one connection at a time while a COPY runs, so `batches` must
 * not wait on another connection (buffer such writes until this returns).
 */
export async function copyUsageRows(
  client: pg.ClientBase,
  target: TUsageTarget,
  batches: AsyncIterable<TNumberedRow[]>,
  onRows: (n: number) => void = () => {},
): Promise<number> {
  const columns = COLUMNS.map((c) => `"${c}"`).join(", ");
  const sql = `COPY ${importTable(target)} (${columns}) FROM STDIN`;
  const iterator = batches[Symbol.asyncIterator]();
  let seq = 0;
  let done = false;
  async function* segment(): AsyncGenerator<TNumberedRow[]> {
    const end = seq + ROWS_PER_COPY;
    while (seq < end) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  }
  while (!done) {
    const sink = client.query(copyFrom(sql));
    await pipeline(
      Readable.from(
        copyText(target, segment(), seq, (n) => {
          seq = n;
          onRows(n);
        }),
      ),
      sink,
    );
  }
  return seq;
}

/**
 * The import's rollups, from its rows just loaded (one scan each): per hour × account × key ×
 * network (/24 for IPv4, /48 for IPv6) × model × endpoint, and what each account was seen with.
 */
export async function writeUsageRollups(client: pg.ClientBase, target: TUsageTarget): Promise<void> {
  const partition = importTable(target);
  const params = [target.caseId, target.importId];
  await client.query(
    `INSERT INTO "UsageHourly" ("caseId", "importId", hour, "accountId", "apiKeyId", network, model, endpoint,
       requests, "inputTokens", "outputTokens", "cachedTokens", "rateLimited", rows)
     SELECT $1::uuid, $2::uuid, date_trunc('hour', "occurredAt"), coalesce("accountId", ''), coalesce("apiKeyId", ''),
            coalesce(network(set_masklen(ip, CASE family(ip) WHEN 4 THEN 24 ELSE 48 END))::text, ''), coalesce(model, ''),
            coalesce(endpoint, ''), sum(requests), sum("inputTokens"), sum("outputTokens"), sum("cachedTokens"),
            sum(CASE WHEN "rateLimited" THEN requests ELSE 0 END), count(*)
     FROM ${partition} GROUP BY 3, 4, 5, 6, 7, 8`,
    params,
  );
  await client.query(
    `INSERT INTO "UsageAttribute" ("caseId", "importId", "accountId", kind, value, "firstSeen", "lastSeen", requests)
     SELECT $1::uuid, $2::uuid, r."accountId", a.kind::"UsageAttributeKind", a.value, min(r."occurredAt"), max(r."occurredAt"), sum(r.requests)
     FROM ${partition} r
     CROSS JOIN LATERAL (VALUES
       ('API_KEY', r."apiKeyId"),
       ('PROJECT', r."projectId"),
       ('IP', host(r.ip)),
       ('NETWORK', network(set_masklen(r.ip, CASE family(r.ip) WHEN 4 THEN 24 ELSE 48 END))::text),
       ('PAYMENT', r."paymentFingerprint"),
       ('DEVICE', r."deviceFingerprint")
     ) AS a(kind, value)
     WHERE r."accountId" IS NOT NULL AND a.value IS NOT NULL
     GROUP BY r."accountId", a.kind, a.value`,
    params,
  );
}

/**
 * Indexes for the drill-down pages (time order, and one account in time order) and statistics,
 * built on the staged table before it is loaded, so loading stays one quick transaction.
 */
export async function indexImportTable(client: TSqlClient, target: TUsageTarget): Promise<void> {
  const table = importTable(target);
  const name = `import_${target.importId.replace(/-/g, "")}`;
  await client.query(`CREATE INDEX IF NOT EXISTS "${name}_occurredAt" ON ${table} USING brin ("occurredAt")`);
  await client.query(`CREATE INDEX IF NOT EXISTS "${name}_time" ON ${table} ("occurredAt", seq)`);
  await client.query(`CREATE INDEX IF NOT EXISTS "${name}_account" ON ${table} ("accountId", "occurredAt", seq)`);
  await client.query(`ANALYZE ${table}`);
}

/**
 * Makes the import's rows part of the case's usage: BRIN index, statistics (nothing else
 * gathers them: PGlite has no autovacuum, and a server may run without it), then ATTACH.
 * Run inside the caller's transaction that marks the import loaded, so both show at once.
 */
export async function attachImport(client: TSqlClient, target: TUsageTarget): Promise<void> {
  const table = importTable(target);
  await client.query(
    `CREATE INDEX IF NOT EXISTS "import_${target.importId.replace(/-/g, "")}_occurredAt" ON ${table} USING brin ("occurredAt")`,
  );
  await client.query(`ANALYZE ${table}`);
  await client.query(
    `ALTER TABLE ${usagePartition(target.caseId)} ATTACH PARTITION ${table} FOR VALUES IN ('${target.importId}')`,
  );
}

/**
 * Removes an import's rows (attached or not) and rollups; answers whether it had a table. In
 * the caller's transaction, so a deletion shows whole or not at all.
 */
export async function discardImport(client: TSqlClient, target: TUsageTarget): Promise<boolean> {
  const table = importTable(target);
  const params = [target.caseId, target.importId];
  await client.query(`DELETE FROM "UsageAttribute" WHERE "caseId" = $1::uuid AND "importId" = $2::uuid`, params);
  await client.query(`DELETE FROM "UsageHourly" WHERE "caseId" = $1::uuid AND "importId" = $2::uuid`, params);
  const { rows } = await client.query("SELECT to_regclass($1) IS NOT NULL AS present", [table]);
  if (!rows[0]?.present) return false;
  await client.query(`DROP TABLE ${table}`);
  return true;
}
