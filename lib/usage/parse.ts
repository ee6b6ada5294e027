import "server-only";
import { createHmac } from "node:crypto";
import ipaddr from "ipaddr.js";
import { holdsCardNumber, KEY_KIND_PREFIX, mayHoldKey, quoted, SECRET_KEY } from "@/lib/ingest/secrets";
import { readIsoUtcMs, readTime, type TReadAs } from "@/lib/ingest/time";
import {
  BUCKET_SECONDS_MAX,
  USAGE_FIELDS,
  usageFieldName,
  type TUsageMapping,
  type TUsageOptions,
} from "@/lib/usage/schemas";

// One usage record (a CSV row's cells, or a JSON row flattened to named columns) → the usage
// row's column texts (or a TUsageRow), or the reason it is refused. Secrets are never stored: what looks like a secret API key becomes
// a keyed hash with its prefix and last four characters; a full payment card number refuses
// the row. A value is never read as something else: bad numbers, addresses and times are
// reasons, not zeros.

export type TUsageRow = {
  occurredAt: Date;
  bucketSeconds: number;
  accountId: string | null;
  projectId: string | null;
  apiKeyId: string | null;
  ip: string | null;
  userAgent: string | null;
  model: string | null;
  endpoint: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  requests: number;
  statusCode: number | null;
  rateLimited: boolean;
  paymentFingerprint: string | null;
  deviceFingerprint: string | null;
};

const TEXT_MAX = 512;
const COUNT_MAX = 1e12;
const INT4_MAX = 2_147_483_647; // the request count's column

export type TRedact = (secret: string) => string;

/**
 * Redaction keyed by a server secret: the same key in two files gives the same value (so it
 * links), but the value cannot be checked against a guessed key without the server's secret.
 */
export function createRedactor(key: string | Buffer): TRedact {
  return (secret) => {
    const prefix = KEY_KIND_PREFIX.exec(secret)?.[0] ?? "";
    const mac = createHmac("sha256", key).update(secret).digest("hex").slice(0, 16);
    return `${prefix}…${secret.slice(-4)}#${mac}`;
  };
}

/**
 * Whether `v` is an IPv4 address in dotted decimal as PostgreSQL writes it: four parts of 0 to
 * 255, no leading zeros. Read a character at a time (once for every row of a log: a regular
 * expression took twice as long).
 */
export function isPlainIpv4(v: string): boolean {
  if (v.length < 7 || v.length > 15) return false;
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= v.length; i++) {
    const c = i < v.length ? v.charCodeAt(i) : 46; // the end closes the last part, as a dot would
    if (c === 46) {
      if (digits === 0 || value > 255) return false;
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // a leading zero
      value = value * 10 + c - 48;
      if (++digits > 3) return false;
    } else return false;
  }
  return parts === 4;
}

/** An address as PostgreSQL's inet takes it, or null for a masked one (`10.0.0.***`). */
function readIp(raw: string): string | null | { reason: string } {
  if (isPlainIpv4(raw)) return raw; // already canonical: most addresses in most logs
  if (/[*]|\.x+$/i.test(raw)) return null; // masked at the source: nothing to read
  const bare = /^\[([^\]]+)\](?::\d+)?$/.exec(raw)?.[1] ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(raw)?.[1] ?? raw;
  if (!ipaddr.isValid(bare)) return { reason: `${quoted(raw, 60)} is not an IP address.` };
  // Forms a library reads but a reader would not: 010.0.0.1 is 8.0.0.1 in octal, 2130706433
  // and 0x7f.1 are 127.0.0.1; an IPv6 zone (fe80::1%eth0) names an interface of one machine.
  // An IPv6 address may end in an IPv4 one (::ffff:1.2.3.4): the same holds for that part.
  const v4 = bare.includes(":") ? bare.slice(bare.lastIndexOf(":") + 1) : bare;
  if ((v4 === bare ? ipaddr.IPv4.isValid(bare) : v4.includes(".")) && !ipaddr.IPv4.isValidFourPartDecimal(v4))
    return {
      reason: `${quoted(raw, 60)} is not written a.b.c.d in decimal; read otherwise, it would name another address.`,
    };
  if (bare.includes("%")) return { reason: `${quoted(raw, 60)} names a network interface (%…), which is not stored.` };
  return ipaddr.process(bare).toString();
}

/** Plain digits (the common case) without a regular expression. */
function isDigits(raw: string): boolean {
  if (raw.length === 0 || raw.length > 13) return false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A count as COPY takes it (its number left in `counts[k]`), or why it is refused. */
function readCount(
  raw: string,
  { fallback, max, k }: { fallback: number; max: number; k: number },
  counts: Float64Array,
): string | { reason: string } {
  const n = raw === "" ? fallback : Number(raw);
  counts[k] = n;
  if (raw === "") return String(fallback);
  if (isDigits(raw) && n <= max) return raw;
  if (!/^\d+(\.0+)?$/.test(raw)) return { reason: `${quoted(raw)} is not a whole number.` };
  return n > max ? { reason: `${quoted(raw)} is larger than any real count.` } : String(n);
}

/** A rate-limited flag (lower case) as true or false, or null for neither. Compared, not looked up: once per row. */
function readFlag(flag: string): boolean | null {
  switch (flag) {
    case "false":
    case "0":
    case "no":
    case "n":
    case "f":
      return false;
    case "true":
    case "1":
    case "yes":
    case "y":
    case "t":
      return true;
    default:
      return null;
  }
}

/**
 * A usage row as the text of each of its columns, in this order (what COPY loads after the
 * row's ordinal and line): null is SQL NULL. Text is not yet escaped for COPY.
 */
export const USAGE_COLUMNS = [
  "occurredAt",
  "bucketSeconds",
  "accountId",
  "projectId",
  "apiKeyId",
  "ip",
  "userAgent",
  "model",
  "endpoint",
  "inputTokens",
  "outputTokens",
  "cachedTokens",
  "requests",
  "statusCode",
  "rateLimited",
  "paymentFingerprint",
  "deviceFingerprint",
] as const satisfies readonly (keyof TUsageRow)[];
export type TUsageCells = (string | null)[];
/** The columns a usage group is keyed by (lib/usage/groups.ts), in this order. */
export const GROUP_KEY = [
  "accountId",
  "projectId",
  "apiKeyId",
  "ip",
  "model",
  "endpoint",
  "paymentFingerprint",
  "deviceFingerprint",
] as const satisfies readonly (typeof USAGE_COLUMNS)[number][];
/** Each column's position in USAGE_COLUMNS (and so in a row's cells). */
export const AT = Object.fromEntries(USAGE_COLUMNS.map((c, i) => [c, i])) as Record<
  (typeof USAGE_COLUMNS)[number],
  number
>;
/** How many rows' times were read in each format. */
export type TTimeFormatCounts = Partial<Record<TReadAs, number>>;
/**
 * The bulk loader's side of reading a row, one object reused for every row: what it knows of the
 * row's batch, and where readUsageCells leaves a kept row's numbers.
 */
export type TRowContext = {
  /** Counted for kept rows: how many times were read in each format. */
  formats?: TTimeFormatCounts;
  /** The batch's text holds no `k-` in any case, so none of its cells can hold a secret key. */
  keyFree?: boolean;
  /** The batch's text holds no NUL character. */
  nulFree?: boolean;
  /** The row's time, in milliseconds since 1970. */
  ms: number;
  /** The row's counts, in COUNTS order. */
  counts: Float64Array;
};

/** The counts a row's numbers are kept for (TRowContext), in this order. */
export const COUNTS = ["inputTokens", "outputTokens", "cachedTokens", "requests"] as const;

/** Where a read without a context leaves its counts. */
const SCRATCH_COUNTS = new Float64Array(COUNTS.length);

/** A context for readUsageCells. */
export const rowContext = (formats?: TTimeFormatCounts): TRowContext => ({
  formats,
  ms: 0,
  counts: new Float64Array(COUNTS.length),
});

/** Field ordinals (USAGE_FIELDS) → the column each is read from, and where its text goes. */
const FIELD = Object.fromEntries(USAGE_FIELDS.map((f, i) => [f, i])) as Record<(typeof USAGE_FIELDS)[number], number>;
const TEXT_FIELDS = (
  [
    "accountId",
    "projectId",
    "apiKeyId",
    "userAgent",
    "model",
    "endpoint",
    "paymentFingerprint",
    "deviceFingerprint",
  ] as const
).map((f) => ({ name: usageFieldName(f), from: FIELD[f], to: USAGE_COLUMNS.indexOf(f) }));
/** Each count's value when its cell is empty or unmapped, and the most it may be. */
const COUNT_RULES = {
  inputTokens: [0, COUNT_MAX],
  outputTokens: [0, COUNT_MAX],
  cachedTokens: [0, COUNT_MAX],
  requests: [1, INT4_MAX],
} as const satisfies Record<(typeof COUNTS)[number], readonly [number, number]>;
const COUNT_FIELDS = COUNTS.map((f, k) => ({
  name: usageFieldName(f),
  from: FIELD[f],
  to: USAGE_COLUMNS.indexOf(f),
  fallback: COUNT_RULES[f][0],
  max: COUNT_RULES[f][1],
  k,
}));

/**
 * For records that are arrays of cells (a CSV file's rows): each usage field's cell index under
 * `mapping`, resolved once per header rather than looked up by name on every row; -1 for none.
 */
export function fieldIndex(columns: readonly string[], mapping: TUsageMapping): Int32Array {
  const at = new Map<string, number>();
  columns.forEach((c, i) => at.set(c, i)); // a CSV header names each column once (records.ts#headerOf)
  return Int32Array.from(USAGE_FIELDS, (f) => (mapping[f] ? (at.get(mapping[f]) ?? -1) : -1));
}

/** For records of named values (JSON): the mapped values in field order, read with IDENTITY. */
export function cellsOfValues(values: Record<string, string>, mapping: TUsageMapping): string[] {
  return USAGE_FIELDS.map((f) => (mapping[f] ? (values[mapping[f]] ?? "") : ""));
}
export const IDENTITY = Int32Array.from(USAGE_FIELDS, (_, i) => i);

function cellOf(cells: readonly string[], index: Int32Array, field: number): string {
  const at = index[field]!;
  return at < 0 ? "" : (cells[at] ?? "").trim();
}

/**
 * The one reading of a usage record: writes the row's column texts into `out` (USAGE_COLUMNS
 * order) and answers null, or answers why the row is refused (`field: reason`). `out` is reused
 * from row to row by the bulk loader, so a row costs no object of its own.
 */
export function readUsageCells(
  cells: readonly string[],
  index: Int32Array,
  o: TUsageOptions,
  redact: TRedact,
  out: TUsageCells,
  row?: TRowContext,
): string | null {
  const time = cellOf(cells, index, FIELD.occurredAt);
  // Most logs write `…T10:00:00.123Z`: read exactly as readTime would, and kept as written.
  const fast = o.timeFormat === "auto" || o.timeFormat === "iso" ? readIsoUtcMs(time) : null;
  let startMs: number;
  let as: TReadAs;
  if (fast !== null) {
    startMs = fast;
    out[AT.occurredAt] = time;
    as = "iso";
  } else {
    const start = readTime(time, o.timeFormat, "UTC");
    if (!start.ok) return `${usageFieldName("occurredAt")}: ${start.reason}`;
    startMs = start.date.getTime();
    out[AT.occurredAt] = start.date.toISOString();
    as = start.as;
  }
  let bucketSeconds = o.bucketSeconds;
  const endText = cellOf(cells, index, FIELD.bucketEnd);
  if (endText) {
    const end = readTime(endText, o.timeFormat, "UTC");
    if (!end.ok) return `${usageFieldName("bucketEnd")}: ${end.reason}`;
    bucketSeconds = Math.round((end.date.getTime() - startMs) / 1000);
    if (bucketSeconds < 0) return `${usageFieldName("bucketEnd")}: the bucket ends before it starts.`;
    if (bucketSeconds > BUCKET_SECONDS_MAX) return `${usageFieldName("bucketEnd")}: the bucket is longer than 31 days.`;
  }
  out[AT.bucketSeconds] = String(bucketSeconds);

  for (const { name, from, to } of TEXT_FIELDS) {
    const value = cellOf(cells, index, from);
    if (value === "") {
      out[to] = null;
      continue;
    }
    if (!row?.nulFree && value.includes("\0")) return `${name}: holds a NUL character.`;
    if (holdsCardNumber(value))
      return `${name}: holds what looks like a full payment card number; the row is refused and none of it is loaded.`;
    const redacted = !row?.keyFree && mayHoldKey(value) ? value.replace(SECRET_KEY, redact) : value;
    if (redacted.length > TEXT_MAX) return `${name}: longer than ${TEXT_MAX} characters.`;
    out[to] = redacted;
  }

  const ipText = cellOf(cells, index, FIELD.ip);
  const ip = ipText ? readIp(ipText) : null;
  if (ip && typeof ip === "object") return `${usageFieldName("ip")}: ${ip.reason}`;
  out[AT.ip] = ip;

  const counts = row?.counts ?? SCRATCH_COUNTS;
  for (const field of COUNT_FIELDS) {
    const n = readCount(cellOf(cells, index, field.from), field, counts);
    if (typeof n === "object") return `${field.name}: ${n.reason}`;
    out[field.to] = n;
  }

  const status = cellOf(cells, index, FIELD.statusCode);
  if (status && (status.length !== 3 || !isDigits(status) || status < "100"))
    return `${usageFieldName("statusCode")}: ${quoted(status)} is not an HTTP status code.`;
  out[AT.statusCode] = status || null;
  const flag = cellOf(cells, index, FIELD.rateLimited).toLowerCase();
  const limited = flag ? readFlag(flag) : status === "429";
  if (limited === null) return `${usageFieldName("rateLimited")}: ${quoted(flag)} is not true or false.`;
  out[AT.rateLimited] = limited ? "t" : "f";
  if (row) {
    // Counted for rows kept only: a column that mixes formats is reported with the import.
    if (row.formats) row.formats[as] = (row.formats[as] ?? 0) + 1;
    row.ms = startMs;
  }
  return null;
}

/**
 * The columns that hold the same value in every row read under `o`, because its mapping gives
 * them no source: that value's text (null for NULL), by USAGE_COLUMNS position. A gateway log's
 * bucket width, cached tokens and request count, say.
 */
export function constantColumns(o: TUsageOptions): Map<number, string | null> {
  const constant = new Map<number, string | null>();
  if (!o.mapping.bucketEnd) constant.set(AT.bucketSeconds, String(o.bucketSeconds));
  for (const { from, to } of TEXT_FIELDS) if (!o.mapping[USAGE_FIELDS[from]!]) constant.set(to, null);
  if (!o.mapping.ip) constant.set(AT.ip, null);
  for (const { from, to, fallback } of COUNT_FIELDS)
    if (!o.mapping[USAGE_FIELDS[from]!]) constant.set(to, String(fallback));
  if (!o.mapping.statusCode) {
    constant.set(AT.statusCode, null);
    if (!o.mapping.rateLimited) constant.set(AT.rateLimited, "f");
  }
  return constant;
}

/** The column texts of a row (the inverse of rowOfCells), for loading rows built in code. */
export function cellsOfRow(r: TUsageRow): TUsageCells {
  return USAGE_COLUMNS.map((c) => {
    const v = r[c];
    return v === null
      ? null
      : v instanceof Date
        ? v.toISOString()
        : typeof v === "boolean"
          ? v
            ? "t"
            : "f"
          : String(v);
  });
}

function rowOfCells(c: TUsageCells): TUsageRow {
  const text = (column: (typeof USAGE_COLUMNS)[number]) => c[AT[column]]!;
  const count = (column: (typeof USAGE_COLUMNS)[number]) => Number(c[AT[column]]);
  return {
    occurredAt: new Date(text("occurredAt")),
    bucketSeconds: count("bucketSeconds"),
    accountId: text("accountId"),
    projectId: text("projectId"),
    apiKeyId: text("apiKeyId"),
    ip: text("ip"),
    userAgent: text("userAgent"),
    model: text("model"),
    endpoint: text("endpoint"),
    inputTokens: count("inputTokens"),
    outputTokens: count("outputTokens"),
    cachedTokens: count("cachedTokens"),
    requests: count("requests"),
    statusCode: text("statusCode") === null ? null : count("statusCode"),
    rateLimited: text("rateLimited") === "t",
    paymentFingerprint: text("paymentFingerprint"),
    deviceFingerprint: text("deviceFingerprint"),
  };
}

/** One record of named values → its usage row, or why it is refused (`field: reason`). */
export function toUsageRow(values: Record<string, string>, o: TUsageOptions, redact: TRedact): TUsageRow | string {
  const out: TUsageCells = new Array(USAGE_COLUMNS.length);
  const reason = readUsageCells(cellsOfValues(values, o.mapping), IDENTITY, o, redact, out);
  return reason ?? rowOfCells(out);
}
