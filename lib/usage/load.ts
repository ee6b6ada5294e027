import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { TUsageRow } from "@/lib/usage/parse";

// Bulk loading of usage rows: COPY into the case's partition, then the rollups and the account
// attributes computed from what was just loaded, in SQL. The caller holds the transaction, so
// nothing of a load is visible before it commits and a crash leaves nothing behind.

export type TUsageTarget = { caseId: string; importId: string };
export type TNumberedRow = TUsageRow & { line: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function caseIdOf(target: TUsageTarget): string {
  // Partition names are built from the id (DDL takes no parameters): only a real UUID passes.
  if (!UUID.test(target.caseId) || !UUID.test(target.importId)) throw new Error("Not a case or import id.");
  return target.caseId;
}

/** The case's partition of "UsageRecord" (a quoted identifier). */
export function usagePartition(caseId: string): string {
  if (!UUID.test(caseId)) throw new Error("Not a case id.");
  return `usage_partitions."case_${caseId.replace(/-/g, "")}"`;
}

/**
 * Makes the case's partition if it does not exist yet. Its own short transaction (the DDL
 * locks the parent table briefly), serialised per case so two first loads do not race.
 */
export async function ensureUsagePartition(client: pg.ClientBase, caseId: string): Promise<void> {
  const partition = usagePartition(caseId);
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`usage-partition:${caseId}`]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${partition} PARTITION OF "UsageRecord" FOR VALUES IN ('${caseId}')`,
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
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

async function* copyText(target: TUsageTarget, batches: AsyncIterable<TNumberedRow[]>, onRows: (n: number) => void) {
  let seq = 0;
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

/** Streams the rows into the case's partition with COPY; answers how many were loaded. */
export async function copyUsageRows(
  client: pg.ClientBase,
  target: TUsageTarget,
  batches: AsyncIterable<TNumberedRow[]>,
  onRows: (n: number) => void = () => {},
): Promise<number> {
  const partition = usagePartition(caseIdOf(target));
  const columns = COLUMNS.map((c) => `"${c}"`).join(", ");
  const sink = client.query(copyFrom(`COPY ${partition} (${columns}) FROM STDIN`));
  await pipeline(Readable.from(copyText(target, batches, onRows)), sink);
  return Number(sink.rowCount ?? 0);
}

/**
 * The import's rollups, from its rows just loaded (one scan each): per hour × account × key ×
 * network (/24 for IPv4, /48 for IPv6) × model × endpoint, and what each account was seen with.
 */
export async function writeUsageRollups(client: pg.ClientBase, target: TUsageTarget): Promise<void> {
  const partition = usagePartition(caseIdOf(target));
  const params = [target.caseId, target.importId];
  await client.query(
    `INSERT INTO "UsageHourly" ("caseId", "importId", hour, "accountId", "apiKeyId", network, model, endpoint,
       requests, "inputTokens", "outputTokens", "cachedTokens", "rateLimited", rows)
     SELECT $1::uuid, $2::uuid, date_trunc('hour', "occurredAt"), coalesce("accountId", ''), coalesce("apiKeyId", ''),
            coalesce(network(set_masklen(ip, CASE family(ip) WHEN 4 THEN 24 ELSE 48 END))::text, ''), coalesce(model, ''),
            coalesce(endpoint, ''), sum(requests), sum("inputTokens"), sum("outputTokens"), sum("cachedTokens"),
            sum(CASE WHEN "rateLimited" THEN requests ELSE 0 END), count(*)
     FROM ${partition} WHERE "caseId" = $1::uuid AND "importId" = $2::uuid
     GROUP BY 3, 4, 5, 6, 7, 8`,
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
     WHERE r."caseId" = $1::uuid AND r."importId" = $2::uuid AND r."accountId" IS NOT NULL AND a.value IS NOT NULL
     GROUP BY r."accountId", a.kind, a.value`,
    params,
  );
}

/** Removes an import's rows and rollups (the caller's transaction decides when it shows). */
export async function deleteUsage(client: pg.ClientBase, target: TUsageTarget): Promise<number> {
  const partition = usagePartition(caseIdOf(target));
  const params = [target.caseId, target.importId];
  await client.query(`DELETE FROM "UsageAttribute" WHERE "caseId" = $1::uuid AND "importId" = $2::uuid`, params);
  await client.query(`DELETE FROM "UsageHourly" WHERE "caseId" = $1::uuid AND "importId" = $2::uuid`, params);
  const exists = await client.query("SELECT to_regclass($1) IS NOT NULL AS ok", [partition]);
  if (!exists.rows[0]?.ok) return 0;
  const { rowCount } = await client.query(`DELETE FROM ${partition} WHERE "importId" = $1::uuid`, [target.importId]);
  return rowCount ?? 0;
}

/**
 * Statistics for what was just loaded: nothing else gathers them (PGlite has no autovacuum, and
 * a server may run without it), and without them the planner misjudges every usage query.
 */
export async function analyzeUsage(client: pg.ClientBase, caseId: string): Promise<void> {
  await client.query(`ANALYZE ${usagePartition(caseId)}`);
  await client.query(`ANALYZE "UsageHourly"`);
  await client.query(`ANALYZE "UsageAttribute"`);
}
