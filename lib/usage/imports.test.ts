import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { getDb, holdAdvisoryLock, withPgClient } from "@/lib/db";
import { AppError, ConflictError, NotFoundError } from "@/lib/errors";
import { runImportJob } from "@/lib/jobs/runner";
import {
  changeUsageImport,
  deleteUsageImport,
  getUsageImport,
  listUsageImportRejects,
  listUsageImports,
  SOURCE_CLOSED,
  startUsageImport,
} from "@/lib/usage/imports";
import { deleteEvidence } from "@/lib/evidence/mutations";
import { claimJob, STAGE_GONE } from "@/lib/jobs/job";
import { usageImportSteps } from "@/lib/jobs/usage-import";
import { dropAbandonedImports, hourlyTable, importTable, prepareImportTable, usageImportLock } from "@/lib/usage/load";
import { IMPORT_FILE_KEPT_MS } from "@/lib/storage/references";
import { defaultMapping, ZUsageOptions, type TUsageMapping, type TUsagePreset } from "@/lib/usage/schemas";
import { toUsageRow, type TUsageRow } from "@/lib/usage/parse";
import { readUsageRecords } from "@/lib/usage/read";
import { serverRedactor } from "@/lib/usage/redaction";
import { addSignalToTimeline, recomputeSignals, signalEventFacts, updateSignalSettings } from "@/lib/usage/mutations";
import { getUsageView } from "@/lib/usage/queries";
import { listTimelineEvents } from "@/lib/timeline/queries";
import { createTimelineEvent, deleteTimelineEvent } from "@/lib/timeline/mutations";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { requestRelease, withdrawRelease } from "@/lib/releases/mutations";
import { flagPrivilege } from "@/lib/privilege/mutations";
import { usageImportIdsFor } from "@/lib/usage/signal-store";
import { createJointCase } from "@/tests/helpers/factories";
import { onEmbeddedTestDatabase } from "@/tests/helpers/test-database";
import { watchBlobReads } from "@/tests/helpers/blob-reads";
import { upload } from "@/tests/helpers/evidence";
import { loadUsage } from "@/tests/helpers/usage";

// A usage import from start to delete, as the two organisations of a case see it.

const GATEWAY = readFileSync(path.resolve(import.meta.dirname, "../../tests/fixtures/usage/gateway.csv"));

/** A gateway log with a planted spike (of `account`), so the signals have something to find. */
function spikyLog(account = "acct_spiky"): Buffer {
  const lines = ["time,account_id,api_key_id,client_ip,model,input_tokens,output_tokens,status_code"];
  for (let h = 0; h < 24; h++) {
    const n = h === 20 ? 400 : 20;
    for (let i = 0; i < n; i++)
      lines.push(
        `2026-11-0${1 + Math.floor(h / 24)}T${String(h).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00Z,${account},key_1,203.0.113.9,gpt-4o,100,2000,200`,
      );
  }
  return Buffer.from(`${lines.join("\n")}\n`);
}

/**
 * `rows` requests of one account, a second apart: a file that takes a moment to validate
 * (`refused`: with a row that is refused first).
 */
function longLog(rows: number, refused = false): Buffer {
  const lines = ["time,account_id,api_key_id,client_ip,model,input_tokens,output_tokens,status_code"];
  if (refused) lines.push("not a time,acct_long,key_1,203.0.113.9,gpt-4o,100,2000,200");
  const start = Date.UTC(2026, 10, 1);
  for (let i = 0; i < rows; i++)
    lines.push(`${new Date(start + i * 1000).toISOString()},acct_long,key_1,203.0.113.9,gpt-4o,100,2000,200`);
  return Buffer.from(`${lines.join("\n")}\n`);
}

/** What an import's validation leaves in the database: its own table, and its rollups. */
async function leftBehind(caseId: string, importId: string) {
  const db = getDb();
  const [row] = await db.$queryRaw<{ table: string | null; hourly: string | null }[]>`
    SELECT to_regclass(${importTable({ importId })})::text AS "table",
      to_regclass(${hourlyTable(importId)})::text AS hourly`;
  // The import's rows and its hourly rollup come and go together.
  expect(row?.hourly != null).toBe(row?.table != null);
  const where = { where: { importId } };
  const rollups = await Promise.all([
    db.usageHourly.count(where),
    db.usageDaily.count(where),
    db.usageHourlyModel.count(where),
    db.usageAttribute.count(where),
  ]);
  return { table: row?.table != null, rollups: rollups.reduce((a, b) => a + b, 0) };
}

/** The gateway preset's mapping of longLog's and spikyLog's columns. */
const MAPPING = defaultMapping("gateway", [
  "time",
  "account_id",
  "api_key_id",
  "client_ip",
  "model",
  "input_tokens",
  "output_tokens",
  "status_code",
]);

/** A load of an import whose validated rows are gone: it fails asking for a new validation, after which it loads. */
async function expectValidateAgainThenLoads(w: Awaited<ReturnType<typeof createJointCase>>, id: string, rows: number) {
  await changeUsageImport(w.investigator, w.caseId, id, { action: "commit" });
  await runImportJob(id);
  expect((await getUsageImport(w.investigator, w.caseId, id)).job).toMatchObject({
    status: "FAILED",
    error: STAGE_GONE,
  });
  await changeUsageImport(w.investigator, w.caseId, id, { action: "validate", options: { mapping: MAPPING } });
  await runImportJob(id);
  await changeUsageImport(w.investigator, w.caseId, id, { action: "commit" });
  await runImportJob(id);
  expect((await getUsageImport(w.investigator, w.caseId, id)).job).toMatchObject({
    status: "COMMITTED",
    rowsValid: rows,
  });
}

/** A usage import of `file` into the case, validated (not loaded); answers its id. */
async function validatedImport(w: Awaited<ReturnType<typeof createJointCase>>, file: Buffer): Promise<string> {
  const ev = await upload(w.lead, w.caseId, file, { fileName: `usage-${file.length}.csv` });
  const started = await startUsageImport(w.investigator, w.caseId, { evidenceId: ev.id, preset: "gateway" });
  await changeUsageImport(w.investigator, w.caseId, started.job.id, {
    action: "validate",
    options: { mapping: MAPPING },
  });
  await runImportJob(started.job.id);
  return started.job.id;
}

async function importAll(
  actor: Parameters<typeof startUsageImport>[0],
  caseId: string,
  evidenceId: string,
  preset = "gateway",
) {
  const started = await startUsageImport(actor, caseId, { evidenceId, preset });
  await changeUsageImport(actor, caseId, started.job.id, { action: "validate", options: { mapping: started.mapping } });
  await runImportJob(started.job.id);
  const validated = await getUsageImport(actor, caseId, started.job.id);
  await changeUsageImport(actor, caseId, started.job.id, { action: "commit" });
  await runImportJob(started.job.id);
  return { started, validated, done: await getUsageImport(actor, caseId, started.job.id) };
}

describe("usage imports", () => {
  it("imports an evidence file: preview and mapping, exact counts and refused rows by line, then loaded", async () => {
    const w = await createJointCase();
    const ev = await upload(w.lead, w.caseId, GATEWAY, {
      title: "Gateway log",
      fileName: "gateway.csv",
      mimeType: "text/csv",
    });
    const { started, validated, done } = await importAll(w.lead, w.caseId, ev.id);
    expect(started.preview.columns).toContain("client_ip");
    expect(started.mapping).toMatchObject({ occurredAt: "time", accountId: "account_id", ip: "client_ip" });
    expect(validated.job).toMatchObject({ status: "VALIDATED", rowsValid: 6, rowsRejected: 5 });
    // The file mixes time formats in one column: reported, row by row as read.
    expect(validated.job.timeFormats).toEqual({ iso: 4, epoch_s: 1, epoch_ms: 1 });
    expect(validated.rejects.items.map((r) => r.line)).toEqual([7, 8, 9, 10, 12]);
    expect(done.job.status).toBe("COMMITTED");
    expect(await usageImportIdsFor(w.ownerOrg.id, w.caseId)).toEqual([started.job.id]);
    expect(await usageImportIdsFor(w.partnerOrg.id, w.caseId)).toEqual([started.job.id]);
  });

  it("loads every row as the file reads, the columns a mapping leaves without a source included", async () => {
    const fixture = (name: string) =>
      readFileSync(path.resolve(import.meta.dirname, "../../tests/fixtures/usage", name));
    // What the rows' binary form must carry exactly: times before 2000 and near 2200, the largest
    // counts, addresses of both families, text past ASCII, tabs, backslashes and line breaks.
    const edges = Buffer.from(
      [
        "time,account_id,api_key_id,client_ip,user_agent,model,input_tokens,output_tokens,status_code",
        '1970-01-01T00:00:00.001Z,acct_é,key_1,0.0.0.0,"Mozilla/5.0 (Ünïcode) 日本 🦊",gpt-4o,0,999999999999,599',
        '1999-12-31T23:59:59.999Z,acct_2,key_2,255.255.255.255,"tab\there, back\\slash\nand a line",,1,2,100',
        "2199-12-31T23:59:59.999Z,acct_3,,2001:db8:85a3::8a2e:370:7334,,o3,3,4,",
        "2026-11-02T10:00:00.5Z,,sk-live-AbCdEfGhIjKlMnOpQrStUvWx9876,::1,curl/8.5,gpt-4o,5,6,429",
      ].join("\n"),
    );
    const variants: { file: Buffer; preset: TUsagePreset; options?: (m: TUsageMapping) => Record<string, unknown> }[] =
      [
        { file: GATEWAY, preset: "gateway" },
        { file: edges, preset: "gateway" },
        { file: fixture("openai-usage-completions.json"), preset: "openai_usage" },
        { file: fixture("azure-diagnostics.csv"), preset: "azure_diagnostics" },
        // Nothing read for the address, status, rate limit, model or device; buckets a minute wide.
        {
          file: GATEWAY,
          preset: "gateway",
          options: (m) => ({
            mapping: { ...m, ip: "", statusCode: "", rateLimited: "", model: "", deviceFingerprint: "" },
            bucketSeconds: 60,
          }),
        },
      ];
    for (const { file, preset, options } of variants) {
      const w = await createJointCase();
      const ev = await upload(w.lead, w.caseId, file, {
        fileName: `usage.${preset === "openai_usage" ? "json" : "csv"}`,
      });
      const started = await startUsageImport(w.lead, w.caseId, { evidenceId: ev.id, preset });
      const chosen = options?.(started.mapping) ?? { mapping: started.mapping };
      await changeUsageImport(w.lead, w.caseId, started.job.id, { action: "validate", options: chosen });
      await runImportJob(started.job.id);
      await changeUsageImport(w.lead, w.caseId, started.job.id, { action: "commit" });
      await runImportJob(started.job.id);
      const o = ZUsageOptions.parse({ preset, ...chosen });
      // What the one reading of a record (parse.ts) makes of each, in file order.
      const expected: (TUsageRow & { line: number })[] = [];
      for await (const batch of readUsageRecords(Readable.from([file]), preset))
        for (const r of batch) {
          const row = "values" in r ? toUsageRow(r.values, o, serverRedactor()) : null;
          if (row && typeof row === "object") expected.push({ line: r.line, ...row });
        }
      expect(expected.length).toBeGreaterThan(1);
      const loaded = await getDb().$queryRaw<Record<string, unknown>[]>`
        SELECT line, "occurredAt", "bucketSeconds", "accountId", "projectId", "apiKeyId", host(ip) AS ip, "userAgent",
          model, endpoint, "inputTokens"::float8, "outputTokens"::float8, "cachedTokens"::float8, requests, "statusCode",
          "rateLimited", "paymentFingerprint", "deviceFingerprint"
        FROM "UsageRecord" WHERE "caseId" = ${w.caseId}::uuid AND "importId" = ${started.job.id}::uuid ORDER BY seq`;
      expect(loaded).toEqual(expected);
    }
  });

  it("a load attaches the staged hourly rollup with every index UsageHourly has, none built again", async () => {
    const w = await createJointCase();
    const id = await validatedImport(w, spikyLog());
    const indexes = async () => {
      const [row] = await getDb().$queryRaw<{ own: number; attached: number; parent: number }[]>`
        SELECT (SELECT count(*)::int FROM pg_index WHERE indrelid = to_regclass(${hourlyTable(id)})) AS own,
          (SELECT count(*)::int FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indexrelid
            WHERE i.indrelid = to_regclass(${hourlyTable(id)})) AS attached,
          (SELECT count(*)::int FROM pg_index WHERE indrelid = '"UsageHourly"'::regclass) AS parent`;
      return row;
    };
    // Staged with each of the parent's indexes: one added to UsageHourly but not to the staging
    // (lib/usage/load.ts) would be built by ATTACH, inside the load's transaction.
    expect(await indexes()).toEqual({ own: 3, attached: 0, parent: 3 });
    await changeUsageImport(w.investigator, w.caseId, id, { action: "commit" });
    await runImportJob(id);
    expect((await getUsageImport(w.investigator, w.caseId, id)).job.status).toBe("COMMITTED");
    // Loaded: the same three, each now a partition of the parent's.
    expect(await indexes()).toEqual({ own: 3, attached: 3, parent: 3 });
  });

  it("refuses the same file twice in one case, naming the first import", async () => {
    const w = await createJointCase();
    const ev = await upload(w.lead, w.caseId, GATEWAY, { fileName: "gateway.csv" });
    const first = await importAll(w.lead, w.caseId, ev.id);
    const refusal = startUsageImport(w.investigator, w.caseId, { evidenceId: ev.id, preset: "gateway" });
    await expect(refusal).rejects.toThrow(
      /already imported into this case \(import [0-9a-f-]{36}, committed\)\. Delete that import first/,
    );
    // With a link to the first import's page, which the form shows after the message.
    await expect(refusal).rejects.toMatchObject({
      status: 409,
      link: { href: `/cases/${w.caseId}/usage/imports/${first.started.job.id}`, label: "Open that import" },
    });
    // Its item deleted, the import counts nowhere: the same file, uploaded again, imports.
    await deleteEvidence(w.lead, w.caseId, ev.id, { reason: "Uploaded to the wrong case." });
    const again = await upload(w.lead, w.caseId, GATEWAY, { fileName: "gateway-again.csv" });
    const started = await startUsageImport(w.lead, w.caseId, { evidenceId: again.id, preset: "gateway" });
    expect(started.job.status).toBe("UPLOADED");
    // One not yet loaded is cancelled, not deleted, to start again.
    await expect(
      startUsageImport(w.investigator, w.caseId, { evidenceId: again.id, preset: "gateway" }),
    ).rejects.toThrow(/\(import [0-9a-f-]{36}, uploaded\)\. Cancel that import first/);
  });

  it("owner-only evidence gives owner-only usage: the partner sees no import, rows or signals of it", async () => {
    const w = await createJointCase();
    const ev = await upload(w.lead, w.caseId, spikyLog(), { fileName: "spiky.csv", visibility: "OWNER_ORG_ONLY" });
    // The partner cannot even start an import of an item it cannot see.
    await expect(
      startUsageImport(w.partnerInvestigator, w.caseId, { evidenceId: ev.id, preset: "gateway" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const { started } = await importAll(w.lead, w.caseId, ev.id);
    expect(await usageImportIdsFor(w.partnerOrg.id, w.caseId)).toEqual([]);
    expect((await listUsageImports(w.partnerLead, w.caseId)).map((i) => i.id)).toEqual([]);
    expect((await listUsageImports(w.investigator, w.caseId)).map((i) => i.id)).toEqual([started.job.id]);
    const signals = (org: string) => getDb().usageSignal.findMany({ where: { caseId: w.caseId, viewerOrgId: org } });
    expect((await signals(w.ownerOrg.id)).map((s) => [s.rule, s.subject])).toContainEqual([
      "volume_spike@1",
      "acct_spiky",
    ]);
    // Each signal carries rows behind it, by file (import) and line, first in time: the spike
    // hour starts at line 402, and its 20:00:00 rows are every 60th line from there.
    const spike = (await signals(w.ownerOrg.id)).find((s) => s.rule === "volume_spike@1")!;
    expect(spike.samples).toEqual(
      [402, 462, 522, 582, 642].map((line) =>
        expect.objectContaining({ importId: started.job.id, line, accountId: "acct_spiky" }),
      ),
    );
    expect(await signals(w.partnerOrg.id)).toEqual([]);
    // Someone else's job in progress is not theirs to poll.
    await expect(getUsageImport(w.partnerLead, w.caseId, started.job.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("the partner's signals stay as they were, ids and times, when owner-only usage is loaded", async () => {
    const w = await createJointCase();
    const shared = await upload(w.lead, w.caseId, spikyLog(), { fileName: "shared.csv" });
    await importAll(w.lead, w.caseId, shared.id);
    const stored = async (org: string) =>
      (
        await getDb().usageSignal.findMany({
          where: { caseId: w.caseId, viewerOrgId: org },
          select: { id: true, subject: true, computedAt: true },
          orderBy: { id: "asc" },
        })
      ).map((s) => ({ ...s, computedAt: s.computedAt.getTime() }));
    const [ownerBefore, partnerBefore] = [await stored(w.ownerOrg.id), await stored(w.partnerOrg.id)];
    expect(partnerBefore.map((s) => s.subject)).toContain("acct_spiky");

    const hidden = await upload(w.lead, w.caseId, spikyLog("acct_hidden_spike"), {
      fileName: "hidden.csv",
      visibility: "OWNER_ORG_ONLY",
    });
    await importAll(w.lead, w.caseId, hidden.id);
    // Allowed: the owner's signals are computed again, the hidden spike among them.
    const ownerAfter = await stored(w.ownerOrg.id);
    expect(ownerAfter.map((s) => s.subject)).toContain("acct_hidden_spike");
    expect(ownerAfter.map((s) => s.id)).not.toEqual(ownerBefore.map((s) => s.id));
    // Denied: nothing of the partner's moved, so nothing tells it when the owner loaded usage.
    expect(await stored(w.partnerOrg.id)).toEqual(partnerBefore);
  });

  it("a release gives the partner the signals of owner-only usage; withdrawing it takes them back in the same commit", async () => {
    const w = await createJointCase({ releaseMode: "DIRECT" });
    const ev = await upload(w.lead, w.caseId, spikyLog(), { fileName: "spiky.csv", visibility: "OWNER_ORG_ONLY" });
    await importAll(w.lead, w.caseId, ev.id);
    const partners = [w.partnerLead, w.partnerInvestigator];
    const seen = async () =>
      Promise.all(
        [w.lead, ...partners].map(async (actor) =>
          (await getUsageView(actor, w.caseId, {})).signals.some((s) => s.subject === "acct_spiky"),
        ),
      );
    expect(await seen()).toEqual([true, false, false]);
    const { releaseId } = await requestRelease(w.lead, {
      itemType: "evidence",
      itemId: ev.id,
      reason: "For the joint review.",
    });
    expect(await seen()).toEqual([true, true, true]);
    // Withdrawn: the partner's stored signals go with the commit that narrows the item, and the
    // refresh after it computes them over what the partner still sees (nothing here).
    await withdrawRelease(w.lead, releaseId, { reason: "Shared too early." });
    expect(await seen()).toEqual([true, false, false]);
    expect(await getDb().usageSignal.count({ where: { caseId: w.caseId, viewerOrgId: w.partnerOrg.id } })).toBe(0);
  });

  // The embedded database is one session for every connection: a lock held on one holds them all.
  it.skipIf(onEmbeddedTestDatabase())(
    "flagging usage evidence privileged takes every organisation's signals of it in the same commit",
    async () => {
      const w = await createJointCase({ releaseMode: "DIRECT" });
      const ev = await upload(w.lead, w.caseId, spikyLog(), { fileName: "spiky.csv" });
      await importAll(w.lead, w.caseId, ev.id);
      const stored = (org: string) => getDb().usageSignal.count({ where: { caseId: w.caseId, viewerOrgId: org } });
      expect([await stored(w.ownerOrg.id), await stored(w.partnerOrg.id)]).not.toContain(0);

      // Hold back the refresh that follows the commit (it reads the signal settings first), to
      // see what the commit alone left.
      await withPgClient(async (client) => {
        await client.query(`BEGIN; LOCK TABLE "UsageSettings" IN ACCESS EXCLUSIVE MODE`);
        const flagging = flagPrivilege(w.lead, "evidence", w.caseId, ev.id, {
          basis: "WORK_PRODUCT",
          description: "Counsel's analysis",
          version: 1,
        });
        try {
          while (!(await getDb().evidence.findUniqueOrThrow({ where: { id: ev.id } })).privileged)
            await new Promise((resolve) => setTimeout(resolve, 20));
          expect([await stored(w.ownerOrg.id), await stored(w.partnerOrg.id)]).toEqual([0, 0]);
        } finally {
          await client.query("COMMIT");
          await flagging;
        }
      });
      expect((await getUsageView(w.lead, w.caseId, {})).signals).toEqual([]);
    },
  );

  it("another organisation's owner-only import is never named: the same file imports, and deleting it is not found", async () => {
    const w = await createJointCase();
    const ev = await upload(w.lead, w.caseId, spikyLog(), { fileName: "spiky.csv", visibility: "OWNER_ORG_ONLY" });
    const { started } = await importAll(w.lead, w.caseId, ev.id);
    // The partner's own copy of the same bytes: no refusal that would tell them the owner has it.
    const copy = await upload(w.partnerInvestigator, w.caseId, spikyLog(), { fileName: "our-copy.csv" });
    const theirs = await startUsageImport(w.partnerInvestigator, w.caseId, { evidenceId: copy.id, preset: "gateway" });
    expect(theirs.job.status).toBe("UPLOADED");
    // …while the owner, who sees both items, is refused a second import, named.
    await expect(
      startUsageImport(w.investigator, w.caseId, { evidenceId: copy.id, preset: "gateway" }),
    ).rejects.toThrow(new RegExp(`already imported into this case \\(import ${started.job.id}`));
    for (const partner of [w.partnerLead, w.partnerInvestigator]) {
      const hidden = await deleteUsageImport(partner, w.caseId, started.job.id).catch((e: unknown) => e);
      const missing = await deleteUsageImport(partner, w.caseId, randomUUID()).catch((e: unknown) => e);
      expect(hidden).toBeInstanceOf(NotFoundError);
      expect([(hidden as AppError).status, (hidden as AppError).message]).toEqual([
        (missing as AppError).status,
        (missing as AppError).message,
      ]);
    }
    expect(await usageImportIdsFor(w.ownerOrg.id, w.caseId)).toEqual([started.job.id]);
  });

  it("a signal put on the timeline cites the evidence it rests on, and is shared only from a view with nothing owner-only", async () => {
    // [the spiky file's visibility, another import's, the event's]: a signal's figures may rest on
    // any import of the view (a baseline, a first sighting), so one owner-only import makes it so.
    const cases = [
      ["ALL_CASE_ORGS", "ALL_CASE_ORGS", "ALL_CASE_ORGS"],
      ["OWNER_ORG_ONLY", "ALL_CASE_ORGS", "OWNER_ORG_ONLY"],
      ["ALL_CASE_ORGS", "OWNER_ORG_ONLY", "OWNER_ORG_ONLY"],
    ] as const;
    for (const [spikyVisibility, otherVisibility, eventVisibility] of cases) {
      const w = await createJointCase();
      const spiky = await upload(w.lead, w.caseId, spikyLog(), { fileName: "spiky.csv", visibility: spikyVisibility });
      const other = await upload(w.lead, w.caseId, longLog(50), { fileName: "other.csv", visibility: otherVisibility });
      await importAll(w.lead, w.caseId, spiky.id);
      await importAll(w.lead, w.caseId, other.id);
      const signal = await getDb().usageSignal.findFirstOrThrow({
        where: { caseId: w.caseId, viewerOrgId: w.ownerOrg.id, rule: "volume_spike@1", subject: "acct_spiky" },
      });
      const { id } = await addSignalToTimeline(w.investigator, w.caseId, signal.id);
      const event = await getDb().timelineEvent.findUniqueOrThrow({
        where: { id },
        select: { title: true, source: true, visibility: true, evidence: { select: { evidenceId: true } } },
      });
      // Titled with the rule as the Signals panel names it; the source keeps its id and version.
      expect(event).toEqual({
        title: "Signal: Volume spike — acct_spiky",
        source: "usage signal volume_spike@1",
        visibility: eventVisibility,
        evidence: [{ evidenceId: spiky.id }],
      });
      const shown = async () =>
        (await getUsageView(w.lead, w.caseId, {})).signals.find((s) => s.id === signal.id)!.onTimeline;
      expect(await shown()).toBe(eventVisibility === "ALL_CASE_ORGS" ? "shared" : "own");
      for (const partner of [w.partnerLead, w.partnerInvestigator]) {
        const seen = (await listTimelineEvents(partner, w.caseId, ZTimelineFilters.parse({}))).items.some(
          (e) => e.id === id,
        );
        expect(seen).toBe(eventVisibility === "ALL_CASE_ORGS");
      }
      // The partner's own view of the same signal: on the timeline when it can see the event, and
      // then not added a second time; an event it cannot see changes nothing for it.
      if (spikyVisibility === "ALL_CASE_ORGS") {
        const theirs = await getDb().usageSignal.findFirstOrThrow({
          where: { caseId: w.caseId, viewerOrgId: w.partnerOrg.id, rule: "volume_spike@1", subject: "acct_spiky" },
        });
        const theirView = await getUsageView(w.partnerInvestigator, w.caseId, {});
        const shared = eventVisibility === "ALL_CASE_ORGS";
        expect(theirView.signals.find((s) => s.id === theirs.id)!.onTimeline).toBe(shared ? "shared" : null);
        if (shared)
          await expect(addSignalToTimeline(w.partnerInvestigator, w.caseId, theirs.id)).rejects.toBeInstanceOf(
            ConflictError,
          );
      }
      // Once on the timeline, not twice; once its event is deleted, it may go again.
      await expect(addSignalToTimeline(w.investigator, w.caseId, signal.id)).rejects.toBeInstanceOf(ConflictError);
      await deleteTimelineEvent(w.investigator, id, 1, w.caseId);
      expect(await shown()).toBeNull();
      expect((await addSignalToTimeline(w.investigator, w.caseId, signal.id)).id).not.toBe(id);
    }
  });

  it("a signal counts as on the timeline by the events made from it, never by an event's words nor one the reader may not read", async () => {
    const w = await createJointCase();
    const spiky = await upload(w.lead, w.caseId, spikyLog(), { fileName: "spiky.csv" });
    await importAll(w.lead, w.caseId, spiky.id);
    const signalOf = (orgId: string) =>
      getDb().usageSignal.findFirstOrThrow({
        where: { caseId: w.caseId, viewerOrgId: orgId, rule: "volume_spike@1", subject: "acct_spiky" },
      });
    const [ours, theirs] = [await signalOf(w.ownerOrg.id), await signalOf(w.partnerOrg.id)];
    const onTimeline = async (actor: typeof w.lead, id: string) =>
      (await getUsageView(actor, w.caseId, {})).signals.find((s) => s.id === id)!.onTimeline;
    // The partner writes an event with the signal's very title, source and time, by hand: the
    // owner's signal is not on the timeline for that, and may still be added.
    await createTimelineEvent(w.partnerLead, w.caseId, {
      occurredAt: ours.periodStart.toISOString(),
      timeZone: "UTC",
      title: signalEventFacts(ours).title,
      source: signalEventFacts(ours).source,
      description: "A false positive.",
      category: "OTHER",
    });
    expect(await onTimeline(w.lead, ours.id)).toBeNull();
    const { id } = await addSignalToTimeline(w.investigator, w.caseId, ours.id);
    expect(await onTimeline(w.partnerInvestigator, theirs.id)).toBe("shared");
    // Flagged privileged, the owner's event is a withheld stub to the partner: it no longer
    // counts for the partner's own signal, which the partner may now add.
    const { version } = await getDb().timelineEvent.findUniqueOrThrow({ where: { id }, select: { version: true } });
    await flagPrivilege(w.lead, "timeline_event", w.caseId, id, {
      basis: "ATTORNEY_CLIENT",
      description: "Memo from counsel",
      version,
    });
    expect(await onTimeline(w.partnerInvestigator, theirs.id)).toBeNull();
    await expect(addSignalToTimeline(w.partnerInvestigator, w.caseId, theirs.id)).resolves.toHaveProperty("id");
  });

  it("a viewer or legal reviewer cannot import; a partner investigator can import shared evidence", async () => {
    const w = await createJointCase();
    const ev = await upload(w.lead, w.caseId, GATEWAY, { fileName: "gateway.csv" });
    await expect(startUsageImport(w.viewer, w.caseId, { evidenceId: ev.id, preset: "gateway" })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.status === 403,
    );
    const started = await startUsageImport(w.partnerInvestigator, w.caseId, { evidenceId: ev.id, preset: "gateway" });
    expect(started.job.status).toBe("UPLOADED");
  });

  it("an import in progress shows nothing of a file withheld, deleted or narrowed since it started, and may only be cancelled", async () => {
    const w = await createJointCase({ releaseMode: "DIRECT" });
    const [flagged, deleted, released] = [
      await upload(w.lead, w.caseId, GATEWAY, { fileName: "gateway.csv" }),
      await upload(w.lead, w.caseId, spikyLog(), { fileName: "spiky.csv" }),
      await upload(w.lead, w.caseId, spikyLog("acct_released"), {
        fileName: "released.csv",
        visibility: "OWNER_ORG_ONLY",
      }),
    ];
    const { releaseId } = await requestRelease(w.lead, {
      itemType: "evidence",
      itemId: released.id,
      reason: "For the joint review.",
    });
    const jobOf = async (evidenceId: string, actor = w.partnerInvestigator) => {
      const started = await startUsageImport(actor, w.caseId, { evidenceId, preset: "gateway" });
      const options = { mapping: started.mapping };
      await changeUsageImport(actor, w.caseId, started.job.id, { action: "validate", options });
      await runImportJob(started.job.id);
      return started.job.id;
    };
    const [flaggedJob, deletedJob, releasedJob] = [
      await jobOf(flagged.id),
      await jobOf(deleted.id),
      await jobOf(released.id),
    ];
    // The owner organisation's lead imports a file that is about to be flagged, too.
    const ownersFile = await upload(w.lead, w.caseId, spikyLog("acct_owners"), { fileName: "owners.csv" });
    const ownerJob = await jobOf(ownersFile.id, w.lead);
    // Allowed while the partner may open the file: its cells, in the preview and the refused rows.
    const before = await getUsageImport(w.partnerInvestigator, w.caseId, flaggedJob);
    expect(before).toMatchObject({ sourceClosed: false, job: { status: "VALIDATED", rowsRejected: 5 } });
    expect(before.rejects.items).toHaveLength(5);
    expect(JSON.stringify(before.preview)).toContain("acct_101");

    for (const { id } of [flagged, ownersFile])
      await flagPrivilege(w.lead, "evidence", w.caseId, id, {
        basis: "WORK_PRODUCT",
        description: "Counsel's analysis",
        version: 1,
      });
    await deleteEvidence(w.lead, w.caseId, deleted.id, { reason: "Uploaded to the wrong case." });
    await withdrawRelease(w.lead, releaseId, { reason: "Shared too early." });
    // Allowed: the owner's lead may still open the flagged file, so their import stays whole.
    const owners = await getUsageImport(w.lead, w.caseId, ownerJob);
    expect(owners).toMatchObject({ sourceClosed: false, job: { status: "VALIDATED" } });
    expect(JSON.stringify(owners.preview)).toContain("acct_owners");
    for (const jobId of [flaggedJob, deletedJob, releasedJob]) {
      // Denied: no preview, no refused rows, no validation or load; the cancel still works.
      const after = await getUsageImport(w.partnerInvestigator, w.caseId, jobId);
      expect(after).toMatchObject({ sourceClosed: true, preview: null, mapping: null, rejects: { items: [] } });
      expect(JSON.stringify(after)).not.toContain("acct_");
      expect((await listUsageImportRejects(w.partnerInvestigator, w.caseId, jobId, {})).items).toEqual([]);
      for (const input of [{ action: "validate", options: { mapping: MAPPING } }, { action: "commit" }])
        await expect(changeUsageImport(w.partnerInvestigator, w.caseId, jobId, input)).rejects.toSatisfy(
          (e) => e instanceof AppError && e.status === 403 && e.message === SOURCE_CLOSED,
        );
      expect((await getDb().importJob.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("VALIDATED");
      const cancelled = await changeUsageImport(w.partnerInvestigator, w.caseId, jobId, { action: "cancel" });
      expect(cancelled.job.status).toBe("CANCELLED");
    }
  });

  it("deletes a loaded import with its rows and signals, except under legal hold, and only by its importer or their lead", async () => {
    const w = await createJointCase();
    const ev = await upload(w.lead, w.caseId, spikyLog(), { fileName: "spiky.csv" });
    const { started } = await importAll(w.investigator, w.caseId, ev.id);
    const id = started.job.id;
    await expect(deleteUsageImport(w.partnerLead, w.caseId, id)).rejects.toSatisfy(
      (e) => e instanceof AppError && e.status === 403,
    );
    // A lead whose global role is now executive acts as a viewer: no deleting, no button.
    await getDb().user.update({ where: { id: w.lead.id }, data: { role: "EXECUTIVE" } });
    const capped = { ...w.lead, role: "EXECUTIVE" as const };
    await expect(deleteUsageImport(capped, w.caseId, id)).rejects.toSatisfy(
      (e) => e instanceof AppError && e.status === 403,
    );
    expect((await listUsageImports(capped, w.caseId))[0]!.canDelete).toBe(false);
    await getDb().user.update({ where: { id: w.lead.id }, data: { role: "INVESTIGATOR" } });
    await getDb().case.update({ where: { id: w.caseId }, data: { legalHold: true } });
    await expect(deleteUsageImport(w.lead, w.caseId, id)).rejects.toBeInstanceOf(ConflictError);
    expect(await usageImportIdsFor(w.ownerOrg.id, w.caseId)).toEqual([id]);
    await getDb().case.update({ where: { id: w.caseId }, data: { legalHold: false } });
    await deleteUsageImport(w.lead, w.caseId, id);
    expect(await usageImportIdsFor(w.ownerOrg.id, w.caseId)).toEqual([]);
    expect(await getDb().usageHourly.count({ where: { importId: id } })).toBe(0);
    expect(await getDb().usageSignal.count({ where: { caseId: w.caseId } })).toBe(0);
    // And the same file may now be imported again.
    expect((await startUsageImport(w.lead, w.caseId, { evidenceId: ev.id, preset: "gateway" })).job.status).toBe(
      "UPLOADED",
    );
  });

  it("a cancelled import leaves nothing behind: its staged rows and rollups go with the cancel", async () => {
    const w = await createJointCase();
    const id = await validatedImport(w, spikyLog());
    const validated = await leftBehind(w.caseId, id);
    expect(validated.table).toBe(true);
    expect(validated.rollups).toBeGreaterThan(0);
    const { job } = await changeUsageImport(w.investigator, w.caseId, id, { action: "cancel" });
    expect(job.status).toBe("CANCELLED");
    expect(await leftBehind(w.caseId, id)).toEqual({ table: false, rollups: 0 });
    expect(await usageImportIdsFor(w.ownerOrg.id, w.caseId)).toEqual([]);
  });

  it("a cancel leaves a validating import's rows to its run, which discards them when it finds it cancelled", async () => {
    const w = await createJointCase();
    const id = await validatedImport(w, spikyLog());
    await changeUsageImport(w.investigator, w.caseId, id, { action: "validate", options: { mapping: MAPPING } });
    // A runner has claimed the job; the cancel comes before it starts.
    const claimed = await claimJob(id);
    expect(claimed?.status).toBe("VALIDATING");
    await changeUsageImport(w.investigator, w.caseId, id, { action: "cancel" });
    expect((await leftBehind(w.caseId, id)).table).toBe(true);
    await usageImportSteps.validate(claimed!);
    expect(await leftBehind(w.caseId, id)).toEqual({ table: false, rollups: 0 });
    expect((await getUsageImport(w.investigator, w.caseId, id)).job.status).toBe("CANCELLED");
  });

  it("a cancel during validation stops the run: it reads no more of the file and keeps nothing", async () => {
    const w = await createJointCase();
    // Long enough to outlast a progress write or two (a second at most) on a fast machine.
    const file = longLog(1_000_000, true);
    const ev = await upload(w.lead, w.caseId, file, { fileName: "long.csv" });
    const started = await startUsageImport(w.investigator, w.caseId, { evidenceId: ev.id, preset: "gateway" });
    const id = started.job.id;
    await changeUsageImport(w.investigator, w.caseId, id, { action: "validate", options: { mapping: MAPPING } });
    const reads = watchBlobReads();
    let running: Promise<void> | undefined;
    try {
      running = usageImportSteps.validate((await claimJob(id))!); // its errors fail the test
      // Once the run has read some rows (its progress shows), and while it still runs.
      const job = () =>
        getDb().importJob.findUniqueOrThrow({ where: { id }, select: { status: true, rowsProcessed: true } });
      await expect.poll(async () => (await job()).rowsProcessed > 0, { timeout: 60_000, interval: 10 }).toBe(true);
      expect((await job()).status).toBe("VALIDATING");
      await changeUsageImport(w.investigator, w.caseId, id, { action: "cancel" });
      await running;
      expect((await job()).status).toBe("CANCELLED");
      expect(await leftBehind(w.caseId, id)).toEqual({ table: false, rollups: 0 });
      // The file was closed with part of it unread (a run read to the end reads it all: below).
      const stream = await reads.lastFile();
      expect(stream.destroyed).toBe(true);
      expect(stream.bytesRead).toBeLessThan(file.length);
      // Nor is its refused row kept: the job is cancelled.
      expect(await getDb().importRowError.count({ where: { jobId: id } })).toBe(0);
    } finally {
      reads.restore();
      await running?.catch(() => {});
    }
  }, 120_000);

  it("a run that is not cancelled reads its whole file, closes it, and keeps its refused rows", async () => {
    const w = await createJointCase();
    const file = longLog(50_000, true);
    const reads = watchBlobReads();
    try {
      const id = await validatedImport(w, file);
      const stream = await reads.lastFile();
      expect(stream.bytesRead).toBe(file.length);
      expect(stream.destroyed).toBe(true);
      expect(await getDb().importRowError.findMany({ where: { jobId: id }, select: { line: true } })).toEqual([
        { line: 2 },
      ]);
    } finally {
      reads.restore();
    }
  });

  // The embedded database is one session for every connection: its advisory locks never refuse.
  it.skipIf(onEmbeddedTestDatabase())(
    "a cancel while another process holds the import leaves its rows to the storage sweep",
    async () => {
      const w = await createJointCase();
      const id = await validatedImport(w, spikyLog());
      await withPgClient(async (client) => {
        await holdAdvisoryLock(client, usageImportLock(id));
        const { job } = await changeUsageImport(w.investigator, w.caseId, id, { action: "cancel" });
        expect(job.status).toBe("CANCELLED");
        expect((await leftBehind(w.caseId, id)).table).toBe(true);
        // Nor does the sweep touch it while the lock is held.
        await dropAbandonedImports();
        expect((await leftBehind(w.caseId, id)).table).toBe(true);
      });
      await dropAbandonedImports();
      expect(await leftBehind(w.caseId, id)).toEqual({ table: false, rollups: 0 });
    },
  );

  it("the storage sweep discards the tables of failed and cancelled imports, and keeps validated and loaded ones", async () => {
    const w = await createJointCase();
    const { started: loaded } = await importAll(
      w.investigator,
      w.caseId,
      (await upload(w.lead, w.caseId, GATEWAY, { fileName: "gateway.csv" })).id,
    );
    const [kept, failed, cancelled] = [
      await validatedImport(w, longLog(10)),
      await validatedImport(w, longLog(11)),
      await validatedImport(w, longLog(12)),
    ];
    // As a crash, or a cancel whose discard was left to a run that died, leaves them.
    await getDb().importJob.update({ where: { id: failed }, data: { status: "FAILED" } });
    await getDb().importJob.update({ where: { id: cancelled }, data: { status: "CANCELLED" } });
    expect((await leftBehind(w.caseId, cancelled)).table).toBe(true);

    expect(await dropAbandonedImports()).toBeGreaterThanOrEqual(2);
    expect(await leftBehind(w.caseId, failed)).toEqual({ table: false, rollups: 0 });
    expect(await leftBehind(w.caseId, cancelled)).toEqual({ table: false, rollups: 0 });
    expect((await leftBehind(w.caseId, kept)).table).toBe(true);
    expect((await leftBehind(w.caseId, loaded.job.id)).table).toBe(true);
    // The validated one still loads; the loaded one is still read.
    await changeUsageImport(w.investigator, w.caseId, kept, { action: "commit" });
    await runImportJob(kept);
    expect((await getUsageImport(w.investigator, w.caseId, kept)).job).toMatchObject({
      status: "COMMITTED",
      rowsValid: 10,
    });
    expect((await usageImportIdsFor(w.ownerOrg.id, w.caseId)).sort()).toEqual([loaded.job.id, kept].sort());
  });

  it("the storage sweep drops the tables a crash left with no job, and never a loaded import's", async () => {
    const w = await createJointCase();
    // Staged by hand, with no job row: as a crash between making the tables and the job leaves them.
    const orphan = randomUUID();
    await withPgClient((client) => prepareImportTable(client, { caseId: w.caseId, importId: orphan }));
    // Loaded with no job row (the test helper's way): attached, so never the sweep's.
    const { importId: loaded } = await loadUsage([{ account: "acct_1", hour: 0, requests: 3 }], w.caseId);
    expect(await leftBehind(w.caseId, orphan)).toEqual({ table: true, rollups: 0 });

    await dropAbandonedImports();
    expect(await leftBehind(w.caseId, orphan)).toEqual({ table: false, rollups: 0 });
    expect((await leftBehind(w.caseId, loaded)).table).toBe(true);
  });

  it("the storage sweep discards a validated import left unloaded for a week; loading it asks for a new validation", async () => {
    const w = await createJointCase();
    const [stale, recent] = [await validatedImport(w, longLog(13)), await validatedImport(w, longLog(14))];
    const weekAgo = new Date(Date.now() - IMPORT_FILE_KEPT_MS);
    // Left a week and a minute, and a week less a minute.
    await getDb().importJob.update({ where: { id: stale }, data: { updatedAt: new Date(weekAgo.getTime() - 60_000) } });
    await getDb().importJob.update({
      where: { id: recent },
      data: { updatedAt: new Date(weekAgo.getTime() + 60_000) },
    });

    await dropAbandonedImports();
    expect(await leftBehind(w.caseId, stale)).toEqual({ table: false, rollups: 0 });
    expect((await leftBehind(w.caseId, recent)).table).toBe(true);

    await expectValidateAgainThenLoads(w, stale, 13);
  });

  it("a load whose validated rows are gone fails, asking for a new validation, which then loads", async () => {
    const w = await createJointCase();
    const id = await validatedImport(w, longLog(20));
    await getDb().$executeRawUnsafe(`DROP TABLE ${importTable({ importId: id })}`);
    await expectValidateAgainThenLoads(w, id, 20);
  });

  it("a lead of either organisation sets the thresholds, and the signals follow; an investigator cannot", async () => {
    const w = await createJointCase();
    const ev = await upload(w.lead, w.caseId, spikyLog(), { fileName: "spiky.csv" });
    await importAll(w.lead, w.caseId, ev.id);
    const rules = async () =>
      (await getDb().usageSignal.findMany({ where: { caseId: w.caseId, viewerOrgId: w.partnerOrg.id } })).map(
        (s) => s.rule,
      );
    expect(await rules()).toContain("volume_spike@1");
    await expect(updateSignalSettings(w.investigator, w.caseId, { spikeMinRequests: 10_000 })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.status === 403,
    );
    await updateSignalSettings(w.partnerLead, w.caseId, { spikeMinRequests: 10_000 });
    expect(await rules()).not.toContain("volume_spike@1");
    await expect(updateSignalSettings(w.lead, w.caseId, { spikeFactor: "lots" })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.status === 400,
    );
    await updateSignalSettings(w.lead, w.caseId, {});
    await recomputeSignals(w.investigator, w.caseId);
    expect(await rules()).toContain("volume_spike@1");
  });
});
