import { z } from "zod";
import { VISIBILITIES } from "@/lib/notes/schemas";
import { CONFIDENCES, EVENT_CATEGORIES } from "@/lib/timeline/schemas";
import { isValidTimeZone } from "@/lib/timeline/time";
import { ZFileName } from "@/lib/evidence/schemas";
import { TIME_FORMATS, TIME_FORMAT_LABELS } from "@/lib/ingest/time";
import { CUSTOM_CATEGORY_MAX, customCategoryName } from "@/lib/timeline/category-schemas";

export { CUSTOM_CATEGORY_MAX };

export { TIME_FORMATS, TIME_FORMAT_LABELS };
export const IMPORT_FIELDS = [
  "occurredAt",
  "endsAt",
  "title",
  "description",
  "category",
  "source",
  "confidence",
  "externalId",
  "timeOfDay",
  "timeZoneColumn",
  "customCategory",
  "attributes",
] as const;
export type TImportField = (typeof IMPORT_FIELDS)[number];
export const IMPORT_FIELD_LABELS: Record<(typeof IMPORT_FIELDS)[number], string> = {
  occurredAt: "Occurred at (required)",
  endsAt: "Ended at",
  title: "Title (required)",
  description: "Description",
  category: "Category",
  source: "Source",
  confidence: "Confidence",
  externalId: "Row id (for de-duplication)",
  timeOfDay: "Time of day, when in its own column",
  timeZoneColumn: "Time zone of each row",
  customCategory: "Case category",
  attributes: "Attributes (a JSON object)",
};
export const IMPORT_MAX_BYTES = 1024 * 1024 * 1024;
export type TImportFormat = "CSV" | "JSONL" | "JSON";
export const IMPORT_FORMATS: Record<string, TImportFormat> = {
  csv: "CSV",
  jsonl: "JSONL",
  ndjson: "JSONL",
  json: "JSON",
};
const FILE_NAME_HELP =
  "Upload a .csv, .jsonl, .ndjson or .json (an array of objects) file, gzip-compressed (.csv.gz) or not (send its name, URI-encoded, in X-File-Name).";
/** The format a file name says, ignoring a trailing .gz (the content decides whether it is un-gzipped). */
export const importFormatOf = (name: string): TImportFormat | undefined =>
  IMPORT_FORMATS[name.replace(/\.gz$/i, "").split(".").pop()!.toLowerCase()];

/**
 * The X-File-Name header as sent: URI-encoded (headers are Latin-1), so it is decoded here; a
 * malformed encoding or a name that is not a .csv/.jsonl/.ndjson file is a 400.
 */
export const ZImportFileName = z
  .string({ message: FILE_NAME_HELP })
  .transform((raw, ctx) => {
    try {
      return decodeURIComponent(raw).trim();
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "The X-File-Name header is not valid URI encoding (encodeURIComponent).",
      });
      return z.NEVER;
    }
  })
  .pipe(
    // The rules of every uploaded file's name (no path, control or bidi characters), then the format.
    ZFileName.refine((name) => importFormatOf(name) !== undefined, { message: FILE_NAME_HELP }),
  )
  .transform((name) => ({ name, format: importFormatOf(name)! }));

const column = z.string().trim().max(200).optional().default("");
export const ZImportOptions = z.object({
  mapping: z.object({
    occurredAt: z
      .string({ message: "Choose the column with the time." })
      .trim()
      .min(1, { message: "Choose the column with the time." }),
    title: z
      .string({ message: "Choose the column with the title." })
      .trim()
      .min(1, { message: "Choose the column with the title." }),
    endsAt: column,
    description: column,
    category: column,
    source: column,
    confidence: column,
    externalId: column,
    timeOfDay: column,
    timeZoneColumn: column,
    customCategory: column,
    attributes: column,
  }),
  /** Columns neither mapped nor kept as attributes (e.g. our own export's organisation and author). */
  ignore: z.array(z.string().max(200)).max(500).default([]),
  /** Unmapped columns are kept with each event as attributes (name → text). */
  keepUnmapped: z.boolean().default(true),
  /** A title over 300 characters: its first line (cut to fit) becomes the title, the whole text the description. */
  longTitle: z.enum(["split", "reject"]).default("split"),
  /** The file is one of our own CSV exports: the ' added for formula safety is taken off again. */
  ownExport: z.boolean().default(false),
  /**
   * What a category value that is not built-in becomes, by its lower-cased text: a built-in
   * category, a case category of that name (new or existing), or Other with the value kept as an
   * attribute. A value not listed here goes to Other, kept.
   */
  categoryMap: z
    .record(
      z.string().max(200),
      z.discriminatedUnion("to", [
        z.object({ to: z.literal("builtin"), category: z.enum(EVENT_CATEGORIES) }),
        z.object({ to: z.literal("custom"), name: customCategoryName }),
        z.object({ to: z.literal("other") }),
      ]),
    )
    .refine((m) => Object.keys(m).length <= 1000, { message: "Map at most 1,000 category values." })
    .default({}),
  timeFormat: z.enum(TIME_FORMATS, { message: "Choose the time format." }).default("auto"),
  timeZone: z.string().trim().default("UTC").refine(isValidTimeZone, { message: "Choose a known time zone." }),
  defaultCategory: z.enum(EVENT_CATEGORIES).default("OTHER"),
  defaultConfidence: z.enum(CONFIDENCES).default("LIKELY"),
  defaultSource: z.string().trim().max(500).default(""),
  visibility: z.enum(VISIBILITIES).default("ALL_CASE_ORGS"),
});
export type TImportOptions = z.infer<typeof ZImportOptions>;
export type TCategoryChoice = TImportOptions["categoryMap"][string];

/** What validation reports beyond the counts (ImportJob.stats). */
export type TImportStats = {
  /** Rows whose time was read in each format (auto reads each value by its shape). */
  timeFormats?: Partial<Record<(typeof TIME_FORMATS)[number], number>>;
  /** Category values that are not built-in, with their rows and what they became (most rows first). */
  categories?: { value: string; rows: number; to: TCategoryChoice["to"] | "unmapped" }[];
  /** Rows whose long title was split into a title and the description. */
  titlesSplit?: number;
};
