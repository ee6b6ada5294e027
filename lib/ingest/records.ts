import "server-only";
import { createInterface } from "node:readline";
import { isUtf8 } from "node:buffer";
import { PassThrough, Readable, Transform, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { StringDecoder } from "node:string_decoder";
import Papa from "papaparse";
import { parser as jsonParser } from "stream-json";
import { pick } from "stream-json/filters/pick.js";
import { streamValues } from "stream-json/streamers/stream-values.js";
import { sniffedFormat } from "@/lib/evidence/sniff";

// Reading records out of files other tools wrote (timeline imports, usage logs): CSV and JSON
// Lines, each record with the line it starts on. Pure streaming, in batches (one per chunk
// read, so the per-record cost is a loop step, not an awaited promise): memory does not grow
// with the file.

export type TRecord = { line: number; values: Record<string, string> } | { line: number; error: string };
/** A CSV record as its cells, in the order of `columns` (the header): no object per record. */
export type TCellRecord = { line: number; cells: string[] } | { line: number; error: string };
export type TCellBatch = {
  columns: readonly string[];
  records: TCellRecord[];
  /** No cell holds a tab, backslash, CR or LF: written out as COPY text, none needs an escape. */
  plain?: boolean;
  /** No cell holds `k-` or `K-`, which every secret API key does (lib/ingest/secrets.ts). */
  keyFree?: boolean;
  /** No cell holds a NUL character. */
  nulFree?: boolean;
};
/** A record (a quoted field) longer than this is taken for an unclosed quote, not buffered on. */
export const MAX_RECORD_CHARS = 1 << 20;

/**
 * `input` with its bytes counted as they are read (progress); errors pass through. Nothing flows
 * until the caller reads: a reader that starts after an await misses no byte.
 */
export function countBytes(input: Readable, onBytes: (n: number) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  return pipeline(input, counter, () => {});
}

function newlines(value: string): number {
  let n = 0;
  for (let i = value.indexOf("\n"); i !== -1; i = value.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * A CSV header's column names, an empty one named by its place. A name given twice is refused:
 * which of the two columns a mapping to it means cannot be told.
 */
function headerOf(record: string[]): string[] {
  const names = record.map((h, i) => h.trim() || `column ${i + 1}`);
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined)
      throw new Error(
        `The header names "${name.slice(0, 60)}" twice (columns ${first + 1} and ${i + 1}): rename one and upload the file again.`,
      );
    seen.set(name, i);
  });
  return names;
}

/**
 * CSV records through Papa Parse's core parser, fed chunk by chunk: each pass parses the text
 * not yet consumed, keeps the unfinished last record for the next chunk, and counts lines from
 * the newlines inside fields (CRLF is made LF first, as is every newline inside a quoted field).
 */
export async function* csvCells(input: Readable): AsyncGenerator<TCellBatch> {
  const parser = new Papa.Parser({ delimiter: ",", newline: "\n", quoteChar: '"', escapeChar: '"' });
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let carry = ""; // a "\r" at a chunk's end, which may start a CRLF
  let line = 1;
  let header: string[] | null = null;
  let first = true;
  let plain = false;
  let keyFree = false;
  let nulFree = false;

  const take = (final: boolean): TCellRecord[] => {
    // Only a quoted field can hold a newline: text without a quote needs no count per field.
    const quoted = pending.includes('"');
    // Three searches for one character each: a tenth of the time of one regular expression.
    plain = !quoted && !pending.includes("\\") && !pending.includes("\t") && !pending.includes("\r");
    // As many again, so that no cell of the batch need be searched for a key or a NUL.
    keyFree = !pending.includes("k-") && !pending.includes("K-");
    nulFree = !pending.includes("\0");
    const { data, errors, meta } = parser.parse(pending, 0, !final) as Papa.ParseResult<string[]>;
    const errorByRow = new Map<number, string>();
    for (const e of errors) if (e.row !== undefined && !errorByRow.has(e.row)) errorByRow.set(e.row, e.message);
    const out: TCellRecord[] = [];
    for (let r = 0; r < data.length; r++) {
      const record = data[r]!;
      const start = line;
      line += 1;
      if (quoted) for (const v of record) line += newlines(v);
      if (record.length === 1 && record[0] === "") continue; // a blank line
      const error = errorByRow.get(r);
      if (error) {
        // A broken quote swallows the lines after it into one field: say how far it ran.
        const end = line - 1 - (record.at(-1)!.endsWith("\n") ? 1 : 0);
        out.push({
          line: start,
          error: end > start ? `${error}: this record runs on to line ${end}; check its quotes.` : `${error}.`,
        });
      } else if (!header) header = headerOf(record);
      else if (record.length !== header.length)
        out.push({ line: start, error: `Expected ${header.length} columns, found ${record.length}.` });
      else out.push({ line: start, cells: record });
    }
    pending = final ? "" : pending.slice(meta.cursor);
    if (pending.length > MAX_RECORD_CHARS)
      throw new Error(
        `Line ${line}: a record longer than ${MAX_RECORD_CHARS.toLocaleString("en")} characters — most likely a quoted field that is never closed.`,
      );
    return out;
  };

  for await (const chunk of input as AsyncIterable<Buffer>) {
    let text = carry + decoder.write(chunk);
    if (first) {
      text = text.replace(/^\uFEFF/, "");
      first = false;
    }
    carry = text.endsWith("\r") ? "\r" : "";
    pending += (carry ? text.slice(0, -1) : text).replace(/\r\n/g, "\n");
    const batch = take(false);
    if (batch.length) yield { columns: header ?? [], records: batch, plain, keyFree, nulFree };
  }
  pending += (carry + decoder.end()).replace(/\r\n/g, "\n");
  const batch = take(true);
  if (batch.length) yield { columns: header ?? [], records: batch, plain, keyFree, nulFree };
}

/** CSV records with their values named by the header. */
async function* csvRecords(input: Readable): AsyncGenerator<TRecord[]> {
  for await (const { columns, records } of csvCells(input))
    yield records.map((r) => {
      if ("error" in r) return r;
      const values: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) values[columns[i]!] = r.cells[i]!;
      return { line: r.line, values };
    });
}

/** A JSON object as a record: nested values as their JSON text, null as empty. */
function objectRecord(line: number, value: unknown, what: string): TRecord {
  if (!value || typeof value !== "object" || Array.isArray(value))
    return { line, error: `${what} must be a JSON object.` };
  return {
    line,
    values: Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v),
      ]),
    ),
  };
}

function jsonlRecord(line: number, text: string): TRecord | null {
  const trimmed = (line === 1 ? text.replace(/^\uFEFF/, "") : text).trim();
  if (!trimmed) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { line, error: "Not valid JSON." };
  }
  return objectRecord(line, value, "Each line");
}

/** A JSON batch ends at this many records, or once this much text was read for it (large records). */
const JSONL_BATCH = 1_000;
const JSON_BATCH_CHARS = 1 << 20;

async function* jsonlRecords(input: Readable): AsyncGenerator<TRecord[]> {
  let line = 0;
  let batch: TRecord[] = [];
  let chars = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  // readline passes the input's errors on as its own: heard while the loop reads (it fails with
  // them), and after a reader stopped early (a preview closing the file) by no one else.
  let failure: Error | null = null;
  lines.on("error", (error: Error) => (failure ??= error));
  for await (const text of lines) {
    const record = jsonlRecord(++line, text);
    if (record) batch.push(record);
    chars += text.length;
    if (batch.length >= JSONL_BATCH || (chars >= JSON_BATCH_CHARS && batch.length)) {
      yield batch;
      batch = [];
      chars = 0;
    }
  }
  if (failure) throw failure;
  if (batch.length) yield batch;
}

/**
 * The stream's first chunk, and a stream that still yields everything from the start. Closing
 * that stream (read to its end, left early, or destroyed unread) closes the input.
 */
export async function peek(input: Readable): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  async function* all() {
    if (head.length) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  const stream = Readable.from(all(), { objectMode: false });
  stream.once("close", () => input.destroy());
  return { head, stream };
}

/**
 * Refuses bytes that are not text, by their first chunk: a known binary format by name (a PNG
 * renamed .csv), else any NUL byte, which UTF-8 text never holds (UTF-16 text does).
 */
function requireText(chunk: Buffer | string, stream: Readable): void {
  const head = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk); // a stream of strings (tests)
  const format = sniffedFormat(head);
  const refusal = format
    ? `The file is not text: its content is ${format}.`
    : head.includes(0)
      ? "The file is not UTF-8 text: it holds NUL bytes (binary data, or text saved as UTF-16). Save it as UTF-8 CSV or JSON."
      : null;
  if (!refusal) return;
  stream.destroy(); // the file is not read further
  throw new Error(refusal);
}

/**
 * The file's text as an importer reads it: `unzipped`, then `checked` (UTF-8, `limit`).
 */
export async function decompressed(input: Readable, limit?: TReadLimit): Promise<Readable> {
  return checked(await unzipped(input), limit);
}

/**
 * The file's bytes, un-gzipped when they start with gzip's magic number (a `.csv.gz` export),
 * as they are otherwise; refused when they are not text (requireText). Decided by content, not
 * by name: a renamed file still reads. Unchecked: a display of lines already imported shows
 * the bytes as they are.
 */
export async function unzipped(input: Readable): Promise<Readable> {
  const { head, stream } = await peek(input);
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    requireText(head, stream);
    return stream;
  }
  // zlib's own words ("incorrect header check", "unexpected end of file") mean little to a user.
  const gunzip = createGunzip();
  const out = new PassThrough();
  stream.on("error", (error) => out.destroy(error));
  gunzip.on("error", (error) =>
    out.destroy(
      new Error(`The file is gzip-compressed but cannot be un-gzipped (${error.message}): it is damaged or cut short.`),
    ),
  );
  out.on("close", () => {
    gunzip.destroy();
    stream.destroy();
  });
  // A small file that un-gzips to a vast one (a "zip bomb") would keep a core busy for hours.
  let compressed = 0;
  let plain = 0;
  stream.on("data", (chunk: Buffer) => (compressed += chunk.length));
  gunzip.on("data", (chunk: Buffer) => {
    plain += chunk.length;
    if (plain > GZIP_RATIO_FROM && plain > GZIP_RATIO_MAX * compressed)
      out.destroy(
        new Error(
          `The file un-gzips to more than ${GZIP_RATIO_MAX} times its size, which no log does: it is refused as a possible decompression bomb.`,
        ),
      );
  });
  stream.pipe(gunzip).pipe(out);
  const inner = await peek(out);
  requireText(inner.head, inner.stream);
  return inner.stream;
}

/** How far a reader that needs only the start of a file (a preview) reads, and what it says past it. */
export type TReadLimit = { bytes: number; message: string };

/** Real logs gzip at 5–50 to 1; past 200 to 1 (and 16 MiB), a file is refused. */
const GZIP_RATIO_MAX = 200;
const GZIP_RATIO_FROM = 16 << 20;

/**
 * The stream's bytes, checked to be UTF-8 as they pass (replaced, a byte that is not would turn
 * two different accounts into one), and with `limit`, no more than `limit.bytes` of them.
 */
function checked(stream: Readable, limit?: TReadLimit): Readable {
  let seen = 0;
  let tail = Buffer.alloc(0); // the start of a character that the next chunk ends
  // A stream stage (as countBytes): an error reaches the reader.
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (limit && seen > limit.bytes) return done(new Error(limit.message));
      const text = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      const end = completeEnd(text);
      try {
        requireUtf8(text.subarray(0, end), seen - text.length);
      } catch (error) {
        return done(error as Error);
      }
      tail = Buffer.from(text.subarray(end));
      done(null, chunk);
    },
    flush(done) {
      try {
        requireUtf8(tail, seen - tail.length);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  // Its reader listens while it reads; once it stopped early (a preview), closing the input
  // makes the pipeline fail this stage with "premature close", which no one is left to hear.
  check.on("error", () => {});
  return pipeline(stream, check, () => {});
}

/** Where the last whole character of `bytes` ends: before a lead byte whose character runs on. */
function completeEnd(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + size > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

/** Refuses bytes that are not UTF-8, naming the first such byte's offset in the file (`at`: theirs). */
function requireUtf8(bytes: Buffer, at: number): void {
  if (isUtf8(bytes)) return;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const size =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (size === 0 || !isUtf8(bytes.subarray(i, i + size)) || i + size > bytes.length) break;
    i += size;
  }
  throw new Error(
    `The file is not UTF-8 text (byte ${(at + i + 1).toLocaleString("en")} is not): save it as UTF-8 and upload it again.`,
  );
}

/** The preview of a file for its mapping reads this much of it, decompressed. */
export const PREVIEW_LIMIT: TReadLimit = {
  bytes: 16 << 20,
  message: "Its first 16 MiB (decompressed) hold no rows to show.",
};

export type TJsonRecordsOptions = {
  /** Which values to take, by their path (`data.3`, `0.data.3` for an array of pages). */
  path: RegExp;
  /** The records one taken value stands for, numbered by the value's ordinal (1-based). */
  records: (value: unknown, ordinal: number) => TRecord[];
};

/**
 * Records out of JSON documents (one, several concatenated, JSON Lines, or an array of them),
 * streamed token by token: only one taken value is held at a time. A JSON file has no useful
 * line numbers, so a record's `line` is the ordinal of the value it came from.
 */
export async function* jsonRecords(input: Readable, options: TJsonRecordsOptions): AsyncGenerator<TRecord[]> {
  let read = 0;
  const values = pipeline(
    countBytes(input, (n) => (read += n)),
    jsonParser.asStream({ jsonStreaming: true }),
    pick.asStream({ filter: (stack: (string | number | null)[]) => options.path.test(stack.join(".")) }),
    streamValues.asStream(),
    () => {},
  );
  let ordinal = 0;
  let batch: TRecord[] = [];
  let from = 0; // bytes read when the batch began
  try {
    for await (const item of values as AsyncIterable<{ value: unknown }>) {
      batch.push(...options.records(item.value, ++ordinal));
      if (batch.length >= JSONL_BATCH || (read - from >= JSON_BATCH_CHARS && batch.length)) {
        yield batch;
        batch = [];
        from = read;
      }
    }
  } catch (error) {
    throw new Error(`The file is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (batch.length) yield batch;
}

/** A JSON array of objects (our own JSON export): each element a record, its `line` the element's ordinal. */
const JSON_ARRAY: TJsonRecordsOptions = {
  path: /^\d+$/,
  records: (value, ordinal) => [objectRecord(ordinal, value, `Element ${ordinal}`)],
};

/**
 * The file's records in file order, a batch at a time; a gzip-compressed file (`.csv.gz`, by
 * its magic number) is read un-gzipped, and a leading byte order mark is skipped in every format.
 */
export async function* readRecords(
  input: Readable,
  format: "CSV" | "JSONL" | "JSON",
  limit?: TReadLimit,
): AsyncGenerator<TRecord[]> {
  yield* textRecords(await decompressed(input, limit), format);
}

/** readRecords of text already un-gzipped and checked (`decompressed`): not done twice. */
export function textRecords(text: Readable, format: "CSV" | "JSONL" | "JSON"): AsyncGenerator<TRecord[]> {
  return format === "CSV" ? csvRecords(text) : format === "JSONL" ? jsonlRecords(text) : jsonRecords(text, JSON_ARRAY);
}

/** The columns and the first rows of any record reader, for the mapping step. */
export async function previewRecords(
  records: AsyncGenerator<TRecord[]>,
  rows = 10,
): Promise<{ columns: string[]; rows: Record<string, string>[] }> {
  const out: Record<string, string>[] = [];
  const columns = new Set<string>();
  read: for await (const batch of records) {
    for (const r of batch) {
      if ("values" in r) {
        out.push(r.values);
        Object.keys(r.values).forEach((k) => columns.add(k));
      }
      if (out.length >= rows) break read;
    }
  }
  return { columns: [...columns], rows: out };
}

/** The columns and the first rows of a CSV or JSON Lines file; the rest is not read. */
export async function readPreview(input: Readable, format: "CSV" | "JSONL" | "JSON", rows = 10) {
  try {
    return await previewRecords(readRecords(input, format, PREVIEW_LIMIT), rows);
  } finally {
    input.destroy(); // the rest is not read, nor is a file refused as not text
  }
}
