import "server-only";
import { hash } from "node:crypto";
import { CONFIDENCES, EVENT_CATEGORIES, EVENT_CATEGORY_LABELS, type TEventCategory } from "@/lib/timeline/schemas";
import type { TImportOptions } from "@/lib/timeline/import-schemas";
import { readTime } from "@/lib/ingest/time";

// Mapping an import file's records (lib/ingest/records.ts) into event rows, or the reason each
// is refused.

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
