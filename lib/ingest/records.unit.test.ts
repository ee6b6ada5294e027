import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { countBytes, peek, readRecords } from "@/lib/ingest/records";

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
