import { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { runImportJob } from "@/lib/jobs/runner";
import { changeImport, createImport, exportImportRejects, getImport, listImportRejects } from "@/lib/timeline/import";
import { MAX_RECORD_CHARS, readRecords, type TRecord } from "@/lib/ingest/records";
import { parseTime } from "@/lib/timeline/import-parse";
import { listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import type { TActor } from "@/lib/auth/session";
import { createJointCase, uid } from "@/tests/helpers/factories";
import { streamOf } from "@/tests/helpers/evidence";

const MAPPING = { occurredAt: "time", title: "title", category: "category", source: "source", description: "notes" };
const events = (caseId: string) => getDb().timelineEvent.count({ where: { caseId } });
const caseUpdatedAt = async (caseId: string) =>
  (await getDb().case.findUniqueOrThrow({ where: { id: caseId }, select: { updatedAt: true } })).updatedAt;

async function importFile(
  actor: TActor,
  caseId: string,
  bytes: Buffer,
  fileName = "events.csv",
  options: Record<string, unknown> = {},
) {
  const { job, preview } = await createImport(actor, caseId, {
    body: streamOf(bytes),
    fileName,
    contentLength: String(bytes.length),
  });
  const v = await changeImport(actor, caseId, job.id, {
    action: "validate",
    options: { mapping: MAPPING, timeZone: "America/Los_Angeles", ...options },
  });
  expect(v.run).toBe(true);
  await runImportJob(job.id);
  return { jobId: job.id, preview, validated: (await getImport(actor, caseId, job.id)).job };
}

async function commit(actor: TActor, caseId: string, jobId: string) {
  await changeImport(actor, caseId, jobId, { action: "commit" });
  await runImportJob(jobId);
  return (await getImport(actor, caseId, jobId)).job;
}

afterEach(() => vi.restoreAllMocks());

/** The first transaction that inserts into "TimelineEvent" fails at its next statement. */
function failAfterInsert(message: string) {
  const db = getDb();
  const transaction = db.$transaction.bind(db) as (work: unknown, options: unknown) => Promise<unknown>;
  let failed = false;
  vi.spyOn(db, "$transaction").mockImplementation(((work: (tx: object) => Promise<unknown>, options: unknown) =>
    transaction(async (tx: object) => {
      let inserted = false;
      const failing = new Proxy(tx, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver);
          if (failed || typeof value !== "function" || typeof key !== "string" || !key.startsWith("$")) return value;
          return (...args: unknown[]) => {
            if (inserted) {
              failed = true;
              throw new Error(message);
            }
            inserted = String((args[0] as string[] | undefined)?.join?.("")).includes('INSERT INTO "TimelineEvent"');
            return value.apply(target, args);
          };
        },
      });
      return work(failing);
    }, options)) as never);
}

/** Every record of `bytes` read as CSV, the file arriving in chunks of `size` bytes. */
async function recordsOf(bytes: Buffer, size: number): Promise<TRecord[]> {
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
    bytes.subarray(i * size, (i + 1) * size),
  );
  const out: TRecord[] = [];
  for await (const batch of readRecords(Readable.from(chunks), "CSV")) out.push(...batch);
  return out;
}

describe("CSV reading", () => {
  const csv = Buffer.from(
    ["\uFEFFtime,title", '1,"a\r\nb"', "", '2,"é, ü"', '3,"bad"quote', "4,five", '5,"x ""y"""'].join("\r\n") + "\r\n",
  );

  it("gives the same records and line numbers however the file is cut into chunks (CRLF, BOM, UTF-8 split mid-character)", async () => {
    const whole = await recordsOf(csv, csv.length);
    expect(whole).toEqual([
      { line: 2, values: { time: "1", title: "a\nb" } },
      { line: 5, values: { time: "2", title: "é, ü" } },
      {
        line: 6,
        error: "Trailing quote on quoted field is malformed: this record runs on to line 8; check its quotes.",
      },
    ]);
    const fixed = Buffer.from(csv.toString().replace('"bad"quote', '"bad quote"'));
    expect((await recordsOf(fixed, 5)).slice(2)).toEqual([
      { line: 6, values: { time: "3", title: "bad quote" } },
      { line: 7, values: { time: "4", title: "five" } },
      { line: 8, values: { time: "5", title: 'x "y"' } },
    ]);
    for (const size of [1, 2, 3, 7, 64]) expect(await recordsOf(csv, size)).toEqual(whole);
  });

  it("a quote never closed fails the read naming the line, instead of buffering the rest of the file", async () => {
    const open = Buffer.from(`time,title\n1,fine\n2,"never closed\n${"x,y\n".repeat(MAX_RECORD_CHARS / 4 + 10)}`);
    await expect(recordsOf(open, 64 * 1024)).rejects.toThrow(/^Line 3: a record longer than .* never closed/);
  });
});

describe("timeline import", () => {
  it("reads a CSV with a BOM, CRLF, quoted commas and newlines; reports every bad row by line; commits the rest once", async () => {
    const w = await createJointCase();
    const marker = uid();
    const csv = [
      "\uFEFFtime,title,category,source,notes", // line 1
      `2026-01-15T09:00,"Signup, burst ${marker}",account creation,billing,plain`, // 2
      `2026-01-15 10:00:00,Key minted ${marker},API_ACCESS,gateway,"two`, // 3
      `lines, and a ""quote"""`, // 4 (same record)
      `not a time,Bad time,API_ACCESS,gateway,x`, // 5
      `2026-01-16T09:00Z,,API_ACCESS,gateway,no title`, // 6
      `2026-01-16T09:00Z,Unknown cat,GOSSIP,gateway,x`, // 7
      `2026-01-16T09:00Z,Too,few`, // 8
      "", // 9: blank, skipped
      `2026-01-15T09:00,"Signup, burst ${marker}",account creation,billing,plain`, // 10: duplicate of line 2
      `2026-03-08T02:30,Skipped hour,DETECTION,ids,x`, // 11: does not exist in Los Angeles
      `1736935200Z,Weird,DETECTION,ids,x`, // 12
    ].join("\r\n");
    const { jobId, preview, validated } = await importFile(w.investigator, w.caseId, Buffer.from(csv));
    expect(preview.columns).toEqual(["time", "title", "category", "source", "notes"]);
    expect(preview.rows[1]!.notes).toBe('two\nlines, and a "quote"');
    // An unknown category (GOSSIP) is no longer a refusal: the row goes to Other, the value kept.
    expect(validated).toMatchObject({ status: "VALIDATED", rowsValid: 3, rowsRejected: 5, rowsDuplicate: 1 });
    expect(validated.stats).toMatchObject({ categories: [{ value: "GOSSIP", rows: 1, to: "unmapped" }] });
    const { items } = await listImportRejects(w.investigator, w.caseId, jobId, {});
    expect(items.map((r) => r.line)).toEqual([5, 6, 8, 11, 12]);
    expect(items[0]!.reason).toMatch(/^time: "not a time" is not a time in any known format/);
    expect(items[1]!.reason).toMatch(/title is empty/);
    expect(items[2]!.reason).toMatch(/Expected 5 columns, found 3/);
    expect(items[3]!.reason).toMatch(/does not exist in America\/Los_Angeles/);
    expect(await events(w.caseId)).toBe(0); // validation writes no events

    expect(await commit(w.investigator, w.caseId, jobId)).toMatchObject({
      status: "COMMITTED",
      rowsInserted: 3,
      rowsExisting: 0,
    });
    const gossip = (await listTimelineEvents(w.partnerLead, w.caseId, ZTimelineFilters.parse({ q: "GOSSIP" }))).items;
    expect(gossip.map((e) => [e.title, e.category, e.attributes])).toEqual([
      ["Unknown cat", "OTHER", { category: "GOSSIP" }],
    ]);
    const listed = (await listTimelineEvents(w.partnerLead, w.caseId, ZTimelineFilters.parse({ q: marker }))).items;
    expect(listed.map((e) => [e.occurredAt, e.title, e.category])).toEqual([
      ["2026-01-15T17:00:00.000Z", `Signup, burst ${marker}`, "ACCOUNT_CREATION"],
      ["2026-01-15T18:00:00.000Z", `Key minted ${marker}`, "API_ACCESS"],
    ]);
    expect(listed[1]!.description).toBe('two\nlines, and a "quote"');

    // The same file again: nothing new.
    const again = await importFile(w.investigator, w.caseId, Buffer.from(csv));
    expect(again.validated).toMatchObject({ rowsValid: 3, rowsExisting: 3 }); // counted before the commit
    expect(await commit(w.investigator, w.caseId, again.jobId)).toMatchObject({
      status: "COMMITTED",
      rowsInserted: 0,
      rowsExisting: 3,
    });
    expect(await events(w.caseId)).toBe(3);
    const audit = await getDb().auditEvent.findMany({ where: { caseId: w.caseId, action: "timeline.imported" } });
    expect(audit).toHaveLength(2);
  });

  it(
    "a 100 MB file: exact counts, every bad row by line, and a re-run adds nothing",
    // About 20 s on PostgreSQL. The in-memory embedded database writes each COPY slower than the
    // last as its files grow (PGlite alone: 1.8, 4.1, 12.6, 18.0 and 23.3 s for five equal 50,000-row
    // COPYs into one table): about 170 s here when the machine is quiet.
    { timeout: 600_000 },
    async () => {
      const w = await createJointCase();
      const marker = uid();
      const padding = "x".repeat(430); // ~500-byte rows: 100 MB in ~200,000 rows
      const lines = ["time,title,category,source,notes"];
      const bad: number[] = [];
      let valid = 0;
      let size = 0;
      for (let i = 0; size < 100 * 1024 * 1024; i++, size += lines.at(-1)!.length + 1) {
        const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
        if (i % 20_000 === 7) {
          lines.push(`${at},,API_ACCESS,gw,no title ${padding}`); // refused: empty title
          bad.push(lines.length);
        } else if (i % 25_000 === 11) {
          lines.push(lines.at(-1)!); // a repeat of the row before
        } else {
          lines.push(`${at},row ${i} ${marker},API_ACCESS,gw-${i % 7},"${padding}, ${i}"`);
          valid++;
        }
      }
      const bytes = Buffer.from(lines.join("\n") + "\n");
      expect(bytes.length).toBeGreaterThanOrEqual(100 * 1024 * 1024);
      const repeats = lines.length - 1 - valid - bad.length;

      const first = await importFile(w.investigator, w.caseId, bytes);
      expect(first.validated).toMatchObject({
        status: "VALIDATED",
        rowsProcessed: lines.length - 1,
        rowsValid: valid,
        rowsRejected: bad.length,
        rowsDuplicate: repeats,
      });
      expect((await listImportRejects(w.investigator, w.caseId, first.jobId, { limit: 1000 })).items).toEqual(
        bad.map((line) => ({ line, reason: "title: the title is empty." })),
      );
      expect(await commit(w.investigator, w.caseId, first.jobId)).toMatchObject({
        status: "COMMITTED",
        rowsProcessed: lines.length - 1,
        rowsInserted: valid,
        rowsExisting: 0,
      });
      expect(await events(w.caseId)).toBe(valid);

      const again = await importFile(w.investigator, w.caseId, bytes);
      expect(await commit(w.investigator, w.caseId, again.jobId)).toMatchObject({
        status: "COMMITTED",
        rowsInserted: 0,
        rowsExisting: valid,
      });
      expect(await events(w.caseId)).toBe(valid);
    },
  );

  it("JSONL with epoch seconds and milliseconds, common log format, and a row id for de-duplication", async () => {
    const w = await createJointCase();
    const lines = [
      JSON.stringify({ id: "a1", ts: 1768496400, msg: "epoch seconds" }),
      "{not json",
      JSON.stringify({ id: "a2", ts: 1768496400, msg: "same time, other id" }),
      JSON.stringify({ id: "a1", ts: 1768496999, msg: "same id: a duplicate" }),
      "[1,2]",
      '{"id":"a3","ts":1768496400,"msg":"half a pair \\ud800"}',
      JSON.stringify({ id: "a4", ts: 1768496400, msg: "nul \u0000 inside" }),
    ].join("\n");
    const mapping = { occurredAt: "ts", title: "msg", externalId: "id" };
    const { jobId, validated } = await importFile(w.lead, w.caseId, Buffer.from(lines), "events.jsonl", {
      mapping,
      timeFormat: "epoch_s",
    });
    expect(validated).toMatchObject({ rowsValid: 2, rowsRejected: 4, rowsDuplicate: 1 });
    expect((await listImportRejects(w.lead, w.caseId, jobId, {})).items).toEqual([
      { line: 2, reason: "Not valid JSON." },
      { line: 5, reason: "Each line must be a JSON object." },
      { line: 6, reason: "msg: contains a NUL character or broken Unicode." },
      { line: 7, reason: "msg: contains a NUL character or broken Unicode." },
    ]);
    expect((await commit(w.lead, w.caseId, jobId)).rowsInserted).toBe(2);
    expect(parseTime("1768496400000", "epoch_ms", "UTC")).toEqual(new Date("2026-01-15T17:00:00Z"));
    expect(parseTime("[15/Jan/2026:09:00:00 -0800]", "clf", "UTC")).toEqual(new Date("2026-01-15T17:00:00Z"));
    expect(parseTime("2026-07-15T09:00", "iso", "America/Los_Angeles")).toEqual(new Date("2026-07-15T16:00:00Z"));
    expect(parseTime("2026-07-15T09:00:00+02:00", "iso", "America/Los_Angeles")).toEqual(
      new Date("2026-07-15T07:00:00Z"),
    );
    expect(parseTime("9000000000", "epoch_s", "UTC")).toMatch(/outside 1970–2199/);
    expect(parseTime("15/Jan/2026 09:00", "clf", "UTC")).toMatch(/common log format/);
  });

  it("cancel writes nothing; a committed import cannot be cancelled or committed twice", async () => {
    const w = await createJointCase();
    const { jobId } = await importFile(
      w.investigator,
      w.caseId,
      Buffer.from(`time,title\n2026-01-01T00:00Z,one ${uid()}\n`),
      "e.csv",
      { mapping: { occurredAt: "time", title: "title" } },
    );
    await changeImport(w.investigator, w.caseId, jobId, { action: "cancel" });
    await expect(changeImport(w.investigator, w.caseId, jobId, { action: "commit" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await runImportJob(jobId);
    expect(await events(w.caseId)).toBe(0);
    expect((await getImport(w.investigator, w.caseId, jobId)).job.status).toBe("CANCELLED");
  });

  it("a failure part-way through the commit leaves nothing; the job resumes and imports every row exactly once", async () => {
    const w = await createJointCase();
    const rows = Array.from(
      { length: 12_000 },
      (_, i) => `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}Z,row ${i},API_ACCESS,gw,`,
    );
    const bytes = Buffer.from(["time,title,category,source,notes", ...rows].join("\n"));
    const { jobId } = await importFile(w.investigator, w.caseId, bytes);
    // The connection dies after the rows went in, before the transaction ends.
    failAfterInsert("connection reset by the database");
    const failed = await commit(w.investigator, w.caseId, jobId);
    expect(failed).toMatchObject({ status: "FAILED", error: "connection reset by the database" });
    expect(await events(w.caseId)).toBe(0);

    // A process that died mid-commit leaves the job COMMITTING with a stale heartbeat; the next
    // status poll starts it again.
    await getDb().importJob.update({
      where: { id: jobId },
      data: { status: "COMMITTING", heartbeatAt: new Date(Date.now() - 10 * 60_000) },
    });
    await getImport(w.investigator, w.caseId, jobId);
    await expect
      .poll(async () => (await getImport(w.investigator, w.caseId, jobId)).job.status, { timeout: 20_000 })
      .toBe("COMMITTED");
    expect(await events(w.caseId)).toBe(12_000);
    await runImportJob(jobId); // nothing to do: not claimable any more
    expect(await events(w.caseId)).toBe(12_000);
  });

  it("authorization: non-members 404, viewers 403, nobody but the uploader sees the job", async () => {
    const w = await createJointCase();
    const file = () => ({
      body: streamOf(Buffer.from("time,title\n2026-01-01T00:00Z,x\n")),
      fileName: "e.csv",
      contentLength: null,
    });
    await expect(createImport(w.outsider, w.caseId, file())).rejects.toBeInstanceOf(NotFoundError);
    await expect(createImport(w.viewer, w.caseId, file())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createImport(w.lead, w.caseId, { ...file(), fileName: "e.exe" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const { job } = await createImport(w.investigator, w.caseId, file());
    await expect(getImport(w.lead, w.caseId, job.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getImport(w.partnerLead, w.caseId, job.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(changeImport(w.partnerLead, w.caseId, job.id, { action: "cancel" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getImport(w.outsider, w.caseId, job.id)).rejects.toBeInstanceOf(NotFoundError);
    // The full list of rejected rows (the file read again) is the uploader's alone, once validated.
    for (const other of [w.lead, w.partnerLead, w.outsider])
      await expect(exportImportRejects(other, w.caseId, job.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(exportImportRejects(w.investigator, w.caseId, job.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(
      changeImport(w.investigator, w.caseId, job.id, { action: "validate", options: { mapping: { occurredAt: "" } } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("de-duplication is per organisation: the partner's equal rows neither reveal nor collide with our hidden events", async () => {
    const w = await createJointCase();
    const file = Buffer.from(`time,title\n2026-01-01T00:00Z,hidden ${uid()}\n`);
    const options = { mapping: { occurredAt: "time", title: "title" } };
    const ours = await importFile(w.investigator, w.caseId, file, "e.csv", {
      ...options,
      visibility: "OWNER_ORG_ONLY",
    });
    const start = await caseUpdatedAt(w.caseId);
    expect(await commit(w.investigator, w.caseId, ours.jobId)).toMatchObject({ rowsInserted: 1, rowsExisting: 0 });
    // The case's updated time moves only for events every organisation sees.
    expect(await caseUpdatedAt(w.caseId)).toEqual(start);
    const theirs = await importFile(w.partnerInvestigator, w.caseId, file, "e.csv", options);
    expect(await commit(w.partnerInvestigator, w.caseId, theirs.jobId)).toMatchObject({
      rowsInserted: 1,
      rowsExisting: 0,
    });
    const shared = await caseUpdatedAt(w.caseId);
    const job = await getDb().importJob.findUniqueOrThrow({ where: { id: theirs.jobId } });
    expect(shared.getTime()).toBeGreaterThanOrEqual(job.createdAt.getTime());
    expect(shared.getTime()).toBeGreaterThan(start.getTime());
    const again = await importFile(w.lead, w.caseId, file, "e.csv", options);
    expect(await commit(w.lead, w.caseId, again.jobId)).toMatchObject({ rowsInserted: 0, rowsExisting: 1 });
    expect(await caseUpdatedAt(w.caseId)).toEqual(shared); // nothing new
  });

  it("on a release-controlled case imported events are owner-org-only, hidden from the partner", async () => {
    const w = await createJointCase({ releaseMode: "LEAD_RELEASE" });
    const { jobId } = await importFile(
      w.investigator,
      w.caseId,
      Buffer.from(`time,title\n2026-01-01T00:00Z,x ${uid()}\n`),
      "e.csv",
      { mapping: { occurredAt: "time", title: "title" }, visibility: "ALL_CASE_ORGS" },
    );
    await commit(w.investigator, w.caseId, jobId);
    expect((await listTimelineEvents(w.lead, w.caseId, ZTimelineFilters.parse({}))).items).toHaveLength(1);
    expect((await listTimelineEvents(w.partnerLead, w.caseId, ZTimelineFilters.parse({}))).items).toHaveLength(0);
  });
});
