// How the import wizard maps the files investigators bring (shared with the client): Timesketch
// CSV/JSONL, plaso psort's l2tcsv and dynamic outputs, our own export, and a guess from column
// names for anything else. A preset fills the mapping step; the user can still change any field.
import type { TImportField, TImportOptions } from "@/lib/timeline/import-schemas";

/** The columns of our CSV and JSON exports (lib/timeline/export.ts), in order. */
export const EXPORT_COLUMNS = [
  "id",
  "occurredAt",
  "endsAt",
  "title",
  "description",
  "category",
  "customCategory",
  "source",
  "confidence",
  "attributes",
  "visibility",
  "organisation",
  "author",
  "evidenceIds",
] as const;

export const IMPORT_PRESETS = ["guess", "timesketch", "plaso_l2tcsv", "plaso_dynamic", "casebridge"] as const;
export type TImportPreset = (typeof IMPORT_PRESETS)[number];
export const IMPORT_PRESET_LABELS: Record<TImportPreset, string> = {
  guess: "Other file: guess from the column names",
  timesketch: "Timesketch CSV/JSONL (message, datetime, timestamp, timestamp_desc)",
  plaso_l2tcsv: "plaso psort l2tcsv (date, time, timezone, MACB, …)",
  plaso_dynamic: "plaso psort dynamic (datetime, timestamp_desc, source, message, …)",
  casebridge: "A Casebridge timeline export (CSV or JSON)",
};

export type TPresetOptions = Pick<TImportOptions, "timeFormat" | "ignore" | "ownExport" | "longTitle"> & {
  mapping: Record<TImportField, string>;
  /** Times without an offset in these files are UTC (Timesketch and plaso write UTC). */
  timeZone: string | null;
};

const has = (columns: string[], ...names: string[]) => names.every((n) => columns.includes(n));
const first = (columns: string[], ...names: string[]) => names.find((n) => columns.includes(n)) ?? "";

/** Which preset a file's columns are written in. */
export function detectPreset(columns: string[]): TImportPreset {
  if (has(columns, "id", "occurredAt", "title", "category", "confidence", "evidenceIds")) return "casebridge";
  if (has(columns, "date", "time", "timezone", "MACB", "short", "desc")) return "plaso_l2tcsv";
  if (has(columns, "datetime", "timestamp_desc", "source_long", "message", "parser")) return "plaso_dynamic";
  if (has(columns, "message", "timestamp_desc") && (has(columns, "datetime") || has(columns, "timestamp")))
    return "timesketch";
  return "guess";
}

const EMPTY: Record<TImportField, string> = {
  occurredAt: "",
  endsAt: "",
  title: "",
  description: "",
  category: "",
  source: "",
  confidence: "",
  externalId: "",
  timeOfDay: "",
  timeZoneColumn: "",
  customCategory: "",
  attributes: "",
};

/** The mapping and options a preset gives these columns. */
export function presetOptions(preset: TImportPreset, columns: string[]): TPresetOptions {
  const base = {
    timeFormat: "auto" as const,
    ignore: [] as string[],
    ownExport: false,
    longTitle: "split" as const,
    timeZone: "UTC" as string | null,
  };
  switch (preset) {
    case "timesketch":
      return {
        ...base,
        // datetime is ISO 8601; timestamp (microseconds) is kept as an attribute when datetime is there.
        mapping: {
          ...EMPTY,
          occurredAt: first(columns, "datetime", "timestamp"),
          title: "message",
          category: "timestamp_desc",
          source: first(columns, "source_short", "source", "data_type", "parser"),
        },
      };
    case "plaso_l2tcsv":
      return {
        ...base,
        timeFormat: "mdy",
        mapping: {
          ...EMPTY,
          occurredAt: "date",
          timeOfDay: "time",
          timeZoneColumn: "timezone",
          title: "short",
          description: "desc",
          category: "type",
          source: "source",
        },
      };
    case "plaso_dynamic":
      return {
        ...base,
        mapping: { ...EMPTY, occurredAt: "datetime", title: "message", category: "timestamp_desc", source: "source" },
      };
    case "casebridge":
      return {
        ...base,
        ownExport: true,
        ignore: ["visibility", "organisation", "author", "evidenceIds"],
        mapping: {
          ...EMPTY,
          occurredAt: "occurredAt",
          endsAt: "endsAt",
          title: "title",
          description: "description",
          category: "category",
          customCategory: first(columns, "customCategory"),
          source: "source",
          confidence: "confidence",
          externalId: "id",
          attributes: first(columns, "attributes"),
        },
      };
    default:
      return { ...base, timeZone: null, mapping: guessMapping(columns) };
  }
}

/** Name patterns per field, best first: `datetime` before `timestamp`, `message` before `event_identifier`. */
const GUESSES: [TImportField, RegExp[]][] = [
  [
    "occurredAt",
    [
      /^datetime$/i,
      /^(occurred.?at|event.?time|time.?generated|@timestamp)$/i,
      /^(time|date|when|start|start.?time)$/i,
      /^(timestamp|ts)$/i,
      /(time|date)/i,
    ],
  ],
  ["endsAt", [/^(end|ends.?at|end.?time|until)$/i]],
  ["title", [/^(title|message|summary|msg|short)$/i, /^(name|event|subject)$/i, /(title|message|summary)/i]],
  ["description", [/^(description|details|notes?|body|desc)$/i]],
  ["category", [/^(category|type|kind|timestamp_desc)$/i]],
  ["source", [/^(source|source_short|origin|system|data_type)$/i]],
  ["confidence", [/^confidence$/i]],
  ["externalId", [/^(id|uuid|row.?id|event.?uuid)$/i]],
];

/** A first guess at the mapping from column names; the user corrects it. */
export function guessMapping(columns: string[]): Record<TImportField, string> {
  const out = { ...EMPTY };
  const taken = new Set<string>();
  for (const [field, patterns] of GUESSES) {
    for (const re of patterns) {
      const hit = columns.find((c) => !taken.has(c) && re.test(c));
      if (hit) {
        out[field] = hit;
        taken.add(hit);
        break;
      }
    }
  }
  return out;
}
