import { describe, expect, it } from "vitest";
import { scopedName, scopeStatementName } from "./embedded-statements";

function message(type: string, ...parts: (string | Buffer)[]): Uint8Array {
  const body = Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(`${p}\0`) : p)));
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return new Uint8Array(Buffer.concat([head, body]));
}
const text = (m: Uint8Array) => Buffer.from(m).toString("latin1");

describe("scopeStatementName", () => {
  it("prefixes the statement name of Parse, Bind, Describe and Close, fixing the length", () => {
    const parse = scopeStatementName(7, message("P", "upsert", "SELECT 1", Buffer.from([0, 0])));
    expect(text(parse)).toBe(text(message("P", "7:upsert", "SELECT 1", Buffer.from([0, 0]))));
    const bind = scopeStatementName(7, message("B", "portal", "upsert", Buffer.from([0, 0, 0, 0, 0, 0])));
    expect(text(bind)).toBe(text(message("B", "portal", "7:upsert", Buffer.from([0, 0, 0, 0, 0, 0]))));
    expect(text(scopeStatementName(7, message("D", Buffer.from("S"), "upsert")))).toBe(
      text(message("D", Buffer.from("S"), "7:upsert")),
    );
    expect(text(scopeStatementName(7, message("C", Buffer.from("S"), "upsert")))).toBe(
      text(message("C", Buffer.from("S"), "7:upsert")),
    );
  });

  it("leaves the unnamed statement, portals and other messages alone", () => {
    for (const m of [
      message("P", "", "SELECT 1", Buffer.from([0, 0])),
      message("B", "", "", Buffer.from([0, 0, 0, 0, 0, 0])),
      message("D", Buffer.from("P"), "portal"),
      message("C", Buffer.from("P"), "portal"),
      message("E", "portal", Buffer.from([0, 0, 0, 0])),
      message("Q", "PREPARE x AS SELECT 1"),
    ])
      expect(scopeStatementName(7, m)).toBe(m);
  });
});

describe("scopedName", () => {
  const name = (text: string, handlerId = 12) => scopedName(handlerId, Buffer.from(text)).toString("latin1");

  it("reads 63 bytes of a name, as PostgreSQL does, and stays within them per connection", () => {
    const long = "s".repeat(70);
    expect(name(`${long}a`)).toBe(name(`${long}b`));
    expect(name(long)).not.toBe(name(long, 13));
    expect(name(`${"s".repeat(50)}a`)).not.toBe(name(`${"s".repeat(50)}b`));
    for (const text of [long, `${"s".repeat(50)}a`]) expect(name(text).length).toBeLessThanOrEqual(63);
  });

  it("keeps names that are not UTF-8 apart (decoding would make both U+FFFD)", () => {
    expect(scopedName(12, Buffer.from([0xff])).equals(scopedName(12, Buffer.from([0xfe])))).toBe(false);
  });
});
