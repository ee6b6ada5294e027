import "server-only";
import { hash } from "node:crypto";
import { CONFIDENCES, EVENT_CATEGORIES, EVENT_CATEGORY_LABELS, type TEventCategory } from "@/lib/timeline/schemas";
import {
  CUSTOM_CATEGORY_MAX,
  IMPORT_FIELDS,
  type TCategoryChoice,
  type TImportOptions,
} from "@/lib/timeline/import-schemas";
import { isValidTimeZone } from "@/lib/timeline/time";
import { quoted } from "@/lib/ingest/secrets";
import { readTime, type TReadAs } from "@/lib/ingest/time";

// Mapping an import file's records (lib/ingest/records.ts) into event rows, or the reason each
// is refused. Nothing in a row is dropped silently: columns mapped to no field are kept as the
// event's attributes, a category value that is not built-in is mapped as the user chose (or put
// in Other), its original value kept as an attribute, and a title too long for one is split
// rather than refused.

export type TImportRow = {
  occurredAt: Date;
  endsAt: Date | null;
  title: string;
  description: string;
  category: TEventCategory;
  customCategory: string | null;
  source: string;
  confidence: (typeof CONFIDENCES)[number];
  attributes: Record<string, string> | null;
  dedupeKey: string;
};

/** What validation counts about a row besides the row itself. */
export type TRowNotes = {
  timeAs: TReadAs;
  category: { value: string; to: TCategoryChoice["to"] | "unmapped" } | null;
  split: boolean;
};

export const TITLE_MAX = 300;
const DESCRIPTION_MAX = 20_000;
const ATTRIBUTES_MAX = 65_536;

const CATEGORY_BY_NAME = new Map<string, TEventCategory>(
  EVENT_CATEGORIES.flatMap(
    (c) =>
      [
        [c.toLowerCase(), c],
        [EVENT_CATEGORY_LABELS[c].toLowerCase(), c],
      ] as [string, TEventCategory][],
  ),
);

/** A built-in category by its name or label, in any case, spaces or hyphens for underscores. */
export function builtinCategory(value: string): TEventCategory | undefined {
  const name = value.trim().toLowerCase();
  return CATEGORY_BY_NAME.get(name) ?? CATEGORY_BY_NAME.get(name.replace(/[-\s]+/g, "_"));
}

/** What our CSV export puts before a cell that a spreadsheet would run as a formula (export.ts#csvCell). */
const ESCAPED = /^'[=+\-@\t\r]/;

/** The options turned into what each row needs, once per job (toEventRow runs per row). */
export type TImportPlan = {
  o: TImportOptions;
  /** Columns that feed a field or are ignored: never kept as attributes. */
  used: Set<string>;
  categories: Map<string, TCategoryChoice>;
  zones: Map<string, boolean>;
};

export function importPlan(o: TImportOptions): TImportPlan {
  const used = new Set<string>(o.ignore);
  for (const f of IMPORT_FIELDS) if (o.mapping[f]) used.add(o.mapping[f]);
  return {
    o,
    used,
    categories: new Map(Object.entries(o.categoryMap).map(([k, v]) => [k.trim().toLowerCase(), v])),
    zones: new Map(),
  };
}

/** A time in the chosen format (lib/ingest/time.ts); naive ISO times are read in the chosen zone. */
export function parseTime(value: string, format: TImportOptions["timeFormat"], timeZone: string): Date | string {
  const read = readTime(value, format, timeZone);
  return read.ok ? read.date : read.reason;
}

function column(values: Record<string, string>, name: string, own: boolean): string {
  if (!name) return "";
  const v = (values[name] ?? "").trim();
  return own && ESCAPED.test(v) ? v.slice(1) : v;
}

const storable = (value: string) => !value.includes("\0") && value.isWellFormed();

/** A title over the limit: its first line, cut at a word if it can be, with an ellipsis. */
function shortTitle(text: string): string {
  const first = text.split("\n", 1)[0]!.trim();
  if (first.length <= TITLE_MAX) return first;
  const cut = first.slice(0, TITLE_MAX - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > TITLE_MAX / 2 ? cut.slice(0, space) : cut}…`;
}

/** The attributes column (a JSON object) and the unmapped columns, or a reason. */
function attributesOf(values: Record<string, string>, p: TImportPlan): Record<string, string> | null | string {
  const { o } = p;
  const own = o.ownExport;
  const out: Record<string, string> = {};
  let n = 0;
  const json = column(values, o.mapping.attributes, own);
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      parsed = null;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      return `${o.mapping.attributes}: not a JSON object of attributes.`;
    for (const [k, v] of Object.entries(parsed)) {
      out[k] = typeof v === "string" ? v : JSON.stringify(v);
      n++;
    }
  }
  if (o.keepUnmapped)
    for (const k in values) {
      if (p.used.has(k) || k in out) continue;
      const v = column(values, k, own);
      if (v) {
        out[k] = v;
        n++;
      }
    }
  return n ? out : null;
}

/** One record → an event row and what validation counts about it, or the reason it is refused. */
export function toEventRow(
  values: Record<string, string>,
  p: TImportPlan,
): { row: TImportRow; notes: TRowNotes } | string {
  const { o } = p;
  const m = o.mapping;
  const own = o.ownExport;
  let zone = o.timeZone;
  const rowZone = column(values, m.timeZoneColumn, own);
  if (rowZone) {
    let known = p.zones.get(rowZone);
    if (known === undefined) p.zones.set(rowZone, (known = isValidTimeZone(rowZone)));
    if (!known) return `${m.timeZoneColumn}: ${quoted(rowZone)} is not a known time zone.`;
    zone = rowZone;
  }
  const timeOfDay = column(values, m.timeOfDay, own);
  const when = column(values, m.occurredAt, own) + (timeOfDay ? ` ${timeOfDay}` : "");
  const read = readTime(when, o.timeFormat, zone);
  if (!read.ok) return `${m.occurredAt}: ${read.reason}`;
  const occurredAt = read.date;
  const timeAs = read.as;
  let endsAt: Date | null = null;
  if (column(values, m.endsAt, own)) {
    const e = readTime(column(values, m.endsAt, own), o.timeFormat, zone);
    if (!e.ok) return `${m.endsAt}: ${e.reason}`;
    if (e.date < occurredAt) return `${m.endsAt}: the end is before the start.`;
    endsAt = e.date;
  }

  let title = column(values, m.title, own);
  let description = column(values, m.description, own);
  let split = false;
  if (!title) return `${m.title}: the title is empty.`;
  if (title.length > TITLE_MAX) {
    if (o.longTitle === "reject") return `${m.title}: the title is longer than ${TITLE_MAX} characters.`;
    description = description ? `${title}\n\n${description}` : title;
    title = shortTitle(title);
    split = true;
  }
  if (description.length > DESCRIPTION_MAX)
    return `${m.description || m.title}: the description is longer than ${DESCRIPTION_MAX.toLocaleString("en")} characters.`;

  const found = attributesOf(values, p);
  if (typeof found === "string") return found;
  let attributes = found;

  const rawCategory = column(values, m.category, own);
  let category: TEventCategory = o.defaultCategory;
  let customCategory: string | null = column(values, m.customCategory, own) || null;
  if (customCategory && customCategory.length > CUSTOM_CATEGORY_MAX)
    return `${m.customCategory}: a case category can be at most ${CUSTOM_CATEGORY_MAX} characters.`;
  let categoryNote: TRowNotes["category"] = null;
  if (rawCategory) {
    const builtin = builtinCategory(rawCategory);
    if (builtin) category = builtin;
    else {
      const choice = p.categories.get(rawCategory.toLowerCase());
      categoryNote = { value: rawCategory.slice(0, 100), to: choice?.to ?? "unmapped" };
      category = choice?.to === "builtin" ? choice.category : "OTHER";
      if (choice?.to === "custom") customCategory = choice.name;
      // The file's own value is kept where the user can still see, search and export it, unless
      // it is the case category's name itself.
      if (choice?.to !== "custom" || choice.name.toLowerCase() !== rawCategory.toLowerCase())
        attributes = { ...attributes, [m.category]: rawCategory };
    }
  }
  return withRow(attributes);

  function withRow(attrs: Record<string, string> | null): { row: TImportRow; notes: TRowNotes } | string {
    const rawConfidence = column(values, m.confidence, own).toUpperCase();
    const confidence = rawConfidence ? CONFIDENCES.find((c) => c === rawConfidence) : o.defaultConfidence;
    if (!confidence)
      return `${m.confidence}: unknown confidence ${quoted(rawConfidence)} (use CONFIRMED, LIKELY or POSSIBLE).`;
    const source = column(values, m.source, own) || o.defaultSource;
    if (source.length > 500) return `${m.source}: the source is longer than 500 characters.`;
    const attributesText = attrs ? JSON.stringify(attrs) : "";
    if (attributesText.length > ATTRIBUTES_MAX)
      return `The columns kept as attributes are longer than ${ATTRIBUTES_MAX.toLocaleString("en")} characters.`;
    // PostgreSQL text holds neither NUL nor half a UTF-16 surrogate pair (JSON's "\ud800"): refused
    // here, by row, rather than failing the whole commit.
    for (const [field, value] of [
      [m.title || "title", title],
      [m.description || "description", description],
      [m.source || "source", source],
      [m.customCategory || m.category || "category", customCategory ?? ""],
      ["attributes", attributesText],
    ] as const) {
      if (!storable(value)) return `${field}: contains a NUL character or broken Unicode.`;
    }
    const externalId = column(values, m.externalId, own);
    // The key: the row's own id, hashed; or its time (so time-ordered files append to the index)
    // and a hash of every field, the time included. 22 base64url characters are 132 bits of the
    // SHA-256. A case category and attributes join the hash only when present, so rows without
    // them keep the keys earlier imports gave them.
    const fields: unknown[] = [
      occurredAt.getTime(),
      endsAt?.getTime() ?? null,
      title,
      description,
      category,
      source,
      confidence,
    ];
    if (customCategory || attrs) fields.push(customCategory, attributesText);
    const dedupeKey = externalId
      ? `id.${hash("sha256", externalId, "base64url").slice(0, 22)}`
      : `${occurredAt.getTime().toString(36).padStart(9, "0")}.${hash("sha256", JSON.stringify(fields), "base64url").slice(0, 22)}`;
    return {
      row: {
        occurredAt,
        endsAt,
        title,
        description,
        category,
        customCategory,
        source,
        confidence,
        attributes: attrs,
        dedupeKey,
      },
      notes: { timeAs, category: categoryNote, split },
    };
  }
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
