import "server-only";
import { createHmac } from "node:crypto";
import ipaddr from "ipaddr.js";
import { readTime } from "@/lib/ingest/time";
import type { TUsageField, TUsageOptions } from "@/lib/usage/schemas";

// One usage record (a CSV or JSON row, already flattened to named columns) → a usage row, or
// the reason it is refused. Secrets are never stored: what looks like a secret API key becomes
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

const TEXT_FIELDS = [
  "accountId",
  "projectId",
  "apiKeyId",
  "userAgent",
  "model",
  "endpoint",
  "paymentFingerprint",
  "deviceFingerprint",
] as const satisfies readonly TUsageField[];
const TEXT_MAX = 512;
const COUNT_MAX = 1e12;

/** Secret API keys as providers print them: sk-…, sk-proj-…, sk-svcacct-…, rk-… */
const SECRET_KEY = /\b(?:sk|rk)-(?:(?:proj|svcacct|admin|live|test)-)?[A-Za-z0-9_-]{20,}/g;
/** 13–19 digits, optionally grouped by spaces or dashes: a candidate card number. */
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;

export type TRedact = (secret: string) => string;

/**
 * Redaction keyed by a server secret: the same key in two files gives the same value (so it
 * links), but the value cannot be checked against a guessed key without the server's secret.
 */
export function createRedactor(key: string | Buffer): TRedact {
  return (secret) => {
    const prefix = /^[a-z]+-(?:(?:proj|svcacct|admin|live|test)-)?/i.exec(secret)?.[0] ?? "";
    const mac = createHmac("sha256", key).update(secret).digest("hex").slice(0, 16);
    return `${prefix}…${secret.slice(-4)}#${mac}`;
  };
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = +digits[digits.length - 1 - i]!;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Does the text hold what looks like a full payment card number (a major network's, Luhn-valid)? */
export function holdsCardNumber(text: string): boolean {
  if (text.length < 13) return false; // the common case, without a regular expression
  for (const match of text.matchAll(CARD_CANDIDATE)) {
    const digits = match[0].replace(/[ -]/g, "");
    if (digits.length >= 13 && /^[2-6]/.test(digits) && passesLuhn(digits)) return true;
  }
  return false;
}

const PLAIN_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** An address as PostgreSQL's inet takes it, or null for a masked one (`10.0.0.***`). */
function readIp(raw: string): string | null | { reason: string } {
  if (PLAIN_IPV4.test(raw)) return raw; // already canonical: most addresses in most logs
  if (/[*]|\.x+$/i.test(raw)) return null; // masked at the source: nothing to read
  const bare = /^\[([^\]]+)\](?::\d+)?$/.exec(raw)?.[1] ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(raw)?.[1] ?? raw;
  if (!ipaddr.isValid(bare)) return { reason: `"${raw.slice(0, 60)}" is not an IP address.` };
  return ipaddr.process(bare).toString();
}

function readCount(raw: string, fallback: number): number | { reason: string } {
  if (raw === "") return fallback;
  if (!/^\d+(\.0+)?$/.test(raw)) return { reason: `"${raw.slice(0, 40)}" is not a whole number.` };
  const n = Number(raw);
  return n > COUNT_MAX ? { reason: `${raw} is larger than any real count.` } : n;
}

const TRUE = new Set(["true", "1", "yes", "y", "t"]);
const FALSE = new Set(["false", "0", "no", "n", "f"]);

/** The record's usage row, or why it is refused (`field: reason`). */
export function toUsageRow(values: Record<string, string>, o: TUsageOptions, redact: TRedact): TUsageRow | string {
  const raw = (field: TUsageField) => {
    const column = o.mapping[field];
    return column ? (values[column] ?? "").trim() : "";
  };

  const start = readTime(raw("occurredAt"), o.timeFormat, "UTC");
  if (!start.ok) return `time: ${start.reason}`;
  let bucketSeconds = o.bucketSeconds;
  if (raw("bucketEnd")) {
    const end = readTime(raw("bucketEnd"), o.timeFormat, "UTC");
    if (!end.ok) return `bucket end: ${end.reason}`;
    bucketSeconds = Math.round((end.date.getTime() - start.date.getTime()) / 1000);
    if (bucketSeconds < 0) return "bucket end: the bucket ends before it starts.";
  }

  const text: Partial<Record<(typeof TEXT_FIELDS)[number], string | null>> = {};
  for (const field of TEXT_FIELDS) {
    const value = raw(field);
    if (value.includes("\0")) return `${field}: holds a NUL character.`;
    if (holdsCardNumber(value))
      return `${field}: holds what looks like a full payment card number; the row is refused and nothing of it is stored.`;
    const redacted = value.includes("k-") ? value.replace(SECRET_KEY, redact) : value;
    if (redacted.length > TEXT_MAX) return `${field}: longer than ${TEXT_MAX} characters.`;
    text[field] = redacted || null;
  }

  const ip = raw("ip") ? readIp(raw("ip")) : null;
  if (ip && typeof ip === "object") return `ip: ${ip.reason}`;

  const counts = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, requests: 1 };
  for (const field of Object.keys(counts) as (keyof typeof counts)[]) {
    const n = readCount(raw(field), counts[field]);
    if (typeof n === "object") return `${field}: ${n.reason}`;
    counts[field] = n;
  }

  let statusCode: number | null = null;
  if (raw("statusCode")) {
    statusCode = Number(raw("statusCode"));
    if (!/^\d{3}$/.test(raw("statusCode")) || statusCode < 100)
      return `status: "${raw("statusCode").slice(0, 40)}" is not an HTTP status code.`;
  }
  const flag = raw("rateLimited").toLowerCase();
  if (flag && !TRUE.has(flag) && !FALSE.has(flag)) return `rate limited: "${flag.slice(0, 40)}" is not true or false.`;

  return {
    occurredAt: start.date,
    bucketSeconds,
    accountId: text.accountId ?? null,
    projectId: text.projectId ?? null,
    apiKeyId: text.apiKeyId ?? null,
    ip,
    userAgent: text.userAgent ?? null,
    model: text.model ?? null,
    endpoint: text.endpoint ?? null,
    ...counts,
    statusCode,
    rateLimited: flag ? TRUE.has(flag) : statusCode === 429,
    paymentFingerprint: text.paymentFingerprint ?? null,
    deviceFingerprint: text.deviceFingerprint ?? null,
  };
}
