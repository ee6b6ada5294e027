import { z } from "zod";
import { VISIBILITIES } from "@/lib/notes/schemas";
import { CONFIDENCES, EVENT_CATEGORIES } from "@/lib/timeline/schemas";
import { isValidTimeZone } from "@/lib/timeline/time";
import { TIME_FORMATS, TIME_FORMAT_LABELS } from "@/lib/ingest/time";
import { NUL_MESSAGE, hasNoNul } from "@/lib/validation";

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
] as const;
export const IMPORT_FIELD_LABELS: Record<(typeof IMPORT_FIELDS)[number], string> = {
  occurredAt: "Occurred at (required)",
  endsAt: "Ended at",
  title: "Title (required)",
  description: "Description",
  category: "Category",
  source: "Source",
  confidence: "Confidence",
  externalId: "Row id (for de-duplication)",
};
export const IMPORT_MAX_BYTES = 1024 * 1024 * 1024;
export const IMPORT_FORMATS: Record<string, "CSV" | "JSONL"> = { csv: "CSV", jsonl: "JSONL", ndjson: "JSONL" };
const FILE_NAME_HELP = "Upload a .csv, .jsonl or .ndjson file (send its name, URI-encoded, in X-File-Name).";

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
    z
      .string()
      .min(1, { message: FILE_NAME_HELP })
      .max(255, { message: "The file name can be at most 255 characters." })
      .refine(hasNoNul, { message: NUL_MESSAGE })
      .refine((name) => IMPORT_FORMATS[name.split(".").pop()!.toLowerCase()] !== undefined, {
        message: FILE_NAME_HELP,
      }),
  )
  .transform((name) => ({ name, format: IMPORT_FORMATS[name.split(".").pop()!.toLowerCase()]! }));

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
  }),
  timeFormat: z.enum(TIME_FORMATS, { message: "Choose the time format." }).default("auto"),
  timeZone: z.string().trim().default("UTC").refine(isValidTimeZone, { message: "Choose a known time zone." }),
  defaultCategory: z.enum(EVENT_CATEGORIES).default("OTHER"),
  defaultConfidence: z.enum(CONFIDENCES).default("LIKELY"),
  defaultSource: z.string().trim().max(500).default(""),
  visibility: z.enum(VISIBILITIES).default("ALL_CASE_ORGS"),
});
export type TImportOptions = z.infer<typeof ZImportOptions>;
