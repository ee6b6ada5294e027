// COPY … FROM STDIN for the embedded database. PGlite cannot take the CopyIn sub-protocol over
// its wire interface (the session loses protocol sync and every later connection fails; see
// the shared notes), but it loads fast from a Blob with `COPY … FROM '/dev/blob'`. So the
// socket layer plays the server's side of CopyIn itself: it answers CopyInResponse, gathers
// the client's CopyData, loads it in slices through `/dev/blob`, and answers CommandComplete
// and ReadyForQuery, exactly as PostgreSQL would. pg-copy-streams and psql's \copy then work
// unchanged against both databases.
import type { PGlite } from "@electric-sql/pglite";

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const COPY_FAIL = 0x66; // 'f'
const SIMPLE_QUERY = 0x51; // 'Q'
const FLUSH = 0x48; // 'H'
const SYNC = 0x53; // 'S'

/**
 * Text-format data is loaded every SLICE_BYTES (at a line end: in the text format a row never
 * spans lines), so memory stays bounded whatever the file size. CSV rows may hold quoted line
 * breaks, so a CSV-format COPY is loaded whole at CopyDone.
 */
export const SLICE_BYTES = 16 * 1024 * 1024;

type TMessage = { handlerId: number; message: Uint8Array; onData: (d: Uint8Array) => void };

type TCopy = {
  handlerId: number;
  sql: string;
  sliced: boolean;
  /** The client was already in a transaction: the load joins it. Otherwise it gets its own. */
  clientTx: boolean;
  begun: boolean;
  parts: Buffer[];
  size: number;
  rows: number;
};

const COPY_FROM_STDIN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i;

function queryText(message: Uint8Array): string {
  return Buffer.from(message.buffer, message.byteOffset + 5, message.length - 6).toString("utf8");
}

function frame(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const readyForQuery = (status: "I" | "T" | "E") => frame("Z", Buffer.from(status, "latin1"));
const commandComplete = (tag: string) => frame("C", Buffer.from(`${tag}\0`, "utf8"));
// Overall text format, zero columns described: clients read the column count only for binary.
const copyInResponse = () => frame("G", Buffer.from([0, 0, 0]));

type TPgError = { message?: string; code?: string; severity?: string; detail?: string; hint?: string; where?: string };

function errorResponse(error: unknown): Buffer {
  const e = (typeof error === "object" && error ? error : {}) as TPgError;
  const fields: [string, string | undefined][] = [
    ["S", e.severity ?? "ERROR"],
    ["V", e.severity ?? "ERROR"],
    ["C", e.code ?? "XX000"],
    ["M", e.message ?? String(error)],
    ["D", e.detail],
    ["H", e.hint],
    ["W", e.where],
  ];
  const body = fields
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}${v}\0`)
    .join("");
  return frame("E", Buffer.from(`${body}\0`, "utf8"));
}

/**
 * The CopyIn state of the one connection copying at a time (the queue keeps that connection's
 * messages together until the copy ends, as it does for a transaction). `handle` takes a queued
 * message and answers whether it consumed it.
 */
export function createCopyIn(db: PGlite) {
  let copy: TCopy | null = null;
  // After a failed COPY, PostgreSQL accepts and ignores the client's remaining CopyData,
  // CopyDone and CopyFail; these connections are in that state until they send anything else.
  const ignoring = new Set<number>();

  async function load(c: TCopy, data: Buffer): Promise<void> {
    if (data.length === 0) return;
    if (!c.clientTx && !c.begun) {
      await db.exec("BEGIN");
      c.begun = true;
    }
    const result = await db.query(c.sql, [], { blob: new Blob([new Uint8Array(data)]) });
    c.rows += result.affectedRows ?? 0;
  }

  async function loadSlices(c: TCopy, final: boolean): Promise<void> {
    if (!final && (!c.sliced || c.size < SLICE_BYTES)) return;
    const data = Buffer.concat(c.parts);
    const end = final ? data.length : data.lastIndexOf(0x0a) + 1;
    c.parts = end < data.length ? [data.subarray(end)] : [];
    c.size = data.length - end;
    await load(c, data.subarray(0, end));
  }

  async function fail(c: TCopy, item: TMessage, error: unknown): Promise<void> {
    copy = null;
    ignoring.add(c.handlerId);
    if (c.begun) await db.exec("ROLLBACK");
    item.onData(errorResponse(error));
    item.onData(readyForQuery(c.clientTx ? "E" : "I"));
  }

  async function continueCopy(c: TCopy, item: TMessage): Promise<void> {
    const type = item.message[0];
    try {
      if (type === COPY_DATA) {
        c.parts.push(Buffer.from(item.message.subarray(5)));
        c.size += item.message.length - 5;
        await loadSlices(c, false);
      } else if (type === COPY_DONE) {
        await loadSlices(c, true);
        if (c.begun) await db.exec("COMMIT");
        copy = null;
        item.onData(commandComplete(`COPY ${c.rows}`));
        item.onData(readyForQuery(c.clientTx ? "T" : "I"));
      } else if (type === COPY_FAIL) {
        const reason = queryText(item.message);
        await fail(c, item, { code: "57014", message: `COPY from stdin failed: ${reason}` });
      } else if (type !== FLUSH && type !== SYNC) {
        await fail(c, item, {
          code: "08P01",
          message: `unexpected message type 0x${type?.toString(16)} during COPY from stdin`,
        });
      }
    } catch (error) {
      await fail(c, item, error);
    }
  }

  return {
    /** The connection whose messages must stay together (a copy in progress), if any. */
    get activeHandler(): number | null {
      return copy?.handlerId ?? null;
    },

    async handle(item: TMessage): Promise<boolean> {
      const type = item.message[0];
      if (copy && copy.handlerId === item.handlerId) {
        await continueCopy(copy, item);
        return true;
      }
      if (ignoring.has(item.handlerId)) {
        if (type === COPY_DATA || type === COPY_DONE || type === COPY_FAIL) return true;
        ignoring.delete(item.handlerId);
      }
      if (type !== SIMPLE_QUERY) return false;
      const sql = queryText(item.message);
      if (!COPY_FROM_STDIN.test(sql)) return false;
      if (/\bformat\s+binary\b|\bbinary\b/i.test(sql)) {
        item.onData(
          errorResponse({
            code: "0A000",
            message: "The embedded database takes COPY FROM STDIN in text or CSV format, not binary.",
          }),
        );
        item.onData(readyForQuery(db.isInTransaction() ? "T" : "I"));
        return true;
      }
      copy = {
        handlerId: item.handlerId,
        sql: sql.replace(/\bfrom\s+stdin\b/i, "FROM '/dev/blob'"),
        sliced: !/\bformat\s+csv\b|\bcsv\b/i.test(sql),
        clientTx: db.isInTransaction(),
        begun: false,
        parts: [],
        size: 0,
        rows: 0,
      };
      item.onData(copyInResponse());
      return true;
    },

    /** A client that disconnects mid-copy: nothing it sent is kept. */
    async abandon(handlerId: number): Promise<void> {
      ignoring.delete(handlerId);
      if (copy?.handlerId !== handlerId) return;
      const begun = copy.begun;
      copy = null;
      if (begun) await db.exec("ROLLBACK");
    },
  };
}
