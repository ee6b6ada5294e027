import { z } from "zod";
import { VISIBILITIES } from "@/lib/notes/schemas";
import { CONFIDENCES, EVENT_CATEGORIES } from "@/lib/timeline/schemas";
import { isValidTimeZone } from "@/lib/timeline/time";
import { TIME_FORMATS, TIME_FORMAT_LABELS } from "@/lib/ingest/time";

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
