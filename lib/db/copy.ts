import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import ipaddr from "ipaddr.js";
import { from as copyFrom } from "pg-copy-streams";
import { onEmbeddedDatabase } from "@/lib/db";

// Bulk loads by COPY … FROM STDIN, shared by the usage and timeline imports: in text format, or
// in binary (the usage import's rows and hourly rollup, written by BinaryRows: nothing for the
// server to parse, lib/usage/load.ts).

/** A run of rows as COPY text, or in COPY's binary format, and how many rows it holds. */
export type TCopyChunk = { text: string; rows: number } | { binary: Buffer; rows: number };

/** What each binary COPY's data starts with (signature, no flags, no extension) and ends with. */
const BINARY_HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
const BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/**
 * Rows per COPY statement. The embedded database serves one connection at a time while a COPY
 * runs, and others get their turn between two: with 100,000 rows a statement, a status poll
 * made while a million rows were validated took 2.7 s (median; 5.4 s at most), with 10,000
 * 0.3 s, for a validation 6% longer. A database server serves the others meanwhile, so there a
 * load is one statement: at each end of a statement the parse waits while the server takes
 * what is still in flight and answers (10,000 rows a statement made the COPY of a million 0.3 s
 * longer).
 */
export const ROWS_PER_COPY = { server: Infinity, embedded: 10_000 } as const;

/**
 * How far the text may run ahead of the server, on each side of the pipe: the parse goes on
 * while the server is busy (a checkpoint, a flush of its log) and the server while the parse
 * is (a collection), where with the streams' default 16 KB each waited on the other. 5 to 8%
 * off a parse and COPY of five million rows.
 */
const COPY_BUFFER_BYTES = 8 << 20;

const ESCAPED = /[\\\t\n\r]/;

/** A value as COPY text: backslash escapes for the four characters that would break a row. */
export function copyEscape(v: string): string {
  if (!ESCAPED.test(v)) return v;
  return v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/**
 * Streams `chunks` into `sql` (a COPY … FROM STDIN), one statement per ROWS_PER_COPY rows or so
 * (all in one on a server); answers how many rows went in. The embedded database serves one
 * connection at a time while a COPY runs, so `chunks` must not wait on another connection (buffer
 * such writes until this returns; a write not awaited, like a progress update, just waits its
 * turn).
 *
 * `freeze` names the table `sql` loads when it is a new one no one else reads yet: on a database
 * server every statement then runs in one transaction that first empties it, as COPY … FREEZE,
 * so the rows are written frozen and visible to all. The reads that follow a load (rollups,
 * indexes, statistics) then need not look up each row's transaction and write every page again
 * to note it (a fifth of a first scan's time), nor will a vacuum later. A load that fails leaves
 * the table as it was. The table stays locked against every other session (TRUNCATE's lock)
 * until the load ends, and the server's vacuum cannot clear rows that other transactions
 * delete meanwhile. Never inside an open transaction: it begins and commits its own. The
 * embedded database holds every other connection while a transaction is open, so there each
 * statement commits on its own, as without `freeze`.
 *
 * `binary`: the chunks are rows in COPY's binary format, and each statement is given its header
 * and trailer.
 */
export async function copyChunks(
  client: pg.ClientBase,
  sql: string,
  chunks: AsyncIterable<TCopyChunk>,
  { freeze, binary = false }: { freeze?: string; binary?: boolean } = {},
): Promise<number> {
  const embedded = await onEmbeddedDatabase(client);
  const perCopy = embedded ? ROWS_PER_COPY.embedded : ROWS_PER_COPY.server;
  const frozen = freeze !== undefined && !embedded;
  const format = [...(frozen ? ["FREEZE"] : []), ...(binary ? ["FORMAT binary"] : [])];
  const statement = format.length ? `${sql} WITH (${format.join(", ")})` : sql;
  const iterator = chunks[Symbol.asyncIterator]();
  let rows = 0;
  let done = false;
  async function* segment(): AsyncGenerator<string | Buffer> {
    const end = rows + perCopy;
    if (binary) yield BINARY_HEADER;
    while (rows < end) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      rows += next.value.rows;
      const data = "binary" in next.value ? next.value.binary : next.value.text;
      if (data.length) yield data;
    }
    if (binary) yield BINARY_TRAILER;
  }
  try {
    if (frozen) await client.query(`BEGIN; TRUNCATE ${freeze}`);
    while (!done)
      await pipeline(
        Readable.from(segment(), { objectMode: false, highWaterMark: COPY_BUFFER_BYTES }),
        client.query(copyFrom(statement, { highWaterMark: COPY_BUFFER_BYTES })),
      );
    if (frozen) await client.query("COMMIT");
  } catch (error) {
    if (frozen) await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    // A COPY that failed leaves `chunks` part read: closed here, it closes what it reads.
    if (!done) await iterator.return?.();
  }
  return rows;
}

/** PostgreSQL's timestamps count microseconds from 2000-01-01. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 4_294_967_296;

/**
 * Rows written in COPY's binary format into one growing buffer, byte by byte: no string per field,
 * and nothing for the server to parse (a fifth less of its time than the same rows as text).
 */
export class BinaryRows {
  private buf = Buffer.allocUnsafe(1 << 20);
  private p = 0;

  /** Room for `n` more bytes. */
  private room(n: number): Buffer {
    if (this.p + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.p + n));
      this.buf.copy(grown, 0, 0, this.p);
      this.buf = grown;
    }
    return this.buf;
  }

  /** The bytes written since the last take, as a buffer of their own. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.p));
    this.p = 0;
    return out;
  }

  fields(n: number): void {
    const b = this.room(2);
    b[this.p] = n >> 8;
    b[this.p + 1] = n & 255;
    this.p += 2;
  }

  null(): void {
    this.room(4).fill(255, this.p, this.p + 4);
    this.p += 4;
  }

  private word(b: Buffer, at: number, n: number): void {
    b[at] = n >>> 24;
    b[at + 1] = (n >>> 16) & 255;
    b[at + 2] = (n >>> 8) & 255;
    b[at + 3] = n & 255;
  }

  int2(n: number): void {
    const b = this.room(6);
    this.word(b, this.p, 2);
    b[this.p + 4] = (n >> 8) & 255;
    b[this.p + 5] = n & 255;
    this.p += 6;
  }

  int4(n: number): void {
    const b = this.room(8);
    this.word(b, this.p, 4);
    this.word(b, this.p + 4, n);
    this.p += 8;
  }

  /** A whole number (|n| < 2^53) as 8 bytes, two's complement. */
  int8(n: number): void {
    const b = this.room(12);
    const hi = Math.floor(n / TWO_32);
    this.word(b, this.p, 8);
    this.word(b, this.p + 4, hi >>> 0);
    this.word(b, this.p + 8, n - hi * TWO_32);
    this.p += 12;
  }

  /** A time (milliseconds since 1970) as PostgreSQL's timestamp. */
  timestamp(ms: number): void {
    this.int8((ms - PG_EPOCH_MS) * 1000);
  }

  bool(v: boolean): void {
    const b = this.room(5);
    this.word(b, this.p, 1);
    b[this.p + 4] = v ? 1 : 0;
    this.p += 5;
  }

  /** Text as UTF-8: copied a character a byte while it is ASCII, else encoded whole. */
  text(v: string): void {
    const b = this.room(4 + 3 * v.length);
    const start = this.p + 4;
    let q = start;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c > 127) {
        q = start + b.write(v, start, "utf8");
        break;
      }
      b[q++] = c;
    }
    this.word(b, this.p, q - start);
    this.p = q;
  }

  /** An address as PostgreSQL's inet: family, bits, not a network, size, bytes. */
  inet(v: string): void {
    const b = this.room(24);
    const at = this.p;
    if (!v.includes(":")) {
      this.word(b, at, 8);
      this.word(b, at + 4, 0x02_20_00_04); // AF_INET, 32 bits, not a network, 4 bytes
      let q = at + 8;
      let octet = 0;
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c === 46) {
          b[q++] = octet;
          octet = 0;
        } else octet = octet * 10 + c - 48;
      }
      b[q] = octet;
      this.p = at + 12;
      return;
    }
    this.word(b, at, 20);
    this.word(b, at + 4, 0x03_80_00_10); // PostgreSQL's AF_INET6, 128 bits, not a network, 16 bytes
    b.set(ipaddr.IPv6.parse(v).toByteArray(), at + 8);
    this.p = at + 24;
  }
}
