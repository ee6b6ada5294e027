// Named prepared statements on the embedded database. PostgreSQL keeps a connection's named
// statements to that connection; PGlite has one session behind every connection of the socket
// server, so two connections preparing the same name collided ("prepared statement … already
// exists"). rate-limiter-flexible names its statements, and each pool connection prepares
// them: parallel sign-ins failed. The socket layer gives each connection names of its own, and
// deallocates a closed connection's statements when the session is next idle.
import type { PGlite } from "@electric-sql/pglite";
import { createHash } from "node:crypto";

const PARSE = 0x50; // 'P': name, query, parameter types
const BIND = 0x42; // 'B': portal, statement, …
const DESCRIBE = 0x44; // 'D': 'S' or 'P', name
const CLOSE = 0x43; // 'C': 'S' or 'P', name
const STATEMENT = 0x53; // 'S'

/** PostgreSQL keeps the first NAMEDATALEN - 1 bytes of a statement name. */
const MAX_NAME_BYTES = 63;

const prefixOf = (handlerId: number) => `${handlerId}:`;

/**
 * The connection's own name for the statement name `name` (its bytes, as sent: no decoding, so
 * two names never become one). PostgreSQL reads only a name's first 63 bytes, so this does too;
 * a name too long for the prefix is hashed, never cut into another's.
 */
export function scopedName(handlerId: number, name: Buffer): Buffer {
  const read = name.subarray(0, MAX_NAME_BYTES);
  const prefix = Buffer.from(prefixOf(handlerId));
  if (prefix.length + read.length <= MAX_NAME_BYTES) return Buffer.concat([prefix, read]);
  return Buffer.concat([prefix, Buffer.from(createHash("sha256").update(read).digest("base64url").slice(0, 43))]);
}

/** The end (exclusive) of the NUL-terminated string starting at `from`. */
function stringEnd(message: Buffer, from: number): number {
  const end = message.indexOf(0, from);
  return end === -1 ? message.length : end;
}

/** `message` with the string at [start, end) replaced by `value`, its length field updated. */
function replaceString(message: Buffer, start: number, end: number, value: Buffer): Buffer {
  const out = Buffer.concat([message.subarray(0, start), value, message.subarray(end)]);
  out.writeInt32BE(out.length - 1, 1);
  return out;
}

/** Where the statement name of an extended-protocol message starts, or -1 when it names none. */
function statementNameStart(message: Buffer): number {
  switch (message[0]) {
    case PARSE:
      return 5;
    case BIND:
      return stringEnd(message, 5) + 1; // after the portal's name
    case DESCRIBE:
    case CLOSE:
      return message[5] === STATEMENT ? 6 : -1;
    default:
      return -1;
  }
}

/**
 * The message with its statement name (if any, and not the unnamed statement, which the
 * exchange's Sync already keeps to one connection) made the connection's own.
 */
export function scopeStatementName(handlerId: number, message: Uint8Array): Uint8Array {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.length);
  const start = statementNameStart(bytes);
  if (start === -1 || start >= bytes.length) return message;
  const end = stringEnd(bytes, start);
  if (end === start) return message;
  return replaceString(bytes, start, end, scopedName(handlerId, bytes.subarray(start, end)));
}

/** Closed connections whose statements are still prepared, deallocated when the session is idle. */
export function createStatementJanitor(db: PGlite) {
  const closed: number[] = [];
  return {
    connectionClosed(handlerId: number) {
      closed.push(handlerId);
    },
    /** Call with no exchange or transaction open on the session. */
    async sweep() {
      if (closed.length === 0) return;
      const ids = closed.splice(0);
      try {
        const patterns = ids.map((id) => `${prefixOf(id)}%`); // digits and ':', no wildcards
        const { rows } = await db.query<{ name: string }>(
          "SELECT name FROM pg_prepared_statements WHERE name LIKE ANY($1::text[])",
          [patterns],
        );
        for (const { name } of rows) await db.exec(`DEALLOCATE "${name.replaceAll('"', '""')}"`);
      } catch (error) {
        closed.push(...ids); // tried again at the next idle moment
        throw error;
      }
    },
  };
}
