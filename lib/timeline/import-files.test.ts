import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { exportTimeline } from "@/lib/timeline/export";
import { exportImportRejects, listImportRejects } from "@/lib/timeline/import";
import { guessMapping, presetOptions } from "@/lib/timeline/import-presets";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { getTimelineOptions, listTimelineEvents } from "@/lib/timeline/queries";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { createJointCase } from "@/tests/helpers/factories";
import {
  commitTimelineImport,
  importAsWizard,
  timelineFixture,
  uploadTimelineFile,
  validateTimelineImport,
} from "@/tests/helpers/timeline-import";

// Files in the shapes real tools write (tests/fixtures/timeline): a mixed-format export, Timesketch
// CSV and JSONL, plaso psort l2tcsv and dynamic, and our own CSV and JSON exports read back.

const all = ZTimelineFilters.parse({});
async function listed(actor: TActor, caseId: string, q?: string) {
  return (await listTimelineEvents(actor, caseId, ZTimelineFilters.parse(q ? { q } : {}), { limit: 500 })).items;
}
/** What an event is, less what a copy in another case cannot share (ids, author, organisation). */
const essence = (e: Awaited<ReturnType<typeof listed>>[number]) => ({
  occurredAt: e.occurredAt,
  endsAt: e.endsAt,
  title: e.title,
  description: e.description,
  category: e.category,
  customCategory: e.customCategory,
  source: e.source,
  confidence: e.confidence,
  attributes: e.attributes,
});
async function text(chunks: AsyncGenerator<string>) {
  let out = "";
  for await (const c of chunks) out += c;
  return out;
}

describe("a mixed-format export (BOM, CRLF, quoted newlines, bad rows, repeats)", () => {
  const file = timelineFixture("mixed-export.csv");

  it("automatic times: every row at its true UTC time or refused with its line and reason; counts per format", async () => {
    const w = await createJointCase();
    const { jobId, preset, validated } = await importAsWizard(w.investigator, w.caseId, file, "mixed-export.csv");
    expect(preset).toBe("guess");
    expect(validated).toMatchObject({
      status: "VALIDATED",
      rowsProcessed: 13,
      rowsValid: 7,
      rowsRejected: 4,
      rowsDuplicate: 2,
      rowsExisting: 0,
    });
    expect(validated.stats).toEqual({
      timeFormats: { iso: 2, epoch_s: 2, epoch_ms: 1, rfc2822: 1, epoch_us: 1, clf: 1, epoch_ns: 1 },
      categories: [{ value: "Write time", rows: 1, to: "unmapped" }],
      titlesSplit: 0,
    });
    expect((await listImportRejects(w.investigator, w.caseId, jobId, {})).items).toEqual([
      {
        line: 8,
        reason: 'time: "20261102" is too short to tell which time it is: choose the time format explicitly.',
      },
      {
        line: 9,
        reason: 'time: "yesterday" is not a time in any known format (ISO 8601, epoch, RFC 2822, common log format).',
      },
      { line: 10, reason: "event: the title is empty." },
      { line: 11, reason: "Expected 5 columns, found 2." },
    ]);
    // The full list as a download reads the file again and says the same.
    const { fileName, chunks } = await exportImportRejects(w.investigator, w.caseId, jobId);
    expect(fileName).toBe("mixed-export-rejected.csv");
    expect((await text(chunks)).split("\r\n").map((l) => l.split(",")[0])).toEqual(["line", "8", "9", "10", "11", ""]);

    expect(await commitTimelineImport(w.investigator, w.caseId, jobId)).toMatchObject({
      status: "COMMITTED",
      rowsProcessed: 13,
      rowsInserted: 7,
      rowsExisting: 0,
    });
    const events = await listed(w.partnerLead, w.caseId);
    expect(events.map((e) => [e.occurredAt, e.title, e.category, e.description, e.attributes])).toEqual(
      [
        ["2026-11-02T10:00:00.123Z", "Login from new device", "DETECTION", "plain", { host: "web-01" }],
        ["2026-11-02T11:00:00.000Z", "Key created", "API_ACCESS", "rotated\nkey", { host: "gw-02" }],
        ["2026-11-02T12:00:00.500Z", "Burst of requests", "EXTRACTION", "ms", { host: "gw-02" }],
        ["2026-11-02T12:00:00.000Z", "Payment added", "PAYMENT", "rfc", { host: "billing" }],
        ["2026-11-02T14:00:00.000Z", "Export started", "OTHER", "us", { host: "fs-01", category: "Write time" }],
        ["2026-11-02T15:00:00.000Z", "Proxy request", "API_ACCESS", "clf", { host: "proxy" }],
        ["2026-11-02T16:00:00.000Z", "Nanosecond event", "DETECTION", "ns", { host: "edr-01" }],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const early = await getDb().timelineEvent.count({
      where: { caseId: w.caseId, occurredAt: { lt: new Date("2000-01-01") } },
    });
    expect(early).toBe(0); // no 1970

    // Again: validation already says every row is on the timeline; the commit adds nothing.
    const again = await importAsWizard(w.investigator, w.caseId, file, "mixed-export.csv");
    expect(again.validated).toMatchObject({ rowsValid: 7, rowsDuplicate: 2, rowsExisting: 7 });
    expect(await commitTimelineImport(w.investigator, w.caseId, again.jobId)).toMatchObject({
      rowsInserted: 0,
      rowsExisting: 7,
    });
    expect(await getDb().timelineEvent.count({ where: { caseId: w.caseId } })).toBe(7);
  });

  it("an explicit unit refuses the values of another unit, naming it, instead of dating them 1970", async () => {
    const w = await createJointCase();
    const { jobId, validated } = await importAsWizard(w.investigator, w.caseId, file, "mixed-export.csv", {
      timeFormat: "epoch_ms",
    });
    expect(validated).toMatchObject({ rowsValid: 1, rowsRejected: 12, rowsDuplicate: 0 });
    expect(validated.stats).toMatchObject({ timeFormats: { epoch_ms: 1 } });
    const reasons = new Map(
      (await listImportRejects(w.investigator, w.caseId, jobId, {})).items.map((r) => [r.line, r.reason]),
    );
    expect(reasons.get(3)).toBe(
      'time: "1793617200" looks like epoch seconds (2026-11-02T11:00:00.000Z), not milliseconds: check the time format.',
    );
    expect(reasons.get(7)).toBe(
      'time: "1793628000000000" looks like epoch microseconds (2026-11-02T14:00:00.000Z), not milliseconds: check the time format.',
    );
    expect(reasons.get(16)).toMatch(/looks like epoch nanoseconds \(2026-11-02T16:00:00\.000Z\)/);
    expect(reasons.get(2)).toBe('time: "2026-11-02T10:00:00.123Z" is not a number of milliseconds.');
    expect([...reasons.keys()]).toEqual([2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16]);
  });
});

describe("Timesketch files", () => {
  it("CSV: datetime and message are mapped, long messages split, extra columns kept, categories mapped as chosen", async () => {
    const w = await createJointCase();
    const file = timelineFixture("timesketch-evtx.csv");
    const { job, preview } = await uploadTimelineFile(w.investigator, w.caseId, file, "evtx_part.csv");
    // The guess for any file prefers datetime over timestamp and the message over event_identifier.
    expect(guessMapping(preview.columns)).toMatchObject({
      occurredAt: "datetime",
      title: "message",
      category: "timestamp_desc",
      source: "data_type",
      externalId: "",
    });
    const first = await importAsWizard(w.investigator, w.caseId, file, "evtx_part.csv");
    expect(first.preset).toBe("timesketch");
    expect(first.validated).toMatchObject({ rowsValid: 4, rowsRejected: 0 });
    expect(first.validated.stats).toEqual({
      timeFormats: { iso: 4 },
      categories: [
        { value: "Event Recorded", rows: 2, to: "unmapped" },
        { value: "Creation Time", rows: 1, to: "unmapped" },
        { value: "Write time", rows: 1, to: "unmapped" },
      ],
      titlesSplit: 2,
    });

    // The mapping step's choices: one value to a built-in category, one added as the case's own,
    // one left in Other with the value kept.
    const { timeZone: _zone, ...options } = presetOptions("timesketch", preview.columns);
    const validated = await validateTimelineImport(w.investigator, w.caseId, job.id, {
      ...options,
      categoryMap: {
        "Event Recorded": { to: "builtin", category: "DETECTION" },
        "write time": { to: "custom", name: "Write time" },
      },
    });
    expect(validated.stats).toMatchObject({
      categories: [
        { value: "Event Recorded", rows: 2, to: "builtin" },
        { value: "Creation Time", rows: 1, to: "unmapped" },
        { value: "Write time", rows: 1, to: "custom" },
      ],
    });
    expect(await commitTimelineImport(w.investigator, w.caseId, job.id)).toMatchObject({ rowsInserted: 4 });
    const events = await listed(w.partnerInvestigator, w.caseId);
    expect(events.map((e) => [e.occurredAt, e.title, e.category, e.customCategory, e.source])).toEqual([
      ["2020-12-03T10:40:00.123Z", "An account was successfully logged on.", "DETECTION", null, "windows:evtx:record"],
      ["2020-12-03T10:41:00.000Z", "An account was successfully logged on.", "DETECTION", null, "windows:evtx:record"],
      [
        "2020-12-03T10:42:00.500Z",
        "[7045 / 0x1b85] Service installed: PSEXESVC",
        "OTHER",
        "Write time",
        "windows:evtx:record",
      ],
      [
        "2020-12-03T10:43:00.000Z",
        "=cmd|' /C calc'!A0 (a log line that looks like a formula)",
        "OTHER",
        null,
        "fs:stat",
      ],
    ]);
    expect(events[0]!.description).toMatch(/^An account was successfully logged on\.\n\nSubject:\n\tSecurity ID:/);
    expect(events[0]!.description).toMatch(/Source Port:\t\t49832$/);
    // Mapped to a built-in category, the file's own value is kept with the event.
    expect(events[0]!.attributes).toEqual({
      timestamp: "1606992000123456",
      event_identifier: "4624",
      source_name: "Microsoft-Windows-Security-Auditing",
      computer_name: "WKSTN-01.corp.example",
      timestamp_desc: "Event Recorded",
    });
    expect(events[2]!.attributes).not.toHaveProperty("timestamp_desc"); // its case category is the value
    expect(events[3]!.attributes).toEqual({
      timestamp: "1606992180000000",
      computer_name: "WKSTN-01.corp.example",
      timestamp_desc: "Creation Time",
    });
    // Attributes are searchable; the case's own category is a filter.
    expect((await listed(w.partnerInvestigator, w.caseId, "203.0.113.9")).map((e) => e.occurredAt)).toEqual([
      "2020-12-03T10:41:00.000Z",
    ]);
    expect((await listed(w.partnerInvestigator, w.caseId, "Creation Time")).length).toBe(1);
    const custom = await listTimelineEvents(w.lead, w.caseId, ZTimelineFilters.parse({ customCategory: "Write time" }));
    expect(custom.items.map((e) => e.title)).toEqual(["[7045 / 0x1b85] Service installed: PSEXESVC"]);
  });

  it("JSONL: the microsecond timestamp reads as the same instant as datetime; extra fields kept", async () => {
    const w = await createJointCase();
    const file = timelineFixture("timesketch-sigma.jsonl");
    const byDatetime = await importAsWizard(w.investigator, w.caseId, file, "sigma_events.jsonl");
    expect(byDatetime.preset).toBe("timesketch");
    expect(byDatetime.validated).toMatchObject({ rowsValid: 3, rowsRejected: 0 });
    await commitTimelineImport(w.investigator, w.caseId, byDatetime.jobId);

    const w2 = await createJointCase();
    const byTimestamp = await importAsWizard(w2.investigator, w2.caseId, file, "sigma_events.jsonl", {
      mapping: { occurredAt: "timestamp", title: "message", category: "timestamp_desc" },
      timeFormat: "epoch_us",
    });
    expect(byTimestamp.validated).toMatchObject({ rowsValid: 3, stats: { timeFormats: { epoch_us: 3 } } });
    await commitTimelineImport(w2.investigator, w2.caseId, byTimestamp.jobId);

    const a = await listed(w.lead, w.caseId);
    const b = await listed(w2.lead, w2.caseId);
    expect(a.map((e) => e.occurredAt)).toEqual([
      "2020-12-03T11:40:00.000Z",
      "2020-12-03T11:41:00.250Z",
      "2020-12-03T11:42:00.000Z",
    ]);
    expect(b.map((e) => e.occurredAt)).toEqual(a.map((e) => e.occurredAt));
    expect(a[0]!.attributes).toEqual({
      timestamp: "1606995600000000",
      tag: '["sigma"]',
      ts_ttp: "T1059.001",
      hostname: "WKSTN-07",
      timestamp_desc: "Event Recorded",
    });
    expect((await listed(w.lead, w.caseId, "T1003")).map((e) => e.title)).toEqual(["Mimikatz command line"]);
  });
});

describe("plaso psort outputs", () => {
  it("l2tcsv: date and time columns joined, each row in its own time zone, the broken date refused", async () => {
    const w = await createJointCase();
    const { jobId, preset, validated } = await importAsWizard(
      w.investigator,
      w.caseId,
      timelineFixture("plaso-l2tcsv.csv"),
      "psort.csv",
    );
    expect(preset).toBe("plaso_l2tcsv");
    expect(validated).toMatchObject({ rowsValid: 3, rowsRejected: 1, stats: { timeFormats: { mdy: 3 } } });
    expect((await listImportRejects(w.investigator, w.caseId, jobId, {})).items).toEqual([
      { line: 5, reason: 'date: "00/00/0000 00:00:00": that date does not exist.' },
    ]);
    await commitTimelineImport(w.investigator, w.caseId, jobId);
    const events = await listed(w.lead, w.caseId);
    expect(events.map((e) => [e.occurredAt, e.title, e.source, e.attributes?.type, e.attributes?.MACB])).toEqual([
      ["2012-04-20T22:38:46.000Z", "/Users/analyst/notes.txt", "FILE", "Content Modification Time", "M..."],
      ["2012-04-20T22:38:46.000Z", "/Users/analyst/notes.txt", "FILE", "Last Access Time", ".A.."],
      [
        "2012-04-21T07:15:00.000Z",
        "[HKCU\\Software\\Run] Updater: C:\\Temp\\u.exe",
        "REG",
        "Content Modification Time",
        "M...",
      ],
    ]);
    expect(events[2]!.description).toBe(
      "[HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run] Updater: [REG_SZ] C:\\Temp\\u.exe",
    );
    expect(events[0]!.attributes).toMatchObject({
      sourcetype: "NTFS MFT",
      inode: "31337",
      extra: "file_size: 1024 is_allocated: True",
    });
  });

  it("dynamic: datetime, message, timestamp_desc; source_long and parser kept", async () => {
    const w = await createJointCase();
    const { jobId, preset, validated } = await importAsWizard(
      w.investigator,
      w.caseId,
      timelineFixture("plaso-dynamic.csv"),
      "psort-dynamic.csv",
    );
    expect(preset).toBe("plaso_dynamic");
    expect(validated).toMatchObject({ rowsValid: 2, rowsRejected: 0 });
    await commitTimelineImport(w.investigator, w.caseId, jobId);
    const events = await listed(w.lead, w.caseId);
    expect(events.map((e) => [e.occurredAt, e.title, e.source, e.attributes])).toEqual([
      [
        "2012-04-20T22:38:46.000Z",
        "TSK:/Users/analyst/notes.txt Type: file",
        "FILE",
        {
          timestamp_desc: "Content Modification Time",
          source_long: "NTFS MFT",
          parser: "mft",
          display_name: "TSK:/$MFT",
          tag: "-",
        },
      ],
      [
        "2012-04-21T07:15:00.000Z",
        "https://paste.example/raw/abc (Paste) [count: 3]",
        "WEBHIST",
        {
          timestamp_desc: "Last Visited Time",
          source_long: "Chrome History",
          parser: "chrome_history",
          display_name: "TSK:/Users/analyst/History",
          tag: "-",
        },
      ],
    ]);
  });
});

describe("our own exports read back", () => {
  it("CSV and JSON exports import into a new case as identical events; a second import adds nothing", async () => {
    const w = await createJointCase();
    const source = await importAsWizard(w.investigator, w.caseId, timelineFixture("timesketch-evtx.csv"), "evtx.csv", {
      categoryMap: { "write time": { to: "custom", name: "Write time" } },
    });
    await commitTimelineImport(w.investigator, w.caseId, source.jobId);
    const original = (await listed(w.investigator, w.caseId)).map(essence);
    expect(original).toHaveLength(4);

    const csv = await text(exportTimeline(w.investigator, w.caseId, all, "csv"));
    const json = await text(exportTimeline(w.investigator, w.caseId, all, "json"));
    expect(csv).toContain(`,'=cmd|' /C calc'!A0`); // formula-safe in the file

    for (const [bytes, name] of [
      [Buffer.from(csv), "timeline.csv"],
      [Buffer.from(json), "timeline.json"],
    ] as const) {
      const to = await createJointCase();
      const first = await importAsWizard(to.investigator, to.caseId, bytes, name);
      expect(first.preset).toBe("casebridge");
      expect(first.validated).toMatchObject({ rowsValid: 4, rowsRejected: 0, rowsDuplicate: 0 });
      await commitTimelineImport(to.investigator, to.caseId, first.jobId);
      expect((await listed(to.investigator, to.caseId)).map(essence)).toEqual(original);

      // The other export into the same case, and the same one again: nothing new.
      for (const [b, n] of [
        [Buffer.from(csv), "timeline.csv"],
        [Buffer.from(json), "timeline.json"],
      ] as const) {
        const again = await importAsWizard(to.investigator, to.caseId, b, n);
        expect(again.validated).toMatchObject({ rowsValid: 4, rowsExisting: 4 });
        expect(await commitTimelineImport(to.investigator, to.caseId, again.jobId)).toMatchObject({ rowsInserted: 0 });
      }
      expect(await getDb().timelineEvent.count({ where: { caseId: to.caseId } })).toBe(4);
    }
  });
});

describe("the case's own categories", () => {
  it("are the names its visible events carry: set by hand too, filtered on, never shown past an event's visibility", async () => {
    const w = await createJointCase();
    const add = (customCategory: string, visibility: string) =>
      createTimelineEvent(w.investigator, w.caseId, {
        occurredAt: "2026-11-02T10:00:00Z",
        timeZone: "UTC",
        title: `${customCategory} event`,
        category: "OTHER",
        customCategory,
        visibility,
      });
    await add("Key rotation", "ALL_CASE_ORGS");
    await add("Internal lead", "OWNER_ORG_ONLY");
    expect((await getTimelineOptions(w.lead, w.caseId)).customCategories).toEqual(["Internal lead", "Key rotation"]);
    expect((await getTimelineOptions(w.partnerLead, w.caseId)).customCategories).toEqual(["Key rotation"]);
    const filtered = await listTimelineEvents(
      w.partnerLead,
      w.caseId,
      ZTimelineFilters.parse({ customCategory: "Internal lead" }),
    );
    expect(filtered.items).toEqual([]);
    await expect(add("x".repeat(101), "ALL_CASE_ORGS")).rejects.toMatchObject({
      fieldErrors: { customCategory: ["A case category can be at most 100 characters."] },
    });
  });
});

describe("compressed files and byte order marks", () => {
  it("gzip-compressed CSV, JSONL and JSON arrays (a BOM in each) import as their plain files do", async () => {
    const w = await createJointCase();
    const plain = await importAsWizard(w.investigator, w.caseId, timelineFixture("timesketch-evtx.csv"), "evtx.csv");
    await commitTimelineImport(w.investigator, w.caseId, plain.jobId);
    const jsonl = timelineFixture("timesketch-sigma.jsonl");
    await commitTimelineImport(
      w.investigator,
      w.caseId,
      (await importAsWizard(w.investigator, w.caseId, jsonl, "sigma.jsonl")).jobId,
    );
    const original = (await listed(w.investigator, w.caseId)).map(essence);
    expect(original).toHaveLength(7);
    const json = await text(exportTimeline(w.investigator, w.caseId, all, "json"));

    const BOM = Buffer.from("\uFEFF");
    for (const [bytes, name] of [
      [gzipSync(Buffer.concat([BOM, timelineFixture("timesketch-evtx.csv")])), "evtx_part.csv.gz"],
      [gzipSync(Buffer.concat([BOM, jsonl])), "sigma_events.jsonl.GZ"],
      [Buffer.concat([BOM, jsonl]), "sigma_events.jsonl"],
      [gzipSync(Buffer.concat([BOM, Buffer.from(json)])), "timeline.json.gz"],
      [Buffer.concat([BOM, Buffer.from(json)]), "timeline.json"],
      [gzipSync(Buffer.from(json)), "renamed.json"], // decided by content, not by the name
    ] as const) {
      const to = await createJointCase();
      const { job, preview } = await uploadTimelineFile(to.investigator, to.caseId, bytes, name);
      expect(job.format, name).toBe(name.includes(".csv") ? "CSV" : name.includes(".jsonl") ? "JSONL" : "JSON");
      expect(preview.columns[0], name).not.toMatch(/^\uFEFF/);
      const imported = await importAsWizard(to.investigator, to.caseId, bytes, name);
      expect(imported.validated, name).toMatchObject({ rowsRejected: 0, status: "VALIDATED" });
      await commitTimelineImport(to.investigator, to.caseId, imported.jobId);
      const events = (await listed(to.investigator, to.caseId)).map(essence);
      const expected = name.includes(".csv")
        ? original.slice(0, 4)
        : name.includes(".jsonl")
          ? original.slice(4)
          : original;
      expect(events, name).toEqual(expected);
    }
  });

  it("a damaged or cut-short gzip file is refused at upload with a reason (400), and no job is made", async () => {
    const w = await createJointCase();
    const packed = gzipSync(timelineFixture("timesketch-evtx.csv"));
    for (const bytes of [
      packed.subarray(0, packed.length - 20),
      Buffer.concat([packed.subarray(0, 10), Buffer.alloc(50, 7)]),
    ]) {
      const refused = await uploadTimelineFile(w.investigator, w.caseId, bytes, "evtx.csv.gz").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect(refused).toMatchObject({
        status: 400,
        message: expect.stringMatching(/gzip-compressed but cannot be un-gzipped/),
      });
    }
    for (const name of ["evtx.gz", "evtx.csv.zip", "evtx.tar.gz"])
      await expect(uploadTimelineFile(w.investigator, w.caseId, packed, name)).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(/gzip-compressed \(\.csv\.gz\) or not/),
      });
    expect(await getDb().importJob.count({ where: { caseId: w.caseId } })).toBe(0);
  });

  it("a file that is not text (a PNG renamed .csv, UTF-16) is refused at upload with a reason (400), and no job is made", async () => {
    const w = await createJointCase();
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(64, 1)]);
    const utf16 = Buffer.from("\uFEFFtime,title\n2026-11-01T00:00:00Z,x\n", "utf16le");
    for (const [bytes, name, reason] of [
      [png, "events.csv", /not text: its content is a PNG image/],
      [gzipSync(png), "events.csv.gz", /not text: its content is a PNG image/],
      [utf16, "events.csv", /not UTF-8 text: it holds NUL bytes/],
    ] as const)
      await expect(uploadTimelineFile(w.investigator, w.caseId, bytes, name)).rejects.toMatchObject({
        status: 400,
        message: expect.stringMatching(reason),
      });
    expect(await getDb().importJob.count({ where: { caseId: w.caseId } })).toBe(0);
  });
});
