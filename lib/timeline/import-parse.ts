import "server-only";
import { hash } from "node:crypto";
import { createInterface } from "node:readline";
import { PassThrough, pipeline, type Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import Papa from "papaparse";
import { CONFIDENCES, EVENT_CATEGORIES, EVENT_CATEGORY_LABELS, type TEventCategory } from "@/lib/timeline/schemas";
import type { TImportOptions } from "@/lib/timeline/import-schemas";
import { readTime } from "@/lib/ingest/time";

// Reading an import file: records with the line each starts on, then each record mapped and
// validated into an event row or a reason. Pure streaming, in batches (one per chunk read, so
// the per-record cost is a loop step, not an awaited promise): memory does not grow with the file.

export type TRecord = { line: number; values: Record<string, string> } | { line: number; error: string };
export type TImportRow = {
  occurredAt: Date;
  endsAt: Date | null;
  title: string;
  description: string;
  category: TEventCategory;
  source: string;
  confidence: (typeof CONFIDENCES)[number];
  dedupeKey: string;
};

/** A record (a quoted field) longer than this is taken for an unclosed quote, not buffered on. */
export const MAX_RECORD_CHARS = 1 << 20;

/** `input` with its bytes counted as they are read (progress); errors pass through. */
export function countBytes(input: Readable, onBytes: (n: number) => void): Readable {
  const counter = new PassThrough();
  counter.on("data", (chunk: Buffer) => onBytes(chunk.length));
  return pipeline(input, counter, () => {});
}

function newlines(value: string): number {
  let n = 0;
  for (let i = value.indexOf("\n"); i !== -1; i = value.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * CSV records through Papa Parse's core parser, fed chunk by chunk: each pass parses the text
 * not yet consumed, keeps the unfinished last record for the next chunk, and counts lines from
 * the newlines inside fields (CRLF is made LF first, as is every newline inside a quoted field).
 */
async function* csvRecords(input: Readable): AsyncGenerator<TRecord[]> {
  const parser = new Papa.Parser({ delimiter: ",", newline: "\n", quoteChar: '"', escapeChar: '"' });
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let carry = ""; // a "\r" at a chunk's end, which may start a CRLF
  let line = 1;
  let header: string[] | null = null;
  let first = true;

  const take = (final: boolean): TRecord[] => {
    const { data, errors, meta } = parser.parse(pending, 0, !final) as Papa.ParseResult<string[]>;
    const errorByRow = new Map<number, string>();
    for (const e of errors) if (e.row !== undefined && !errorByRow.has(e.row)) errorByRow.set(e.row, e.message);
    const out: TRecord[] = [];
    for (let r = 0; r < data.length; r++) {
      const record = data[r]!;
      const start = line;
      line += 1;
      for (const v of record) line += newlines(v);
      if (record.length === 1 && record[0] === "") continue; // a blank line
      const error = errorByRow.get(r);
      if (error) {
        // A broken quote swallows the lines after it into one field: say how far it ran.
        const end = line - 1 - (record.at(-1)!.endsWith("\n") ? 1 : 0);
        out.push({
          line: start,
          error: end > start ? `${error}: this record runs on to line ${end}; check its quotes.` : `${error}.`,
        });
      } else if (!header) header = record.map((h, i) => h.trim() || `column ${i + 1}`);
      else if (record.length !== header.length)
        out.push({ line: start, error: `Expected ${header.length} columns, found ${record.length}.` });
      else {
        const values: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) values[header[i]!] = record[i]!;
        out.push({ line: start, values });
      }
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
    if (batch.length) yield batch;
  }
  pending += (carry + decoder.end()).replace(/\r\n/g, "\n");
  const batch = take(true);
  if (batch.length) yield batch;
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
  if (!value || typeof value !== "object" || Array.isArray(value))
    return { line, error: "Each line must be a JSON object." };
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

const JSONL_BATCH = 1_000;

async function* jsonlRecords(input: Readable): AsyncGenerator<TRecord[]> {
  let line = 0;
  let batch: TRecord[] = [];
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    const record = jsonlRecord(++line, text);
    if (record) batch.push(record);
    if (batch.length >= JSONL_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** The file's records in file order, a batch at a time. */
export function readRecords(input: Readable, format: "CSV" | "JSONL"): AsyncGenerator<TRecord[]> {
  return format === "CSV" ? csvRecords(input) : jsonlRecords(input);
}

/** The columns and the first rows, for the mapping step. */
export async function readPreview(
  input: Readable,
  format: "CSV" | "JSONL",
  rows = 10,
): Promise<{ columns: string[]; rows: Record<string, string>[] }> {
  const out: Record<string, string>[] = [];
  const columns = new Set<string>();
  read: for await (const batch of readRecords(input, format)) {
    for (const r of batch) {
      if ("values" in r) {
        out.push(r.values);
        Object.keys(r.values).forEach((k) => columns.add(k));
      }
      if (out.length >= rows) break read;
    }
  }
  input.destroy();
  return { columns: [...columns], rows: out };
}

/** A time in the chosen format (lib/ingest/time.ts); naive ISO times are read in the chosen zone. */
export function parseTime(value: string, format: TImportOptions["timeFormat"], timeZone: string): Date | string {
  const read = readTime(value, format, timeZone);
  return read.ok ? read.date : read.reason;
}

const CATEGORY_BY_NAME = new Map<string, TEventCategory>(
  EVENT_CATEGORIES.flatMap(
    (c) =>
      [
        [c.toLowerCase(), c],
        [EVENT_CATEGORY_LABELS[c].toLowerCase(), c],
      ] as [string, TEventCategory][],
  ),
);

function column(values: Record<string, string>, name: string): string {
  return name ? (values[name] ?? "").trim() : "";
}

/** One record → an event row, or the reason it is refused. (Runs per row: no closures made here.) */
export function toEventRow(values: Record<string, string>, o: TImportOptions): TImportRow | string {
  const m = o.mapping;
  const occurredAt = parseTime(column(values, m.occurredAt), o.timeFormat, o.timeZone);
  if (typeof occurredAt === "string") return `${o.mapping.occurredAt}: ${occurredAt}`;
  let endsAt: Date | null = null;
  if (column(values, m.endsAt)) {
    const e = parseTime(column(values, m.endsAt), o.timeFormat, o.timeZone);
    if (typeof e === "string") return `${o.mapping.endsAt}: ${e}`;
    if (e < occurredAt) return `${o.mapping.endsAt}: the end is before the start.`;
    endsAt = e;
  }
  const title = column(values, m.title);
  if (!title) return `${o.mapping.title}: the title is empty.`;
  if (title.length > 300) return `${o.mapping.title}: the title is longer than 300 characters.`;
  const description = column(values, m.description);
  if (description.length > 20_000) return `${o.mapping.description}: the description is longer than 20,000 characters.`;
  const rawCategory = column(values, m.category);
  const name = rawCategory.toLowerCase();
  const category = rawCategory
    ? (CATEGORY_BY_NAME.get(name) ?? CATEGORY_BY_NAME.get(name.replace(/[-\s]+/g, "_")))
    : o.defaultCategory;
  if (!category)
    return `${o.mapping.category}: unknown category "${rawCategory.slice(0, 40)}" (use one of ${EVENT_CATEGORIES.join(", ")}).`;
  const rawConfidence = column(values, m.confidence).toUpperCase();
  const confidence = rawConfidence ? CONFIDENCES.find((c) => c === rawConfidence) : o.defaultConfidence;
  if (!confidence)
    return `${o.mapping.confidence}: unknown confidence "${rawConfidence.slice(0, 40)}" (use CONFIRMED, LIKELY or POSSIBLE).`;
  const source = column(values, m.source) || o.defaultSource;
  if (source.length > 500) return `${o.mapping.source}: the source is longer than 500 characters.`;
  // PostgreSQL text holds neither NUL nor half a UTF-16 surrogate pair (JSON's "\ud800"): refused
  // here, by row, rather than failing the whole commit.
  for (const [field, value] of [
    ["title", title],
    ["description", description],
    ["source", source],
  ] as const) {
    if (value.includes("\0") || !value.isWellFormed())
      return `${m[field] || field}: contains a NUL character or broken Unicode.`;
  }
  const externalId = column(values, m.externalId);
  // The key: the row's own id, hashed; or its time (so time-ordered files append to the index)
  // and a hash of every field, the time included. 22 base64url characters are 132 bits of the SHA-256.
  const dedupeKey = externalId
    ? `id.${hash("sha256", externalId, "base64url").slice(0, 22)}`
    : `${occurredAt.getTime().toString(36).padStart(9, "0")}.${hash("sha256", JSON.stringify([occurredAt.getTime(), endsAt?.getTime() ?? null, title, description, category, source, confidence]), "base64url").slice(0, 22)}`;
  return { occurredAt, endsAt, title, description, category, source, confidence, dedupeKey };
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * 53 bits of a dedupe key's hash, to count a file's repeated rows in a Set of numbers (a 10M-row
 * file: ~200 MB, where the keys themselves would take ~1 GB). Two different rows share one with
 * odds of about n²/2^54 (1 in 18,000 for a million rows); that would only miscount one repeat in
 * the validation summary: the commit de-duplicates by the full key in the database.
 */
export function keyFingerprint(dedupeKey: string): number {
  const h = dedupeKey.slice(dedupeKey.indexOf(".") + 1);
  let v = 0;
  for (let i = 0; i < 8; i++) v = v * 64 + BASE64URL.indexOf(h[i]!);
  return v * 32 + (BASE64URL.indexOf(h[8]!) >> 1);
}
