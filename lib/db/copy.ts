import "server-only";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { ON_EMBEDDED_DATABASE } from "@/lib/db";

// Bulk loads by COPY … FROM STDIN, shared by the usage and timeline imports: in text format, or
// in binary (the usage import's rows: nothing for the server to parse, lib/usage/load.ts).

/** A run of rows as COPY text, or in COPY's binary format, and how many rows it holds. */
export type TCopyChunk = { text: string; rows: number } | { binary: Buffer; rows: number };

/** What each binary COPY's data starts with (signature, no flags, no extension) and ends with. */
const BINARY_HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
const BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/**
 * Rows per COPY statement. The embedded database serves one connection at a time while a COPY
 * runs, and others get their turn between two: with 100,000 rows a statement, a status poll
 * made while a million rows were validated took 2.7 s (median; 5.4 s at most), with 10,000
 * 0.3 s, for a validation 6% longer. A database server serves the others meanwhile, and there
 * each statement costs a round trip (10,000 rows made the COPY of a million 0.3 s longer).
 */
export const ROWS_PER_COPY = { server: 100_000, embedded: 10_000 } as const;

/**
 * How far the text may run ahead of the server, on each side of the pipe: the parse goes on
 * while the server is busy (a checkpoint, a flush of its log) and the server while the parse
 * is (a collection), where with the streams' default 16 KB each waited on the other. 5 to 8%
 * off a parse and COPY of five million rows.
 */
const COPY_BUFFER_BYTES = 8 << 20;

/** Whether `client` is on the embedded database, whose COPY … FROM STDIN takes text or CSV, not binary. */
export async function onEmbeddedDatabase(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ embedded: boolean }>(`SELECT ${ON_EMBEDDED_DATABASE} AS embedded`);
  return rows[0]?.embedded === true;
}

const ESCAPED = /[\\\t\n\r]/;

/** A value as COPY text: backslash escapes for the four characters that would break a row. */
export function copyEscape(v: string): string {
  if (!ESCAPED.test(v)) return v;
  return v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/**
 * Streams `chunks` into `sql` (a COPY … FROM STDIN), one statement per ROWS_PER_COPY rows or so
 * (`server` or `embedded`, as the database is); answers how many rows went in. The embedded
 * database serves one connection at a time while a COPY runs, so `chunks` must not wait on
 * another connection (buffer such writes until this returns; a write not awaited, like a
 * progress update, just waits its turn).
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
