import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { countBytes } from "@/lib/ingest/records";

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
