import "server-only";
import type pg from "pg";
import { getDb, onEmbeddedDatabase, Prisma, withAdvisoryLock } from "@/lib/db";
import { BinaryRows, copyChunks, copyEscape, type TCopyChunk } from "@/lib/db/copy";
import { ABANDONED_STATUSES } from "@/lib/jobs/job";
import { IMPORT_FILE_KEPT_MS } from "@/lib/storage/references";
import { UsageGroups, type TAddressTexts } from "@/lib/usage/groups";
import {
  AT,
  cellsOfRow,
  COUNTS,
  GROUP_KEY,
  isPlainIpv4,
  USAGE_COLUMNS,
  type TRowContext,
  type TUsageCells,
  type TUsageRow,
} from "@/lib/usage/parse";

/** Each count column's place in TRowContext.counts, by USAGE_COLUMNS position. */
const COUNT_AT: Record<number, number> = Object.fromEntries(COUNTS.map((c, k) => [USAGE_COLUMNS.indexOf(c), k]));
const AT_REQUESTS = USAGE_COLUMNS.indexOf("requests");

// Bulk loading of usage rows. "UsageRecord" and its hourly rollup "UsageHourly" are partitioned
// by case, and each case's partition by import. An import's rows go by COPY into a table of
// their own that is not yet attached, so no query can reach them; its rows grouped (per hour
// and combination of account, key, address…, lib/usage/groups.ts) into a third, from which its
// hourly rollup goes into another and its accounts' attributes are written; the smaller
// rollups are written from the hours (and read only for imports in scope, which a running
// import never is). Loading is then two ATTACH PARTITIONs (instant: CHECK
// constraints vouch for every row), deleting an import two DROPs, and a crash part-way leaves
// only unattached tables that the next run replaces.

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

/** A case's or an import's tables are named after its id's hex digits (no hyphens). */
const caseHex = (caseId: string) => checked(caseId, "a case").replace(/-/g, "");
const importHex = (importId: string) => checked(importId, "an import").replace(/-/g, "");

/** The case's partition of "UsageRecord" (a quoted identifier). */
export function usagePartition(caseId: string): string {
  return `usage_partitions."case_${caseHex(caseId)}"`;
}

/** The import's own table, a partition of its case's once loaded. */
export function importTable({ importId }: Pick<TUsageTarget, "importId">): string {
  return `usage_partitions."import_${importHex(importId)}"`;
}

/** The import's rows grouped, from which its hourly rollup and attributes are written (then dropped). */
export function groupsTable(importId: string): string {
  return `usage_partitions."groups_${importHex(importId)}"`;
}

/**
 * The groups table's columns (writeImportGroups): an hour as hours since 1970, the key cells,
 * the first and last time in milliseconds since 1970, and the sums.
 */
const GROUP_COLUMNS = [
  ["hour", "int NOT NULL"],
  ["accountId", "text"],
  ["projectId", "text"],
  ["apiKeyId", "text"],
  ["ip", "inet"],
  ["model", "text"],
  ["endpoint", "text"],
  ["paymentFingerprint", "text"],
  ["deviceFingerprint", "text"],
  ["firstSeen", "bigint NOT NULL"],
  ["lastSeen", "bigint NOT NULL"],
  ["requests", "bigint NOT NULL"],
  ["inputTokens", "bigint NOT NULL"],
  ["outputTokens", "bigint NOT NULL"],
  ["cachedTokens", "bigint NOT NULL"],
  ["rateLimited", "bigint NOT NULL"],
  ["rows", "bigint NOT NULL"],
] as const;

/** The case's partition of "UsageHourly". */
function hourlyPartition(caseId: string): string {
  return `usage_partitions."hourly_case_${caseHex(caseId)}"`;
}

/** The import's hourly rollup, a partition of its case's once loaded. */
export function hourlyTable(importId: string): string {
  return `usage_partitions."hourly_${importHex(importId)}"`;
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

/** Whether a table of that (quoted) name exists, attached or not. */
async function tableExists(client: TSqlClient, table: string): Promise<boolean> {
  const { rows } = await client.query("SELECT to_regclass($1) IS NOT NULL AS present", [table]);
  return rows[0]?.present === true;
}

/**
 * Makes `table` a partition of `parent` for `values` unless it exists: created apart, then
 * attached. ATTACH locks the parent in SHARE UPDATE EXCLUSIVE mode, which readers do not wait
 * for. CREATE TABLE … PARTITION OF would lock it ACCESS EXCLUSIVE: a reader that held
 * "UsageHourly" while it planned its way to "UsageRecord" (a case's sample rows) then deadlocked
 * with another case's first load, which held "UsageRecord" and waited for "UsageHourly".
 */
async function addPartition(
  client: pg.ClientBase,
  { table, parent, values, partitionBy = "" }: { table: string; parent: string; values: string; partitionBy?: string },
): Promise<void> {
  if (await tableExists(client, table)) return;
  await client.query(`CREATE TABLE ${table} (LIKE ${parent} INCLUDING DEFAULTS) ${partitionBy}`);
  await client.query(`ALTER TABLE ${parent} ATTACH PARTITION ${table} FOR VALUES IN ('${values}')`);
}

/**
 * Makes the case's partitions (rows and hourly rollup) if they do not exist yet, themselves
 * partitioned by import. Their own short transaction, serialised per case so two first loads
 * do not race.
 */
export async function ensureUsagePartition(client: pg.ClientBase, caseId: string): Promise<void> {
  await inTransaction(client, async () => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`usage-partition:${caseId}`]);
    for (const [table, parent] of [
      [usagePartition(caseId), `"UsageRecord"`],
      [hourlyPartition(caseId), `"UsageHourly"`],
    ] as const)
      await addPartition(client, { table, parent, values: caseId, partitionBy: `PARTITION BY LIST ("importId")` });
  });
}

/**
 * An empty hourly partition for an import, attached at once: for hourly rollups written by
 * other means than a load (test data).
 */
export async function openHourlyPartition(client: pg.ClientBase, target: TUsageTarget): Promise<void> {
  await ensureUsagePartition(client, target.caseId);
  await inTransaction(client, () =>
    addPartition(client, {
      table: hourlyTable(target.importId),
      parent: hourlyPartition(target.caseId),
      values: target.importId,
    }),
  );
}

/** The CHECK constraint that lets ATTACH take an import's table without scanning its rows. */
const ownRows = (target: TUsageTarget) =>
  `CHECK ("caseId" = '${target.caseId}'::uuid AND "importId" = '${target.importId}'::uuid)`;

/**
 * Fresh, empty, unattached tables for the import's rows and its hourly rollup (any earlier run's
 * are dropped with its other rollups, and its groups table); the rows' table has `layout`'s
 * constants as defaults.
 */
export async function prepareImportTable(
  client: pg.ClientBase,
  target: TUsageTarget,
  layout = EVERY_COLUMN,
): Promise<void> {
  await ensureUsagePartition(client, target.caseId);
  await discardImport(client, target);
  const table = importTable(target);
  await client.query(`CREATE TABLE ${table} (LIKE "UsageRecord" INCLUDING DEFAULTS, ${ownRows(target)})`);
  await client.query(
    `CREATE TABLE ${hourlyTable(target.importId)} (LIKE "UsageHourly" INCLUDING DEFAULTS, ${ownRows(target)})`,
  );
  // Every row's case and import, as defaults (the hourly rollup's too): COPY then sends and
  // parses two UUIDs fewer per row, a third of its text (35% less time in the server per row).
  const constants = [...layout.constants].map(
    ([i, value]) =>
      `, ALTER COLUMN "${USAGE_COLUMNS[i]}" SET DEFAULT ${value === null ? "NULL" : client.escapeLiteral(value)}`,
  );
  const ids = `ALTER COLUMN "caseId" SET DEFAULT '${target.caseId}'::uuid,
    ALTER COLUMN "importId" SET DEFAULT '${target.importId}'::uuid`;
  await client.query(`ALTER TABLE ${table} ${ids}${constants.join("")}`);
  await client.query(`ALTER TABLE ${hourlyTable(target.importId)} ${ids}`);
}

/**
 * USAGE_COLUMNS positions in the order COPY writes them: a group's key columns side by side, as
 * the groups read them (one run of bytes a row, lib/usage/groups.worker.ts), then the rest.
 */
const COPY_ORDER = [
  AT.occurredAt,
  ...GROUP_KEY.map((c) => AT[c]),
  ...USAGE_COLUMNS.flatMap((c, i) => ((GROUP_KEY as readonly string[]).includes(c) || i === AT.occurredAt ? [] : [i])),
];

/** Columns whose text may need COPY's escapes (times, numbers and addresses never do). */
const TEXTUAL = USAGE_COLUMNS.map(
  (c) =>
    !["occurredAt", "bucketSeconds", "ip", "rateLimited"].includes(c) && !/Tokens$|^requests$|^statusCode$/.test(c),
);

/**
 * The columns an import's COPY text holds after each row's ordinal and line (the case and the
 * import are the table's defaults), and a row's text. A column that holds the same value in every
 * row of the import (`constants`, constantColumns: one its mapping gives no source, such as a
 * gateway log's cached tokens) is left out and made the table's default as well: less text for
 * the parse to write and for the server to read.
 */
export class CopyLayout {
  /** The USAGE_COLUMNS positions written, in order. */
  private readonly written: number[];
  private readonly textual: boolean[];
  private readonly kinds: TBinaryKind[];

  constructor(
    readonly constants: ReadonlyMap<number, string | null> = new Map(),
    readonly binaryFormat = false,
  ) {
    this.written = COPY_ORDER.filter((i) => !constants.has(i));
    this.textual = this.written.map((i) => TEXTUAL[i]!);
    this.kinds = this.written.map((i) => BINARY_KIND[USAGE_COLUMNS[i]!]);
  }

  /** Groups for rows written in this layout's binary format (UsageGroups.add). */
  groups(limit?: number): UsageGroups {
    return new UsageGroups(this.written, this.constants, limit);
  }

  /** The COPY statement's column list. */
  columns(): string {
    return ["seq", "line", ...this.written.map((i) => USAGE_COLUMNS[i]!)].map((c) => `"${c}"`).join(", ");
  }

  /**
   * One row's COPY text: backslash escapes for the four characters that would break it, unless
   * the caller knows no cell holds one (`plain`). Added up field by field (a string the server's
   * write flattens once): fewer instructions than an array joined.
   */
  line(seq: number, line: number, cells: TUsageCells, plain = false): string {
    let text = `${seq}\t${line}`;
    const { written, textual } = this;
    for (let k = 0; k < written.length; k++) {
      const v = cells[written[k]!];
      text += v === null || v === undefined ? "\t\\N" : textual[k] && !plain ? "\t" + copyEscape(v) : "\t" + v;
    }
    return text + "\n";
  }

  /** One row in COPY's binary format: its numbers from `row` (readUsageCells), the rest from its cells. */
  binary(w: BinaryRows, seq: number, line: number, cells: TUsageCells, row: Pick<TRowContext, "ms" | "counts">): void {
    const { written, kinds } = this;
    w.fields(written.length + 2);
    w.int4(seq);
    w.int4(line);
    for (let k = 0; k < written.length; k++) {
      const i = written[k]!;
      const v = cells[i];
      if (v === null || v === undefined) {
        w.null();
        continue;
      }
      switch (kinds[k]) {
        case "text":
          w.text(v);
          break;
        case "timestamp":
          w.timestamp(row.ms);
          break;
        case "int8":
          w.int8(row.counts[COUNT_AT[i]!]!);
          break;
        case "int4":
          w.int4(i === AT_REQUESTS ? row.counts[COUNT_AT[i]!]! : Number(v));
          break;
        case "int2":
          w.int2(Number(v));
          break;
        case "bool":
          w.bool(v === "t");
          break;
        case "inet":
          w.inet(v);
          break;
      }
    }
  }
}

/** How each column is written in COPY's binary format. */
type TBinaryKind = "timestamp" | "int2" | "int4" | "int8" | "text" | "inet" | "bool";
const BINARY_KIND: Record<(typeof USAGE_COLUMNS)[number], TBinaryKind> = {
  occurredAt: "timestamp",
  bucketSeconds: "int4",
  accountId: "text",
  projectId: "text",
  apiKeyId: "text",
  ip: "inet",
  userAgent: "text",
  model: "text",
  endpoint: "text",
  inputTokens: "int8",
  outputTokens: "int8",
  cachedTokens: "int8",
  requests: "int4",
  statusCode: "int2",
  rateLimited: "bool",
  paymentFingerprint: "text",
  deviceFingerprint: "text",
};

/** Every column written, as text: for rows built in code, and the default layout. */
export const EVERY_COLUMN = new CopyLayout();
/** The same in the binary format: how copyUsageRows hands rows to its groups (EVERY_COLUMN_BINARY.groups()). */
export const EVERY_COLUMN_BINARY = new CopyLayout(new Map(), true);

/**
 * Streams the rows' text into the import's table with COPY: on a database server one
 * statement, in a transaction that empties the table first, the rows written frozen (10,000
 * rows a statement on the embedded database: copyChunks). The table is not attached, so a part
 * loaded is seen by nobody. Answers how many were loaded. The embedded database serves one
 * connection at a time while a COPY runs, so `chunks` must not wait on another connection
 * (buffer such writes until this returns).
 */
export async function copyUsageText(
  client: pg.ClientBase,
  target: TUsageTarget,
  chunks: AsyncIterable<TCopyChunk>,
  layout = EVERY_COLUMN,
): Promise<number> {
  const table = importTable(target);
  return copyChunks(client, `COPY ${table} (${layout.columns()}) FROM STDIN`, chunks, {
    freeze: table,
    binary: layout.binaryFormat,
  });
}

/**
 * Rows built in code (tests) loaded the same way, numbered in order; `spread` is told their
 * times and `groups` (EVERY_COLUMN_BINARY.groups()) the rows, as the import job's parse tells them.
 */
export async function copyUsageRows(
  client: pg.ClientBase,
  target: TUsageTarget,
  batches: AsyncIterable<TNumberedRow[]>,
  { spread, groups }: { spread?: TimeSpread; groups?: UsageGroups } = {},
): Promise<number> {
  let seq = 0;
  const binary = new BinaryRows();
  async function* chunks(): AsyncGenerator<TCopyChunk> {
    for await (const batch of batches) {
      let text = "";
      for (const r of batch) {
        const cells = cellsOfRow(r);
        const row = { ms: r.occurredAt.getTime(), counts: Float64Array.from(COUNTS, (c) => r[c]) };
        text += EVERY_COLUMN.line(++seq, r.line, cells);
        spread?.add(row.ms);
        if (groups) EVERY_COLUMN_BINARY.binary(binary, seq, r.line, cells, row);
      }
      await groups?.add(binary.take());
      yield { text, rows: batch.length };
    }
  }
  return copyUsageText(client, target, chunks());
}

/**
 * The import's rollups, from its rows just loaded, grouped (by `groups`, told every row as it was
 * loaded, or else by a scan into the groups table): per hour × account × key × network (/24 for
 * IPv4, /48 for IPv6) × model × endpoint, the same per day (from the hours), and what each
 * account was seen with. One step after the other; the import job runs the same steps on two
 * connections (lib/jobs/usage-import.ts).
 */
export async function writeUsageRollups(client: pg.ClientBase, target: TUsageTarget, groups?: UsageGroups) {
  await analyzeImportRows(client, target);
  await writeImportGroups(client, target, groups);
  await writeTrafficRollups(client, target, groups);
  await writeAccountAttributes(client, target, groups);
  await dropImportGroups(client, target);
}

/**
 * Statistics for the rows just loaded (nothing else gathers them: PGlite has no autovacuum, and
 * a server may run without it): the choice of index reads their correlation, and the
 * drill-down's plans their counts.
 */
export async function analyzeImportRows(client: TSqlClient, target: TUsageTarget): Promise<void> {
  await client.query(`ANALYZE ${importTable(target)}`);
}

/**
 * The import's groups table, filled unless `groups` took every row (the rollups are then
 * written from those, writeHourlyRollup and writeAccountAttributes): by one scan of the rows,
 * grouped by hashing (sorting is off for it: the planner, which cannot tell how few the groups
 * are, would sort every row, twice as long; in a transaction of its own, as the embedded database
 * has one session for all), times turned into numbers once per group, not per row. Then its
 * statistics, for the groupings that read it.
 */
export async function writeImportGroups(client: pg.ClientBase, target: TUsageTarget, groups?: UsageGroups) {
  if (await groups?.complete()) return;
  const table = groupsTable(target.importId);
  const columns = GROUP_COLUMNS.map(([c]) => `"${c}"`).join(", ");
  await inTransaction(client, async () => {
    // Unlogged: read once while the import is validated, and a crash loses nothing of value.
    await client.query(
      `CREATE UNLOGGED TABLE ${table} (${GROUP_COLUMNS.map(([c, type]) => `"${c}" ${type}`).join(", ")})`,
    );
    await client.query(`SET LOCAL enable_sort = off`);
    await client.query(
      `INSERT INTO ${table} (${columns})
       SELECT extract(epoch FROM hour) / 3600, "accountId", "projectId", "apiKeyId", ip, model, endpoint,
              "paymentFingerprint", "deviceFingerprint", extract(epoch FROM f) * 1000, extract(epoch FROM l) * 1000,
              requests, "inputTokens", "outputTokens", "cachedTokens", "rateLimited", "rows"
       FROM (
         SELECT date_trunc('hour', "occurredAt") AS hour, "accountId", "projectId", "apiKeyId", ip, model, endpoint,
                "paymentFingerprint", "deviceFingerprint", min("occurredAt") AS f, max("occurredAt") AS l,
                sum(requests) AS requests, sum("inputTokens") AS "inputTokens", sum("outputTokens") AS "outputTokens",
                sum("cachedTokens") AS "cachedTokens", sum(CASE WHEN "rateLimited" THEN requests ELSE 0 END) AS "rateLimited",
                count(*) AS "rows"
         FROM ${importTable(target)} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) AS g`,
    );
  });
  await client.query(`ANALYZE ${table}`);
}

/**
 * Each address's host and network (/24 for IPv4, /48 for IPv6) as PostgreSQL writes them:
 * worked out here for dotted IPv4, asked of the database for the rest.
 */
async function addressTexts(client: TSqlClient, addresses: Iterable<string>): Promise<TAddressTexts> {
  const texts = new Map<string, { host: string; network: string }>();
  const others: string[] = [];
  for (const a of addresses)
    if (isPlainIpv4(a)) texts.set(a, { host: a, network: `${a.slice(0, a.lastIndexOf("."))}.0/24` });
    else others.push(a);
  if (others.length) {
    const { rows } = await client.query(
      `SELECT a, host(a::inet) AS host,
              network(set_masklen(a::inet, CASE family(a::inet) WHEN 4 THEN 24 ELSE 48 END))::text AS network
       FROM unnest($1::text[]) AS a`,
      [others],
    );
    for (const r of rows) texts.set(String(r.a), { host: String(r.host), network: String(r.network) });
  }
  return texts;
}

/** The groups' address texts, worked out once for the hourly rollup and the attributes alike. */
const addressTextsOf = new WeakMap<UsageGroups, Promise<TAddressTexts>>();

function groupAddressTexts(client: TSqlClient, groups: UsageGroups): Promise<TAddressTexts> {
  let texts = addressTextsOf.get(groups);
  if (!texts) {
    texts = groups.addresses().then((addresses) => addressTexts(client, addresses));
    addressTextsOf.set(groups, texts);
    texts.catch(() => addressTextsOf.delete(groups)); // asked again next time
  }
  return texts;
}

/** The groups' times count from here (a timestamp without time zone, as the usage tables' are). */
const SINCE_1970 = `'1970-01-01'::timestamp`;

/** Once the rollups are written: the groups are not needed again. */
export async function dropImportGroups(client: TSqlClient, target: TUsageTarget): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${groupsTable(target.importId)}`);
}

/** The hourly rollup (the import's own table) with its indexes, and the per-model and per-day ones from it. */
export async function writeTrafficRollups(client: pg.ClientBase, target: TUsageTarget, groups?: UsageGroups) {
  await writeHourlyRollup(client, target, groups);
  await indexHourlyRollup(client, target);
  await writeRollupsFromHours(client, target);
}

/** The hourly rollup's columns but its case and import (its table's defaults), as UsageGroups.hourly writes them. */
const HOURLY_COLUMNS = `hour, "accountId", "apiKeyId", network, model, endpoint,
  requests, "inputTokens", "outputTokens", "cachedTokens", "rateLimited", rows`;

/**
 * The import's hourly rollup: from `groups` if they took every row (one COPY, written frozen),
 * or else from the groups table (writeImportGroups), the network grouped as an address and
 * written as text once per group.
 */
export async function writeHourlyRollup(client: pg.ClientBase, target: TUsageTarget, groups?: UsageGroups) {
  const hourly = hourlyTable(target.importId);
  if (groups && (await groups.complete())) {
    const addresses = await groupAddressTexts(client, groups);
    // In COPY's binary format where the database takes it (a server; the embedded one takes text).
    const binary = !(await onEmbeddedDatabase(client));
    await copyChunks(client, `COPY ${hourly} (${HOURLY_COLUMNS}) FROM STDIN`, groups.hourly(addresses, binary), {
      freeze: hourly,
      binary,
    });
    return;
  }
  await client.query(
    `INSERT INTO ${hourly} ("caseId", "importId", ${HOURLY_COLUMNS})
     SELECT $1::uuid, $2::uuid, ${SINCE_1970} + hour * interval '1 hour', "accountId", "apiKeyId",
            coalesce(network::text, ''), model, endpoint, requests, "inputTokens", "outputTokens", "cachedTokens",
            "rateLimited", "rows"
     FROM (
       SELECT hour, coalesce("accountId", '') AS "accountId", coalesce("apiKeyId", '') AS "apiKeyId",
              network(set_masklen(ip, CASE family(ip) WHEN 4 THEN 24 ELSE 48 END)) AS network,
              coalesce(model, '') AS model, coalesce(endpoint, '') AS endpoint, sum(requests) AS requests,
              sum("inputTokens") AS "inputTokens", sum("outputTokens") AS "outputTokens",
              sum("cachedTokens") AS "cachedTokens", sum("rateLimited") AS "rateLimited", sum("rows") AS "rows"
       FROM ${groupsTable(target.importId)} GROUP BY 1, 2, 3, 4, 5, 6) AS g`,
    [target.caseId, target.importId],
  );
}

/**
 * The hourly rollup's indexes, as "UsageHourly" has them, each one sorted build (1.5 s at two
 * million rows, where going into the shared indexes row by row took 5 s), then its statistics
 * (see writeRollupsFromHours). The primary key is made of its unique index last: building it
 * as a key would lock out any reader of the hours meanwhile.
 */
export async function indexHourlyRollup(client: TSqlClient, target: TUsageTarget): Promise<void> {
  const hourly = hourlyTable(target.importId);
  const key = `hourly_${importHex(target.importId)}_pkey`;
  await client.query(
    `CREATE UNIQUE INDEX "${key}" ON ${hourly} ("caseId", "importId", hour, "accountId", "apiKeyId", network, model, endpoint)`,
  );
  await client.query(`CREATE INDEX ON ${hourly} ("caseId", hour)`);
  await client.query(`CREATE INDEX ON ${hourly} ("caseId", "accountId", hour)`);
  await client.query(`ALTER TABLE ${hourly} ADD PRIMARY KEY USING INDEX "${key}"`);
  await client.query(`ANALYZE ${hourly}`);
}

/**
 * The per-model and per-day rollups, from the import's hourly one, then their statistics
 * (nothing else gathers them: PGlite has no autovacuum, and a server may run without it):
 * without them a top account's hours were read by a scan of the whole case's index (440 ms,
 * not 2 ms).
 */
export async function writeRollupsFromHours(client: TSqlClient, target: TUsageTarget): Promise<void> {
  const hourly = hourlyTable(target.importId);
  await client.query(
    `INSERT INTO "UsageHourlyModel" ("caseId", "importId", hour, model, requests, "inputTokens", "outputTokens", "rateLimited", rows)
     SELECT "caseId", "importId", hour, model, sum(requests), sum("inputTokens"), sum("outputTokens"), sum("rateLimited"), sum(rows)
     FROM ${hourly} GROUP BY 1, 2, 3, 4`,
  );
  await client.query(
    `INSERT INTO "UsageDaily" ("caseId", "importId", day, "accountId", "apiKeyId", network, model, endpoint,
       "firstHour", "lastHour", requests, "inputTokens", "outputTokens", "cachedTokens", "rateLimited", rows)
     SELECT "caseId", "importId", date_trunc('day', hour), "accountId", "apiKeyId", network, model, endpoint,
            min(hour), max(hour), sum(requests), sum("inputTokens"), sum("outputTokens"), sum("cachedTokens"),
            sum("rateLimited"), sum(rows)
     FROM ${hourly} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
  );
  await client.query(`ANALYZE "UsageDaily", "UsageHourlyModel"`);
}

/** The attributes' columns, as UsageGroups.attributes writes them. */
const ATTRIBUTE_COLUMNS = `"caseId", "importId", "accountId", kind, value, "firstSeen", "lastSeen", requests`;

/**
 * What each account of the import was seen with (keys, projects, addresses, instruments,
 * devices): from `groups` if they took every row (one COPY), or else from the groups table
 * (writeImportGroups), first grouped again by account and attributes alone, then unfolded.
 */
export async function writeAccountAttributes(client: pg.ClientBase, target: TUsageTarget, groups?: UsageGroups) {
  if (groups && (await groups.complete())) {
    const addresses = await groupAddressTexts(client, groups);
    await copyChunks(
      client,
      `COPY "UsageAttribute" (${ATTRIBUTE_COLUMNS}) FROM STDIN`,
      groups.attributes(target, addresses),
    );
  } else await writeAttributesFromGroupsTable(client, target);
  await client.query(`ANALYZE "UsageAttribute"`);
}

async function writeAttributesFromGroupsTable(client: TSqlClient, target: TUsageTarget): Promise<void> {
  await client.query(
    `INSERT INTO "UsageAttribute" (${ATTRIBUTE_COLUMNS})
     SELECT $1::uuid, $2::uuid, r."accountId", a.kind::"UsageAttributeKind", a.value,
            ${SINCE_1970} + min(r.f) * interval '1 millisecond', ${SINCE_1970} + max(r.l) * interval '1 millisecond', sum(r.n)
     FROM (
       SELECT "accountId", "apiKeyId", "projectId", ip, "paymentFingerprint", "deviceFingerprint",
              min("firstSeen") AS f, max("lastSeen") AS l, sum(requests) AS n
       FROM ${groupsTable(target.importId)} WHERE "accountId" IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) r
     CROSS JOIN LATERAL (VALUES
       ('API_KEY', r."apiKeyId"),
       ('PROJECT', r."projectId"),
       ('IP', host(r.ip)),
       ('NETWORK', network(set_masklen(r.ip, CASE family(r.ip) WHEN 4 THEN 24 ELSE 48 END))::text),
       ('PAYMENT', r."paymentFingerprint"),
       ('DEVICE', r."deviceFingerprint")
     ) AS a(kind, value)
     WHERE a.value IS NOT NULL
     GROUP BY r."accountId", a.kind, a.value`,
    [target.caseId, target.importId],
  );
}

/**
 * How closely the rows' order in the table must follow their time (PostgreSQL's statistics,
 * -1 to 1) for their time range index (BRIN) alone to serve the drill-down: logs are written in
 * time order, or its reverse.
 */
export const IN_TIME_ORDER = 0.9;

const DAY_MS = 86_400_000;

/**
 * How far the rows' times stray from their neighbours', measured as they are written: the
 * earliest and latest time of each run of BLOCK_ROWS rows (in file order, the table's order).
 * The range index keeps the earliest and latest time of every 16 pages (about as many rows as
 * a run), so the few rows of a device with a wrong clock (a year ahead, or 1970) in a log
 * otherwise in time order widen the ranges they fall in, and a query for one hour then reads
 * all of those: all of the table, when the strays are spread through it. PostgreSQL's
 * correlation does not see them (a row in a thousand moves it by about a thousandth).
 */
export class TimeSpread {
  static readonly BLOCK_ROWS = 1_024;
  private min = Infinity;
  private max = -Infinity;
  private rows = 0;
  private readonly widths: number[] = [];
  /** Each run's first time. */
  private readonly firsts: number[] = [];

  add(ms: number): void {
    if (this.rows === 0) this.firsts.push(ms);
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    if (++this.rows === TimeSpread.BLOCK_ROWS) this.close();
  }

  private close(): void {
    this.widths.push(this.max - this.min);
    this.min = Infinity;
    this.max = -Infinity;
    this.rows = 0;
  }

  /**
   * Whether more than one run, and more than one in a hundred (so about as many ranges of the
   * index), spans more than a day and 64 times a run's usual stretch of time: the median of
   * the steps between runs' first times that move at all (a few strays do not shift it, nor do
   * the runs that start in the same bucket of a bucketed export). Every query for an hour then
   * reads those ranges too. Too few runs to tell (16), or no time passing: no.
   */
  strayed(): boolean {
    if (this.rows > 0) this.close();
    const runs = this.widths.length;
    if (runs < 16) return false;
    const steps = this.firsts
      .slice(1)
      .map((t, i) => Math.abs(t - this.firsts[i]!))
      .filter((step) => step > 0)
      .sort((a, b) => a - b);
    if (steps.length === 0) return false;
    const wide = Math.max(64 * steps[steps.length >> 1]!, DAY_MS);
    const count = this.widths.filter((w) => w > wide).length;
    return count > 1 && count * 100 > runs;
  }
}

/**
 * Indexes for the drill-down pages, built on the staged table before it is loaded, so loading
 * stays one quick transaction. A page reads only the hours the hourly rollup names, and an
 * account's page only the parts of those hours where the account occurs: one range index
 * (BRIN, one pass over the rows) keeps for every 16 pages (about a thousand rows) their range
 * of times and a bloom filter of their accounts (a quiet account's page in a busy log: 20 ms
 * rather than 170). Every import has it: the usage table's index of the same columns
 * (ATTACH takes this one for it). Rows of a file that was not in time order are scattered
 * through the table, and a few stray times widen the ranges (TimeSpread), so those get B-trees
 * on time and on account as well (a sort of every row each, the longest step of an import).
 * Needs the rows' statistics (ANALYZE) and `spread`, told every row's time as it was written.
 */
export async function indexImportTable(client: TSqlClient, target: TUsageTarget, spread: TimeSpread): Promise<void> {
  const table = importTable(target);
  const name = `import_${importHex(target.importId)}`;
  await client.query(
    `CREATE INDEX IF NOT EXISTS "${name}_ranges" ON ${table}
     USING brin ("occurredAt", "accountId" text_bloom_ops (n_distinct_per_range = -0.3)) WITH (pages_per_range = 16)`,
  );
  const { rows } = await client.query(
    `SELECT correlation FROM pg_stats WHERE schemaname = 'usage_partitions' AND tablename = $1 AND attname = 'occurredAt'`,
    [name],
  );
  const correlation = rows[0]?.correlation;
  if (typeof correlation === "number" && Math.abs(correlation) >= IN_TIME_ORDER && !spread.strayed()) return;
  await client.query(`CREATE INDEX IF NOT EXISTS "${name}_time" ON ${table} ("occurredAt", seq)`);
  await client.query(`CREATE INDEX IF NOT EXISTS "${name}_account" ON ${table} ("accountId", "occurredAt", seq)`);
}

/** Whether the import's table is a partition (loaded), is not (staged), or is not there (null). */
async function isAttached(client: TSqlClient, importId: string): Promise<boolean | null> {
  const { rows } = await client.query(
    "SELECT c.relispartition AS attached FROM pg_class c WHERE c.oid = to_regclass($1)",
    [importTable({ importId })],
  );
  return rows.length === 0 ? null : rows[0]!.attached === true;
}

/** Whether the import's validated rows and hourly rollup are there to be loaded. */
export async function isStaged(client: TSqlClient, target: TUsageTarget): Promise<boolean> {
  const { rows } = await client.query("SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS staged", [
    importTable(target),
    hourlyTable(target.importId),
  ]);
  return rows[0]?.staged === true;
}

/**
 * Makes the import's rows and hourly rollup part of the case's usage: two ATTACHes (their
 * indexes and statistics were made when they were staged). Run inside the caller's transaction
 * that marks the import loaded, so all show at once.
 */
export async function attachImport(client: TSqlClient, target: TUsageTarget): Promise<void> {
  const values = `FOR VALUES IN ('${target.importId}')`;
  await client.query(`ALTER TABLE ${usagePartition(target.caseId)} ATTACH PARTITION ${importTable(target)} ${values}`);
  await client.query(
    `ALTER TABLE ${hourlyPartition(target.caseId)} ATTACH PARTITION ${hourlyTable(target.importId)} ${values}`,
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
  await client.query(`DELETE FROM "UsageDaily" WHERE "caseId" = $1::uuid AND "importId" = $2::uuid`, params);
  await client.query(`DELETE FROM "UsageHourlyModel" WHERE "caseId" = $1::uuid AND "importId" = $2::uuid`, params);
  // The rows' table before the hourly one: dropping an attached partition locks its parent
  // (the case's) ACCESS EXCLUSIVE until the caller commits. That is the order a load attaches
  // them and the order readers take them (sampleRows locks the case's rows partition as it is
  // parsed, before its plan reaches the hourly ones). A reader that took the hourly rollup and
  // then the case's rows, in one statement or transaction, could deadlock with a deletion.
  const present = await tableExists(client, table);
  if (present) await client.query(`DROP TABLE ${table}`);
  await client.query(`DROP TABLE IF EXISTS ${hourlyTable(target.importId)}`);
  await dropImportGroups(client, target);
  return present;
}

/** The session lock a validation holds on its own connection while it writes the import's table. */
export const usageImportLock = (importId: string) => `usage-import:${importId}`;

/**
 * Discards the import's unattached table and rollups if its job can no longer load them (failed,
 * cancelled or gone) or, given `staleBefore`, was validated and left unloaded since before then.
 * Decides and drops in one transaction that holds the job's row, so a validation or commit that
 * moves the job meanwhile is never undone. Answers whether a table was dropped.
 */
export async function discardIfAbandoned(target: TUsageTarget, staleBefore?: Date): Promise<boolean> {
  return getDb().$transaction(async (tx) => {
    const [job] = await tx.$queryRaw<{ status: string; updatedAt: Date }[]>`
      SELECT status::text AS status, "updatedAt" FROM "ImportJob" WHERE id = ${target.importId}::uuid FOR UPDATE`;
    const stale = job?.status === "VALIDATED" && staleBefore !== undefined && job.updatedAt <= staleBefore;
    if (job && !ABANDONED_STATUSES.includes(job.status) && !stale) return false;
    // Never a loaded import's rows, whatever the job says.
    if (await isAttached(sqlOf(tx), target.importId)) return false;
    return discardImport(sqlOf(tx), target);
  });
}

/**
 * After a cancel: discards what the import's validation left, unless another process holds the
 * import's lock (then the storage sweep does). The cancel itself has happened: a failure here is
 * logged, not thrown.
 */
export async function discardCancelledImport(target: TUsageTarget): Promise<void> {
  await withAdvisoryLock(usageImportLock(target.importId), () => discardIfAbandoned(target)).catch((error: unknown) =>
    console.error(`[import] discarding cancelled usage import ${target.importId}:`, error),
  );
}

/**
 * For the storage sweep: discards the tables (and rollups) of usage imports that can no longer
 * be loaded: failed (a new validation makes them again), cancelled, or gone; and of validated
 * imports left unloaded for IMPORT_FILE_KEPT_MS, as the timeline import's stages (loading one
 * then asks for a new validation, STAGE_GONE). A loaded import's table is attached and never
 * looked at. Each is decided again under the import's lock (skipped while a validation holds
 * it) and its job's row. Answers how many were discarded.
 */
export async function dropAbandonedImports(): Promise<number> {
  const staleBefore = new Date(Date.now() - IMPORT_FILE_KEPT_MS);
  const tables = await getDb().$queryRaw<{ caseId: string | null; importId: string }[]>`
    SELECT j."caseId"::text AS "caseId", substr(c.relname, 8)::uuid::text AS "importId"
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN "ImportJob" j ON j.id = substr(c.relname, 8)::uuid
    WHERE n.nspname = 'usage_partitions' AND c.relkind = 'r' AND NOT c.relispartition
      AND c.relname ~ '^import_[0-9a-f]{32}$'
      AND (j.id IS NULL OR j.status::text IN (${Prisma.join(ABANDONED_STATUSES)})
        OR (j.status = 'VALIDATED' AND j."updatedAt" <= ${staleBefore.toISOString()}::timestamp))`;
  let dropped = 0;
  for (const { caseId, importId } of tables) {
    const discarded = await withAdvisoryLock(usageImportLock(importId), () =>
      caseId ? discardIfAbandoned({ caseId, importId }, staleBefore) : discardOrphanTables(importId),
    );
    if (discarded) dropped++;
  }
  return dropped;
}

/**
 * The tables of an import that has no job: a deleted import's rollups went with it, so only
 * tables left by a crash remain. Looked at again with the table locked (an ATTACH needs a lock on
 * it too), so one attached since the sweep listed it is never dropped.
 */
async function discardOrphanTables(importId: string): Promise<boolean> {
  return getDb().$transaction(async (tx) => {
    const sql = sqlOf(tx);
    if ((await isAttached(sql, importId)) !== false) return false;
    await tx.$executeRawUnsafe(`LOCK TABLE ${importTable({ importId })} IN ACCESS EXCLUSIVE MODE`);
    if ((await isAttached(sql, importId)) !== false) return false;
    await tx.$executeRawUnsafe(`DROP TABLE ${importTable({ importId })}`);
    await tx.$executeRawUnsafe(`DROP TABLE IF EXISTS ${hourlyTable(importId)}`);
    await tx.$executeRawUnsafe(`DROP TABLE IF EXISTS ${groupsTable(importId)}`);
    return true;
  });
}
