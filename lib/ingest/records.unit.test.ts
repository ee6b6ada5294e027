import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { countBytes, peek, readPreview, readRecords } from "@/lib/ingest/records";

describe("countBytes", () => {
  it("counts every byte read, and loses none to a reader that starts after an await", async () => {
    const parts = ["time,account\n", "2026-11-01T00:00:00Z,acct_1\n", "2026-11-01T00:00:01Z,acct_2\n"];
    let counted = 0;
    const counter = countBytes(Readable.from(parts.map((p) => Buffer.from(p))), (n) => (counted += n));
    await sleep(20);
    const read: Buffer[] = [];
    for await (const chunk of counter) read.push(chunk as Buffer);
    expect(Buffer.concat(read).toString()).toBe(parts.join(""));
    expect(counted).toBe(parts.join("").length);
  });

  it("passes the input's error on to the reader", async () => {
    const failing = new Readable({ read: () => failing.destroy(new Error("disk gone")) });
    const counter = countBytes(failing, () => {});
    await expect(async () => {
      for await (const _ of counter);
    }).rejects.toThrow("disk gone");
  });
});

describe("peek", () => {
  it("gives every byte from the start, and closes its input when its reader stops early", async () => {
    const parts = ["time,", "account\n", "2026-11-01T00:00:00Z,acct_1\n"].map((p) => Buffer.from(p));
    const whole = await peek(Readable.from(parts));
    expect(whole.head.toString()).toBe("time,");
    const read: Buffer[] = [];
    for await (const chunk of whole.stream) read.push(chunk as Buffer);
    expect(Buffer.concat(read).toString()).toBe(Buffer.concat(parts).toString());

    // A reader that stops after the first chunk (a cancelled import): the input is not left open.
    const input = Readable.from(parts);
    const { stream } = await peek(input);
    for await (const _chunk of stream) break;
    await sleep(10);
    expect(input.destroyed).toBe(true);
  });
});

describe("reading records refuses what is not text", () => {
  const read = async (bytes: Buffer) => {
    const rows = [];
    for await (const batch of readRecords(Readable.from([bytes]), "CSV")) rows.push(...batch);
    return rows;
  };
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    Buffer.from("IHDR"),
  ]);

  it("names a known binary format, compressed or not", async () => {
    await expect(read(png)).rejects.toThrow("The file is not text: its content is a PNG image.");
    await expect(read(gzipSync(png))).rejects.toThrow("The file is not text: its content is a PNG image.");
  });

  it("refuses NUL bytes (UTF-16 text included), and reads UTF-8 text, compressed or not", async () => {
    const utf16 = Buffer.from("\uFEFFtime,title\n2026-11-01T00:00:00Z,x\n", "utf16le");
    await expect(read(utf16)).rejects.toThrow(/not UTF-8 text: it holds NUL bytes/);
    const csv = Buffer.from("time,title\n2026-11-01T00:00:00Z,Café\n");
    for (const bytes of [csv, gzipSync(csv)])
      expect(await read(bytes)).toEqual([{ line: 2, values: { time: "2026-11-01T00:00:00Z", title: "Café" } }]);
  });
});

describe("reading a compressed file bounds the work it can cause", () => {
  const readAll = async (records: AsyncGenerator<unknown[]>) => {
    let n = 0;
    for await (const batch of records) n += batch.length;
    return n;
  };

  it("refuses a file that un-gzips to over 200 times its size, and reads an ordinary one", async () => {
    const bomb = gzipSync(Buffer.alloc(24 << 20, "\n")); // about 24 KB
    await expect(readAll(readRecords(Readable.from([bomb]), "CSV"))).rejects.toThrow(/possible decompression bomb/);
    const rows = Array.from({ length: 200_000 }, (_, i) => `2026-11-01T00:00:00Z,acct_${i % 997},${i}`);
    const log = gzipSync(`time,account,n\n${rows.join("\n")}\n`);
    expect(await readAll(readRecords(Readable.from([log]), "CSV"))).toBe(200_000);
  });

  it("a preview reads 16 MiB at most: a file of blank lines is refused there, not read to its end", async () => {
    const blank = Buffer.alloc(17 << 20, "\n");
    await expect(readPreview(Readable.from([blank]), "CSV")).rejects.toThrow(/first 16 MiB .* hold no rows/);
    // Large records (a log with prompts in it) are previewed: a batch ends by size as well as by count.
    const big = Array.from({ length: 900 }, (_, i) => JSON.stringify({ time: `t${i}`, body: "x".repeat(20_000) }));
    for (const [format, text] of [
      ["JSONL", big.join("\n")],
      ["JSON", `[${big.join(",")}]`],
    ] as const) {
      const bytes = Buffer.from(text);
      const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) =>
        bytes.subarray(i * 65_536, (i + 1) * 65_536),
      ); // as a file is read
      const preview = await readPreview(Readable.from(chunks), format);
      expect(preview.rows.map((r) => r.time)).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`));
    }
    const short = await readPreview(Readable.from([gzipSync("time,account\n2026-11-01T00:00:00Z,acct_1\n")]), "CSV");
    expect(short).toEqual({
      columns: ["time", "account"],
      rows: [{ time: "2026-11-01T00:00:00Z", account: "acct_1" }],
    });
  });
});

describe("a CSV header", () => {
  const readAll = async (text: string) => {
    const out = [];
    for await (const batch of readRecords(Readable.from([Buffer.from(text)]), "CSV")) out.push(...batch);
    return out;
  };

  it("naming a column twice is refused: which one a mapping means cannot be told", async () => {
    await expect(
      readAll("time,account_id,client_ip,account_id\n2026-11-01T00:00:00Z,first,1.2.3.4,second\n"),
    ).rejects.toThrow('The header names "account_id" twice (columns 2 and 4): rename one and upload the file again.');
  });

  it("with empty names (trailing commas) names them by their place", async () => {
    expect(await readAll("time,account,,\n2026-11-01T00:00:00Z,acct_1,,\n")).toEqual([
      { line: 2, values: { time: "2026-11-01T00:00:00Z", account: "acct_1", "column 3": "", "column 4": "" } },
    ]);
  });
});

describe("text that is not UTF-8", () => {
  const read = async (chunks: Buffer[]) => {
    const out = [];
    for await (const batch of readRecords(Readable.from(chunks), "CSV")) out.push(...batch);
    return out;
  };

  it("is refused at its first bad byte, not read with replacement characters (two accounts would become one)", async () => {
    const latin1 = Buffer.from("time,account\n2026-11-01T00:00:00Z,caf\xe9_x\n", "latin1");
    await expect(read([latin1])).rejects.toThrow("The file is not UTF-8 text (byte 38 is not)");
    await expect(read([gzipSync(latin1)])).rejects.toThrow("not UTF-8 text");
    await expect(read([Buffer.from("time,account\n2026-11-01T00:00:00Z,ok\xc3", "latin1")])).rejects.toThrow(
      "byte 37 is not",
    ); // a character cut off by the end of the file
  });

  it("in JSON Lines too: the reader fails with it (a server process is not left with it unhandled)", async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => `{"time":"t${i}","account":"acct_${i}"}`);
    const bytes = Buffer.concat([
      Buffer.from(lines.slice(0, 2_000).join("\n")),
      Buffer.from('\n{"account":"caf\xe9"}\n', "latin1"),
      Buffer.from(lines.slice(2_000).join("\n")),
    ]);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 4_096) }, (_, i) =>
      bytes.subarray(i * 4_096, (i + 1) * 4_096),
    );
    await expect(async () => {
      for await (const _batch of readRecords(Readable.from(chunks), "JSONL"));
    }).rejects.toThrow("not UTF-8 text");
  });

  it("is UTF-8 whose characters span two chunks", async () => {
    const text = Buffer.from("time,account\n2026-11-01T00:00:00Z,café_😀\n");
    const at = text.indexOf(0xf0) + 2; // inside the four bytes of the emoji
    for (const cut of [text.indexOf(0xc3) + 1, at])
      expect(await read([text.subarray(0, cut), text.subarray(cut)])).toEqual([
        { line: 2, values: { time: "2026-11-01T00:00:00Z", account: "café_😀" } },
      ]);
  });
});
