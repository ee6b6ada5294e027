import "server-only";
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { PassThrough, Transform, pipeline, type Readable } from "node:stream";
import { parse } from "csv-parse";
import { CONFIDENCES, EVENT_CATEGORIES, EVENT_CATEGORY_LABELS, type TEventCategory } from "@/lib/timeline/schemas";
import type { TImportOptions } from "@/lib/timeline/import-schemas";
import { zonedToUtc } from "@/lib/timeline/time";

// Reading an import file: records with the line each starts on, then each record mapped and
// validated into an event row or a reason. Pure streaming: memory does not grow with the file.

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

/** CRLF → LF before csv-parse, whose line count drifts on CRLF files (a "\r" split across chunks is carried over). */
function normaliseNewlines(): Transform {
  let carry = "";
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      let text = carry + chunk.toString("latin1");
      carry = text.endsWith("\r") ? "\r" : "";
      if (carry) text = text.slice(0, -1);
      done(null, Buffer.from(text.replace(/\r\n/g, "\n"), "latin1"));
    },
    flush(done) {
      done(null, carry ? Buffer.from(carry, "latin1") : null);
    },
  });
}

/** `input` with its bytes counted as they are read (progress); errors pass through. */
export function countBytes(input: Readable, onBytes: (n: number) => void): Readable {
  const counter = new PassThrough();
  counter.on("data", (chunk: Buffer) => onBytes(chunk.length));
  return pipeline(input, counter, () => {});
}

async function* csvRecords(input: Readable): AsyncGenerator<TRecord> {
  const skipped: TRecord[] = [];
  // pipeline, not pipe: a read error of the file must reach the loop below, not hang it.
  const parser = pipeline(
    input,
    normaliseNewlines(),
    parse({ bom: true, info: true, raw: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, record_delimiter: "\n" }),
    () => {},
  );
  parser.on("skip", (error: Error & { lines?: number }) => skipped.push({ line: error.lines ?? 0, error: error.message.replace(/ at line \d+/, "") }));
  let header: string[] | null = null;
  for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
    yield* skipped.splice(0);
    // csv-parse reports the line a record ends on; it starts as many lines earlier as it has newlines inside.
    const inner = raw.replace(/^\n+/, "").replace(/\n$/, "").split("\n").length - 1;
    const line = info.lines - inner;
    if (!header) {
      header = record.map((h, i) => h.trim() || `column ${i + 1}`);
      continue;
    }
    if (record.length !== header.length) {
      yield { line, error: `Expected ${header.length} columns, found ${record.length}.` };
      continue;
    }
    yield { line, values: Object.fromEntries(header.map((h, i) => [h, record[i]!])) };
  }
  yield* skipped.splice(0);
}

async function* jsonlRecords(input: Readable): AsyncGenerator<TRecord> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, "") : text).trim();
    if (!trimmed) continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      yield { line, error: "Not valid JSON." };
      continue;
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      yield { line, error: "Each line must be a JSON object." };
      continue;
    }
    yield { line, values: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v)])) };
  }
}

export function readRecords(input: Readable, format: "CSV" | "JSONL"): AsyncGenerator<TRecord> {
  return format === "CSV" ? csvRecords(input) : jsonlRecords(input);
}

/** The columns and the first rows, for the mapping step. */
export async function readPreview(input: Readable, format: "CSV" | "JSONL", rows = 10): Promise<{ columns: string[]; rows: Record<string, string>[] }> {
  const out: Record<string, string>[] = [];
  const columns = new Set<string>();
  for await (const r of readRecords(input, format)) {
    if ("values" in r) {
      out.push(r.values);
      Object.keys(r.values).forEach((k) => columns.add(k));
    }
    if (out.length >= rows) break;
  }
  input.destroy();
  return { columns: [...columns], rows: out };
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const CLF = /^\[?(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\]?$/;
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1);

/** A time in the chosen format; naive ISO times are read in the chosen zone. */
export function parseTime(value: string, format: TImportOptions["timeFormat"], timeZone: string): Date | string {
  const v = value.trim();
  if (!v) return "The time is empty.";
  let d: Date;
  if (format === "epoch_s" || format === "epoch_ms") {
    if (!/^-?\d+(\.\d+)?$/.test(v)) return `"${v.slice(0, 40)}" is not a number of ${format === "epoch_s" ? "seconds" : "milliseconds"}.`;
    d = new Date(Number(v) * (format === "epoch_s" ? 1000 : 1));
  } else if (format === "clf") {
    const m = CLF.exec(v);
    const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
    if (!m || month < 0) return `"${v.slice(0, 40)}" is not a common log format time (10/Oct/2000:13:55:36 -0700).`;
    const offset = (m[7] === "-" ? -1 : 1) * (+m[8]! * 60 + +m[9]!);
    d = new Date(Date.UTC(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!) - offset * 60_000);
  } else if (HAS_OFFSET.test(v)) {
    d = new Date(v);
    if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) return `"${v.slice(0, 40)}" is not an ISO 8601 time.`;
  } else {
    const r = zonedToUtc(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00` : v, timeZone);
    if (!r.ok) return r.reason.startsWith("Enter") ? `"${v.slice(0, 40)}" is not an ISO 8601 time.` : r.reason;
    d = r.date;
  }
  if (Number.isNaN(d.getTime())) return `"${v.slice(0, 40)}" is not a valid time.`;
  if (d.getTime() < MIN_TIME || d.getTime() >= MAX_TIME) return `${d.toISOString()} is outside 1970–2199: check the time format.`;
  return d;
}

const CATEGORY_BY_NAME = new Map<string, TEventCategory>(
  EVENT_CATEGORIES.flatMap((c) => [[c.toLowerCase(), c], [EVENT_CATEGORY_LABELS[c].toLowerCase(), c]] as [string, TEventCategory][]),
);

/** One record → an event row, or the reason it is refused. */
export function toEventRow(values: Record<string, string>, o: TImportOptions): TImportRow | string {
  const col = (field: keyof TImportOptions["mapping"]) => (o.mapping[field] ? (values[o.mapping[field]] ?? "").trim() : "");
  const occurredAt = parseTime(col("occurredAt"), o.timeFormat, o.timeZone);
  if (typeof occurredAt === "string") return `${o.mapping.occurredAt}: ${occurredAt}`;
  let endsAt: Date | null = null;
  if (col("endsAt")) {
    const e = parseTime(col("endsAt"), o.timeFormat, o.timeZone);
    if (typeof e === "string") return `${o.mapping.endsAt}: ${e}`;
    if (e < occurredAt) return `${o.mapping.endsAt}: the end is before the start.`;
    endsAt = e;
  }
  const title = col("title");
  if (!title) return `${o.mapping.title}: the title is empty.`;
  if (title.length > 300) return `${o.mapping.title}: the title is longer than 300 characters.`;
  const description = col("description");
  if (description.length > 20_000) return `${o.mapping.description}: the description is longer than 20,000 characters.`;
  const rawCategory = col("category");
  const name = rawCategory.toLowerCase();
  const category = rawCategory ? (CATEGORY_BY_NAME.get(name) ?? CATEGORY_BY_NAME.get(name.replace(/[-\s]+/g, "_"))) : o.defaultCategory;
  if (!category) return `${o.mapping.category}: unknown category "${rawCategory.slice(0, 40)}" (use one of ${EVENT_CATEGORIES.join(", ")}).`;
  const rawConfidence = col("confidence").toUpperCase();
  const confidence = rawConfidence ? CONFIDENCES.find((c) => c === rawConfidence) : o.defaultConfidence;
  if (!confidence) return `${o.mapping.confidence}: unknown confidence "${rawConfidence.slice(0, 40)}" (use CONFIRMED, LIKELY or POSSIBLE).`;
  const source = col("source") || o.defaultSource;
  if (source.length > 500) return `${o.mapping.source}: the source is longer than 500 characters.`;
  const externalId = col("externalId");
  const identity = externalId ? ["id", externalId] : ["row", occurredAt.toISOString(), endsAt?.toISOString() ?? "", title, description, category, source, confidence];
  const dedupeKey = createHash("sha256").update(JSON.stringify(identity)).digest("base64url");
  return { occurredAt, endsAt, title, description, category, source, confidence, dedupeKey };
}
