import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createRedactor } from "@/lib/usage/parse";
import { ZUsageOptions, defaultMapping } from "@/lib/usage/schemas";
import { EVERY_COLUMN, TimeSpread } from "@/lib/usage/load";
import { usageCopyChunks } from "@/lib/usage/stage";

// The bulk loader's text: what COPY will read back, whatever the cells hold.

const HEADER = "time,account_id,api_key_id,client_ip,user_agent,input_tokens,output_tokens";

/** COPY text's rows as cells, escapes undone (as PostgreSQL reads them). */
function readCopy(text: string): (string | null)[][] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((row) =>
      row
        .split("\t")
        .map((cell) =>
          cell === "\\N"
            ? null
            : cell.replace(/\\(.)/g, (_, c: string) => (c === "t" ? "\t" : c === "n" ? "\n" : c === "r" ? "\r" : c)),
        ),
    );
}

/** Where a row's user agent is, in the text the default layout writes. */
const AGENT = EVERY_COLUMN.columns().split(", ").indexOf('"userAgent"');

async function stage(csv: string, chunkSize: number, spread?: TimeSpread) {
  const options = ZUsageOptions.parse({ preset: "gateway", mapping: defaultMapping("gateway", HEADER.split(",")) });
  const chunks = Array.from({ length: Math.ceil(csv.length / chunkSize) }, (_, i) =>
    Buffer.from(csv.slice(i * chunkSize, (i + 1) * chunkSize)),
  );
  let text = "";
  for await (const chunk of usageCopyChunks(Readable.from(chunks), options, createRedactor("k"), {
    spread,
    onReject: (line, reason) => {
      throw new Error(`line ${line}: ${reason}`);
    },
  }))
    text += "text" in chunk ? chunk.text : "";
  return readCopy(text);
}

describe("usage rows as COPY text", () => {
  it("escapes a tab, a backslash, a CR or a newline wherever it sits, and writes plain batches as they are", async () => {
    const plainRows = Array.from(
      { length: 50 },
      (_, i) => `2026-11-02T10:00:${String(i).padStart(2, "0")}Z,acct_${i},key_1,192.0.2.1,curl/8.5,10,20`,
    );
    const csv = [
      HEADER,
      ...plainRows,
      "2026-11-02T11:00:00Z,acct_a,key_1,192.0.2.1,C:\\agent\\x,10,20", // unquoted backslashes
      '2026-11-02T11:00:01Z,acct_b,key_1,192.0.2.1,"two\nlines",10,20',
      "2026-11-02T11:00:02Z,acct_c,key_1,192.0.2.1,tab\there,10,20",
      "2026-11-02T11:00:03Z,acct_d,key_1,192.0.2.1,lone\rcr,10,20",
      ...plainRows,
    ].join("\n");
    // Small chunks: batches with and without the odd characters, split anywhere.
    for (const chunkSize of [64, 700, csv.length]) {
      const rows = await stage(csv, chunkSize);
      expect(rows).toHaveLength(104);
      const agents = rows.map((r) => r[AGENT]);
      expect(agents.slice(50, 54)).toEqual(["C:\\agent\\x", "two\nlines", "tab\there", "lone\rcr"]);
      expect(new Set([...agents.slice(0, 50), ...agents.slice(54)])).toEqual(new Set(["curl/8.5"]));
      expect(rows.every((r) => r.length === rows[0]!.length)).toBe(true);
      expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: 104 }, (_, i) => i + 1)); // seq
    }
  });

  it("tells the time spread each staged row's time, in file order, whatever format the file wrote it in", async () => {
    const base = Date.UTC(2026, 10, 2) / 1000;
    const rows = 20 * TimeSpread.BLOCK_ROWS;
    // In order, odd rows ISO and even rows epoch seconds; then one row in 100 a year ahead.
    const csvOf = (stray: (i: number) => boolean) =>
      [
        HEADER,
        ...Array.from({ length: rows }, (_, i) => {
          const s = base + i + (stray(i) ? 365 * 86_400 : 0);
          return `${i % 2 ? new Date(s * 1000).toISOString() : s},acct_${i % 7},key_1,192.0.2.1,curl/8.5,10,20`;
        }),
      ].join("\n");
    const spreadOf = async (csv: string) => {
      const spread = new TimeSpread();
      expect(await stage(csv, 1 << 16, spread)).toHaveLength(rows);
      return spread.strayed();
    };
    expect(await spreadOf(csvOf(() => false))).toBe(false);
    // Strays among the epoch rows only, then among the ISO rows only (read by the shortcut).
    expect(await spreadOf(csvOf((i) => i % 100 === 50))).toBe(true);
    expect(await spreadOf(csvOf((i) => i % 100 === 51))).toBe(true);
  });
});
