import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  cellsOfRow,
  createRedactor,
  fieldIndex,
  readUsageCells,
  toUsageRow,
  USAGE_COLUMNS,
  type TUsageCells,
  type TUsageRow,
} from "@/lib/usage/parse";
import type { TRecord } from "@/lib/ingest/records";
import { holdsCardNumber } from "@/lib/ingest/secrets";
import { isPlainIpv4 } from "@/lib/usage/parse";
import { readUsageBatches, readUsageRecords } from "@/lib/usage/read";
import { ZUsageOptions, defaultMapping, type TUsagePreset } from "@/lib/usage/schemas";

const FIXTURES = path.resolve(import.meta.dirname, "../../tests/fixtures/usage");
const fixture = (name: string) => createReadStream(path.join(FIXTURES, name), { highWaterMark: 97 }); // small chunks on purpose
const redact = createRedactor("test-redaction-key");

type TOutcome = { line: number; row: TUsageRow } | { line: number; reason: string };

/** Reads a file the way an import does: preset reader → the preset's mapping for its columns → rows. */
async function importFile(input: Readable, preset: TUsagePreset, extra: Record<string, unknown> = {}) {
  const records: TRecord[] = [];
  for await (const batch of readUsageRecords(input, preset)) records.push(...batch);
  const columns = [...new Set(records.flatMap((r) => ("values" in r ? Object.keys(r.values) : [])))];
  const options = ZUsageOptions.parse({ preset, mapping: defaultMapping(preset, columns), ...extra });
  return records.map((r): TOutcome => {
    if ("error" in r) return { line: r.line, reason: r.error };
    const row = toUsageRow(r.values, options, redact);
    return typeof row === "string" ? { line: r.line, reason: row } : { line: r.line, row };
  });
}

const rows = (outcomes: TOutcome[]) => outcomes.flatMap((o) => ("row" in o ? [{ line: o.line, ...o.row }] : []));
const reasons = (outcomes: TOutcome[]) => outcomes.flatMap((o) => ("reason" in o ? [[o.line, o.reason]] : []));

describe("usage import: gateway request log", () => {
  it("reads a CSV with a BOM, CRLF, quoted commas and line breaks, and mixed time formats; refuses bad rows by line", async () => {
    const outcomes = await importFile(fixture("gateway.csv"), "gateway");
    const good = rows(outcomes);
    expect(good.map((r) => [r.line, r.accountId, r.occurredAt.toISOString()])).toEqual([
      [2, "acct_101", "2026-11-02T10:00:00.000Z"],
      [3, "acct_101", "2026-11-02T10:00:01.000Z"], // epoch seconds
      [4, "acct_102", "2026-11-02T10:00:02.000Z"], // epoch milliseconds in the same column
      [5, "acct_103", "2026-11-02T10:00:03.000Z"],
      [11, "acct_108", "2026-11-02T10:00:08.000Z"],
      [13, "acct_110", "2026-11-02T10:00:10.000Z"],
    ]);
    expect(good[0]).toMatchObject({
      projectId: "org_A",
      apiKeyId: "key_a1",
      ip: "203.0.113.7",
      userAgent: "python-requests/2.32, extractor",
      model: "gpt-4o",
      endpoint: "/v1/chat/completions",
      inputTokens: 120,
      outputTokens: 3900,
      requests: 1,
      bucketSeconds: 0,
      statusCode: 200,
      rateLimited: false,
      paymentFingerprint: "pf_9f1c",
      deviceFingerprint: "dev_77",
    });
    expect(good[2]).toMatchObject({ ip: "2001:db8::1", statusCode: 429, rateLimited: true }); // 429 and no flag
    expect(good[3]).toMatchObject({ ip: "198.51.100.9", userAgent: "multi\nline agent", rateLimited: false });
    expect(good[4]).toMatchObject({ ip: "198.51.100.13", rateLimited: true }); // port dropped; "yes"
    expect(good[5]).toMatchObject({ ip: null, statusCode: 500 }); // masked at the source
    expect(reasons(outcomes)).toEqual([
      [7, 'Client IP: "not-an-ip" is not an IP address.'],
      [8, 'Input tokens: "ten" is not a whole number.'],
      [9, expect.stringMatching(/^Payment-instrument fingerprint: holds what looks like a full payment card number/)],
      [10, expect.stringMatching(/^Time: "20261102" is too short to tell/)],
      [12, "Expected 14 columns, found 4."],
    ]);
  });

  it("the bulk loader's reading of cells by index gives the same rows and reasons as the reading by name", async () => {
    const byName = await importFile(fixture("gateway.csv"), "gateway");
    const byIndex: ({ line: number; cells: TUsageCells } | { line: number; reason: string })[] = [];
    for await (const batch of readUsageBatches(fixture("gateway.csv"), "gateway")) {
      expect(batch.columns).not.toBeNull(); // a plain CSV: arrays of cells
      const options = ZUsageOptions.parse({ preset: "gateway", mapping: defaultMapping("gateway", batch.columns!) });
      const index = fieldIndex(batch.columns!, options.mapping);
      for (const r of batch.records) {
        if ("error" in r) byIndex.push({ line: r.line, reason: r.error });
        else if ("cells" in r) {
          const out: TUsageCells = new Array(USAGE_COLUMNS.length);
          const reason = readUsageCells(r.cells, index, options, redact, out);
          // The time is kept as written when it is already canonical: compare the instant.
          if (reason === null) out[0] = new Date(out[0]!).toISOString();
          byIndex.push(reason === null ? { line: r.line, cells: out } : { line: r.line, reason });
        }
      }
    }
    expect(byIndex).toEqual(byName.map((o) => ("row" in o ? { line: o.line, cells: cellsOfRow(o.row) } : o)));
  });

  it("never keeps a secret key: it becomes prefix, last four and a keyed hash that links equal keys", async () => {
    const [row] = rows(await importFile(fixture("gateway.csv"), "gateway")).filter((r) => r.accountId === "acct_102");
    expect(row!.apiKeyId).toMatch(/^sk-proj-…1234#[0-9a-f]{16}$/);
    expect(row!.apiKeyId).not.toContain("AbCdEfGh");
    expect(redact("sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234")).toBe(row!.apiKeyId);
    expect(createRedactor("another-key")("sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234")).not.toBe(row!.apiKeyId);
  });

  it("finds a secret key wherever a value hides it, and never quotes a secret or card number in a reason", async () => {
    const key = "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
    const card = "4111111111111111";
    const header = "time,account_id,client_ip,user_agent,endpoint,input_tokens,status_code,rate_limited";
    const lines = [
      `2026-11-02T10:00:00Z,a,1.2.3.4,x_${key},/v1/chat?key%3D${key},1,200,false`,
      `2026-11-02T10:00:01Z,a,1.2.3.4,${key.toUpperCase()},Bearer%20${key},1,200,false`,
      `2026-11-02T10:00:02Z,a,1.2.3.4,desk-reservation-system-production,/v1,1,200,false`, // a word, not a key
      `2026-11-02T10:00:03Z,a,${key},ua,/v1,1,200,false`,
      `2026-11-02T10:00:04Z,a,1.2.3.4,ua,/v1,1,${card},false`,
      `2026-11-02T10:00:05Z,a,1.2.3.4,ua,/v1,${card},200,false`,
      `2026-11-02T10:00:06Z,a,1.2.3.4,ua,/v1,1,200,${key}`,
      `${key},a,1.2.3.4,ua,/v1,1,200,false`,
      `2026-11-02T10:00:08Z,a,1.2.3.4,4111.1111.1111.1111,/v1,1,200,false`,
    ];
    const outcomes = await importFile(Readable.from([`${header}\n${lines.join("\n")}\n`]), "gateway");
    const kept = rows(outcomes);
    expect(kept.map((r) => r.line)).toEqual([2, 3, 4]);
    for (const r of kept.slice(0, 2)) expect(`${r.userAgent} ${r.endpoint}`).not.toMatch(/abcdefghijklmnop/i);
    expect(kept[0]!.endpoint).toMatch(/^\/v1\/chat\?key%3Dsk-…GHIJ#[0-9a-f]{16}$/);
    expect(kept[1]!.userAgent).toMatch(/^SK-…GHIJ#[0-9a-f]{16}$/);
    expect(kept[2]!.userAgent).toBe("desk-reservation-system-production");
    const refused = reasons(outcomes);
    expect(refused.map(([line]) => line)).toEqual([5, 6, 7, 8, 9, 10]);
    for (const [, reason] of refused) {
      expect(reason).not.toMatch(/abcdefghijklmnop/i);
      expect(reason).not.toContain("41111111");
    }
    expect(refused[0]).toEqual([5, 'Client IP: "[secret key]" is not an IP address.']);
    expect(refused[1]).toEqual([
      6,
      "HTTP status: a value that looks like a payment card number is not an HTTP status code.",
    ]);
    expect(refused[5]![1]).toMatch(/^User agent: holds what looks like a full payment card number/);
  });

  it("refuses addresses a library would read as another address, and bucket ends past 31 days", async () => {
    const header = "time,account_id,client_ip";
    const ips = ["010.0.0.1", "2130706433", "0x7f.1", "fe80::1%eth0", "::ffff:0x7f.0.0.1", "10.0.0.1", "[fe80::1]:443"];
    const csv = `${header}\n${ips.map((ip, i) => `2026-11-02T10:00:0${i}Z,a,${ip}`).join("\n")}\n`;
    const outcomes = await importFile(Readable.from([csv]), "gateway");
    expect(rows(outcomes).map((r) => r.ip)).toEqual(["10.0.0.1", "fe80::1"]);
    expect(reasons(outcomes)).toEqual([
      [2, 'Client IP: "010.0.0.1" is not written a.b.c.d in decimal; read otherwise, it would name another address.'],
      [3, 'Client IP: "2130706433" is not written a.b.c.d in decimal; read otherwise, it would name another address.'],
      [4, 'Client IP: "0x7f.1" is not written a.b.c.d in decimal; read otherwise, it would name another address.'],
      [5, 'Client IP: "fe80::1%eth0" names a network interface (%…), which is not stored.'],
      [
        6,
        'Client IP: "::ffff:0x7f.0.0.1" is not written a.b.c.d in decimal; read otherwise, it would name another address.',
      ],
    ]);

    const page = (start: number, end: number) => ({
      object: "bucket",
      start_time: start,
      end_time: end,
      results: [{ object: "organization.usage.completions.result", input_tokens: 1, num_model_requests: 1 }],
    });
    const json = JSON.stringify({ object: "page", data: [page(1_761_955_200, 1_761_958_800), page(100_000_000, 7e9)] });
    const buckets = await importFile(Readable.from([json]), "openai_usage");
    expect(rows(buckets).map((r) => r.bucketSeconds)).toEqual([3600]);
    expect(reasons(buckets)).toEqual([[expect.any(Number), "Bucket end: the bucket is longer than 31 days."]]);
  });

  it("reads gzip-compressed JSON Lines the same way, whatever the file is called", async () => {
    const text = [
      JSON.stringify({
        timestamp: "2026-11-02T10:00:00Z",
        account_id: "acct_1",
        client_ip: "203.0.113.1",
        output_tokens: 10,
      }),
      "not json",
      JSON.stringify({
        timestamp: 1793613601123,
        account_id: "acct_2",
        user_agent: "ua with sk-AbCdEfGhIjKlMnOpQrStUvWxYz in it",
      }),
    ].join("\n");
    const outcomes = await importFile(Readable.from([gzipSync(Buffer.from(text))]), "gateway");
    expect(rows(outcomes).map((r) => [r.line, r.accountId, r.occurredAt.toISOString()])).toEqual([
      [1, "acct_1", "2026-11-02T10:00:00.000Z"],
      [3, "acct_2", "2026-11-02T10:00:01.123Z"],
    ]);
    expect(rows(outcomes)[1]!.userAgent).toMatch(/^ua with sk-…WxYz#[0-9a-f]{16} in it$/);
    expect(reasons(outcomes)).toEqual([[2, "Not valid JSON."]]);
  });
});

describe("usage import: OpenAI organisation usage export", () => {
  it("reads each bucket's results with the bucket's width; a negative count refuses its row", async () => {
    const outcomes = await importFile(fixture("openai-usage-completions.json"), "openai_usage");
    expect(rows(outcomes)).toEqual([
      expect.objectContaining({
        line: 1,
        occurredAt: new Date("2026-11-02T00:00:00Z"),
        bucketSeconds: 86_400,
        accountId: "user-acct_201",
        projectId: "proj_subjectA1",
        apiKeyId: "key_AbC123",
        model: "gpt-4o-2024-08-06",
        inputTokens: 152_000,
        outputTokens: 4_810_000,
        cachedTokens: 0,
        requests: 1210,
      }),
      expect.objectContaining({ line: 1, accountId: "user-acct_202", cachedTokens: 12_000, requests: 800 }),
    ]);
    expect(reasons(outcomes)).toEqual([[3, 'Input tokens: "-5" is not a whole number.']]);
  });

  it("reads an array of pages and JSON Lines of pages alike, a bucket at a time", async () => {
    const page = JSON.parse(readFileSync(path.join(FIXTURES, "openai-usage-completions.json"), "utf8"));
    const asArray = JSON.stringify([page, page]);
    const asLines = `${JSON.stringify(page)}\n${JSON.stringify(page)}\n`;
    for (const text of [asArray, asLines]) {
      const outcomes = await importFile(Readable.from([text.slice(0, 333), text.slice(333)]), "openai_usage");
      expect(rows(outcomes).map((r) => r.line)).toEqual([1, 1, 4, 4]);
    }
  });

  it("a file that is not JSON fails with a plain message", async () => {
    await expect(importFile(Readable.from(['{"data": [ {"start_time": 1, ']), "openai_usage")).rejects.toThrow(
      /The file is not valid JSON/,
    );
  });
});

describe("usage import: Azure Monitor resource logs (AzureDiagnostics CSV)", () => {
  it("reads the Log Analytics time, the resource, the operation and the fields inside properties_s", async () => {
    const outcomes = await importFile(fixture("azure-diagnostics.csv"), "azure_diagnostics");
    expect(rows(outcomes)).toEqual([
      expect.objectContaining({
        line: 2,
        occurredAt: new Date("2026-11-02T10:15:30.123Z"),
        accountId: "a1b2c3d4-0000-4000-8000-000000000301",
        projectId: expect.stringMatching(/ACCOUNTS\/AOAI-EASTUS-01$/),
        ip: null, // Azure masks the last octet
        model: "gpt-4o-prod",
        endpoint: "ChatCompletions_Create",
        statusCode: 200,
        rateLimited: false,
        requests: 1,
      }),
      expect.objectContaining({ line: 3, statusCode: 429, rateLimited: true }),
      expect.objectContaining({ line: 4, occurredAt: new Date("2026-11-02T13:05:00.000Z"), model: "embed-large" }),
    ]);
    expect(reasons(outcomes)).toEqual([[5, "properties_s is not a JSON object."]]);
  });
});

describe("payment card numbers", () => {
  it.each([
    ["4111 1111 1111 1111", true],
    ["5555-5555-5555-4444", true],
    ["378282246310005", true],
    ["pf_4111111111111111", true],
    ["4111 1111 1111 1112", false], // fails Luhn
    ["1234567812345670", false], // no card network starts with 1
    ["pf_9f1c", false],
    ["2026-11-02", false],
    ["4111.1111.1111.1111", true], // grouped by dots
    ["4111111111111111.0", true], // a card column written as a float
    ["card 4111111111111111.", true],
    ["4111 1111 1111 1111.", true],
    ["no.4111111111111111", true],
    ["203.113.100.114", false], // an address: twelve digits at most
    ["python-httpx/agent 4111111111111111", true], // the digits come late in a long value
    ["/v1/chat/completions/4111111111111111", true],
    ["/v1/chat/completions/411111111111", false], // twelve digits: too few left once the text starts
  ])("%s → %s", (text, expected) => {
    expect(holdsCardNumber(text)).toBe(expected);
  });
});

describe("dotted IPv4 addresses", () => {
  // What isPlainIpv4 must agree with: the dotted decimal PostgreSQL writes.
  const DOTTED = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

  it.each([
    ["0.0.0.0", true],
    ["255.255.255.255", true],
    ["192.0.2.10", true],
    ["256.0.0.1", false],
    ["010.0.0.1", false], // a leading zero: octal to some readers
    ["1.2.3", false],
    ["1.2.3.4.5", false],
    ["1..2.3", false],
    ["1.2.3.4.", false],
    [".1.2.3.4", false],
    ["1.2.3.1000", false],
    ["1.2.3.4 ", false],
    ["::ffff:1.2.3.4", false],
  ])("%s → %s", (text, expected) => {
    expect(isPlainIpv4(text)).toBe(expected);
    expect(DOTTED.test(text)).toBe(expected);
  });

  it("agrees with the dotted-decimal pattern on random strings of digits and dots", () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    let valid = 0;
    for (let n = 0; n < 100_000; n++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 16) }, () =>
        random() < 0.25 ? "." : String(Math.floor(random() * 10)),
      ).join("");
      expect(isPlainIpv4(text), text).toBe(DOTTED.test(text));
      if (DOTTED.test(text)) valid++;
    }
    expect(valid).toBeGreaterThan(100); // the valid side is exercised too
  });
});
