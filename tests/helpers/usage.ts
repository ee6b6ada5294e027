import { randomUUID } from "node:crypto";
import type pg from "pg";
import { holdAdvisoryLock, withPgClient } from "@/lib/db";
import {
  attachImport,
  copyUsageRows,
  EVERY_COLUMN_BINARY,
  prepareImportTable,
  usageImportLock,
  writeUsageRollups,
  type TNumberedRow,
} from "@/lib/usage/load";

// Synthetic usage for tests: rows described by account, hour and count, loaded as one import
// of a new case through the real COPY and rollup path.

export const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

export type TSpec = Partial<TNumberedRow> & { account: string; hour: number; requests: number };

export const usageRow = (s: TSpec, line: number): TNumberedRow => ({
  line,
  occurredAt: s.occurredAt ?? new Date(T0 + s.hour * HOUR),
  bucketSeconds: s.bucketSeconds ?? 3_600,
  accountId: s.account,
  projectId: s.projectId ?? null,
  apiKeyId: s.apiKeyId ?? `key_${s.account}`,
  ip: s.ip ?? null,
  userAgent: null,
  model: s.model ?? "gpt-4o",
  endpoint: s.endpoint ?? "/v1/chat/completions",
  inputTokens: s.inputTokens ?? s.requests * 500,
  outputTokens: s.outputTokens ?? s.requests * 500,
  cachedTokens: 0,
  requests: s.requests,
  statusCode: s.statusCode ?? 200,
  rateLimited: s.rateLimited ?? false,
  paymentFingerprint: s.paymentFingerprint ?? null,
  deviceFingerprint: s.deviceFingerprint ?? null,
});

/**
 * The import's fresh table, with the import's lock held on `client` as the import job holds it
 * (until that connection ends): a storage sweep in a test file running beside the caller then
 * leaves the unattached table alone.
 */
export async function prepareLockedImport(client: pg.ClientBase, target: { caseId: string; importId: string }) {
  await holdAdvisoryLock(client, usageImportLock(target.importId));
  await prepareImportTable(client, target);
}

/** Loads the rows as one import (of `caseId`, or a new case); answers its case and import. */
export async function loadUsage(specs: TSpec[], caseId: string = randomUUID()) {
  const target = { caseId, importId: randomUUID() };
  const groups = EVERY_COLUMN_BINARY.groups();
  await withPgClient(async (client) => {
    await prepareLockedImport(client, target);
    await copyUsageRows(
      client,
      target,
      (async function* () {
        yield specs.map(usageRow);
      })(),
      { groups },
    );
    await writeUsageRollups(client, target, groups);
    await client.query("BEGIN");
    await attachImport(client, target);
    await client.query("COMMIT");
  }).finally(() => groups.close());
  return target;
}

export const hoursOf = (n: number, f: (h: number) => TSpec | TSpec[] | null) =>
  Array.from({ length: n }, (_, h) => f(h))
    .flat()
    .filter((x): x is TSpec => x !== null);
