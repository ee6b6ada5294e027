import { z } from "zod";
import { VISIBILITIES } from "@/lib/notes/schemas";
import { NUL_MESSAGE, ZVersion, hasNoNul, zIsoTime } from "@/lib/validation";
import { hasBidiControls } from "@/lib/request-policy";

// Shared with the client forms; the server parse is the one that counts.
export const EVIDENCE_KINDS = [
  "API_LOG_EXPORT",
  "SCREENSHOT",
  "DOCUMENT",
  "EMAIL",
  "NETWORK_CAPTURE",
  "OTHER",
] as const;
export const EVIDENCE_KIND_LABELS: Record<(typeof EVIDENCE_KINDS)[number], string> = {
  API_LOG_EXPORT: "API log export",
  SCREENSHOT: "Screenshot",
  DOCUMENT: "Document",
  EMAIL: "Email",
  NETWORK_CAPTURE: "Network capture",
  OTHER: "Other",
};
export const EVIDENCE_SORTS = ["added", "collected", "title", "size"] as const;
export const EVIDENCE_PAGE_SIZE = 25;
export const DESCRIPTION_MAX = 2_000; // travels in a request header on upload (see upload.ts)
const TAGS_MAX = 20;

const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} can be at most ${max.toLocaleString("en")} characters.` })
    .refine(hasNoNul, { message: NUL_MESSAGE });
const title = z
  .string({ message: "Enter a title." })
  .trim()
  .min(1, { message: "Enter a title." })
  .max(200, { message: "The title can be at most 200 characters." })
  .refine(hasNoNul, { message: NUL_MESSAGE });
const kind = z.enum(EVIDENCE_KINDS, { message: "Choose what kind of evidence this is." });
// Without a zone, UTC: both evidence forms say so. An empty field is none.
const collectedAt = z
  .preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? null : v),
    zIsoTime("Enter a valid date and time: ").nullable().optional(),
  )
  .transform((d) => d ?? null)
  .refine((d) => d === null || d.getTime() <= Date.now() + 24 * 3600_000, {
    message: "The collection time cannot be in the future.",
  });
const tags = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (typeof v === "string" ? v.split(",") : (v ?? [])))
  .transform((list) => [...new Set(list.map((t) => t.trim().toLowerCase()).filter(Boolean))])
  .refine((list) => list.length <= TAGS_MAX, { message: `At most ${TAGS_MAX} tags.` })
  .refine((list) => list.every((t) => t.length <= 40 && /^[\p{L}\p{N}_.:\- ]+$/u.test(t)), {
    message: "Tags are words of up to 40 letters, digits, spaces, - _ . or :.",
  });

const metadata = {
  title,
  kind,
  source: text("The source", 500).default(""),
  collectedAt,
  collectedBy: text("Collected by", 200).default(""),
  description: text("The description", DESCRIPTION_MAX).default(""),
  tags,
};

/** A file name as the uploader's computer named it: kept for the download, never used as a path. */
export const ZFileName = z
  .string({ message: "The file has no name." })
  .min(1, { message: "The file has no name." })
  .max(255, { message: "The file name can be at most 255 characters." })
  .refine((n) => !/[\u0000-\u001f\u007f]/.test(n), { message: "The file name contains control characters." })
  .refine((n) => !hasBidiControls(n), {
    message:
      "The file name contains bidirectional control characters (U+202A–U+202E, U+2066–U+2069), which can disguise its type. Rename the file.",
  })
  .refine((n) => !/[/\\]/.test(n) && n !== "." && n !== ".." && !n.includes(".."), {
    message: "The file name must not contain a path (/, \\ or ..).",
  });

export const ZMimeType = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => v.split(";")[0]!.trim() || "application/octet-stream")
  .refine((v) => /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(v), {
    message: "The declared file type is not a valid MIME type.",
  });

export const ZUploadMetadata = z.object({
  ...metadata,
  visibility: z.enum(VISIBILITIES, { message: "Choose who can see the evidence." }).default("ALL_CASE_ORGS"),
  fileName: ZFileName,
  mimeType: ZMimeType.default("application/octet-stream"),
});
export type TUploadMetadata = z.infer<typeof ZUploadMetadata>;

export const ZUpdateEvidence = z.object({
  ...metadata,
  version: ZVersion,
});
export type TUpdateEvidence = z.infer<typeof ZUpdateEvidence>;

export const EVIDENCE_METADATA_FIELDS = Object.keys(metadata) as (keyof typeof metadata)[];

const reason = z
  .string({ message: "Give a reason." })
  .trim()
  .min(3, { message: "Give a reason (at least 3 characters)." })
  .max(2000, { message: "The reason can be at most 2,000 characters." })
  .refine(hasNoNul, { message: NUL_MESSAGE });
export const ZDeleteEvidence = z.object({ reason });
export const ZPurgeEvidence = z.object({ reason });

export const ZSha256 = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{64}$/, { message: "The X-Content-SHA256 header must be 64 hexadecimal characters." });

export const ZEvidenceFilters = z.object({
  kind: z.enum(EVIDENCE_KINDS).optional().catch(undefined),
  tag: z.string().trim().toLowerCase().max(40).refine(hasNoNul).optional().catch(undefined),
  orgId: z.string().uuid().optional().catch(undefined),
  privileged: z.enum(["yes", "no"]).optional().catch(undefined),
  deleted: z.enum(["1"]).optional().catch(undefined),
  sort: z.enum(EVIDENCE_SORTS).default("added").catch("added"),
  dir: z.enum(["asc", "desc"]).default("desc").catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
export type TEvidenceFilters = z.infer<typeof ZEvidenceFilters>;
