import { z } from "zod";
import { VISIBILITIES } from "@/lib/notes/schemas";
import { EVENT_TIME_MAX, EVENT_TIME_MIN, canonicalTimeZone, isValidTimeZone, zonedToUtc } from "@/lib/timeline/time";
import { NUL_MESSAGE, ZQueryDate, ZVersion, hasNoNul, parseQuery } from "@/lib/validation";

// Shared with the client forms; the server parse is the one that counts.
export const EVENT_CATEGORIES = [
  "ACCOUNT_CREATION",
  "PAYMENT",
  "API_ACCESS",
  "EXTRACTION",
  "RATE_LIMITING",
  "DETECTION",
  "COMMUNICATION",
  "RESPONSE",
  "OTHER",
] as const;
export type TEventCategory = (typeof EVENT_CATEGORIES)[number];
export const EVENT_CATEGORY_LABELS: Record<TEventCategory, string> = {
  ACCOUNT_CREATION: "Account creation",
  PAYMENT: "Payment",
  API_ACCESS: "API access",
  EXTRACTION: "Extraction",
  RATE_LIMITING: "Rate limiting",
  DETECTION: "Detection",
  COMMUNICATION: "Communication",
  RESPONSE: "Response",
  OTHER: "Other",
};
export const CONFIDENCES = ["CONFIRMED", "LIKELY", "POSSIBLE"] as const;
export const CONFIDENCE_LABELS: Record<(typeof CONFIDENCES)[number], string> = {
  CONFIRMED: "Confirmed",
  LIKELY: "Likely",
  POSSIBLE: "Possible",
};
export const TIMELINE_PAGE_MAX = 500;
export const TIMELINE_PAGE_DEFAULT = 100;
/**
 * Events the timeline page renders with itself: a screenful and the list's look-ahead (it loads
 * the next page when the last 20 rows near). Every event is sent in the page's React payload,
 * and the page is the costliest the server renders (issue 16), so no more than that.
 */
export const TIMELINE_FIRST_SCREEN = 50;
export const EVIDENCE_LINKS_MAX = 50;

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
  .max(300, { message: "The title can be at most 300 characters." })
  .refine(hasNoNul, { message: NUL_MESSAGE });
const timeZone = z
  .string({ message: "Choose a time zone." })
  .trim()
  .refine(isValidTimeZone, { message: "Choose a known time zone (e.g. Europe/London)." });
const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** A time as entered: an ISO 8601 instant with an offset, or a wall-clock time in `timeZone`. */
function toInstant(value: string, zone: string, ctx: z.RefinementCtx, path: string): Date | null {
  const r = OFFSET.test(value)
    ? { ok: !Number.isNaN(new Date(value).getTime()), date: new Date(value), reason: "Enter a valid date and time." }
    : zonedToUtc(value, zone);
  if (!r.ok) ctx.addIssue({ code: "custom", path: [path], message: r.reason });
  else if (r.date.getTime() < EVENT_TIME_MIN || r.date.getTime() >= EVENT_TIME_MAX)
    ctx.addIssue({ code: "custom", path: [path], message: "Enter a time between 1970 and 2199." });
  else return r.date;
  return null;
}

const evidenceIds = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => [
    ...new Set((typeof v === "string" ? v.split(",") : (v ?? [])).map((s) => s.trim()).filter(Boolean)),
  ])
  .refine((ids) => ids.length <= EVIDENCE_LINKS_MAX, { message: `Link at most ${EVIDENCE_LINKS_MAX} evidence items.` })
  .refine((ids) => ids.every((id) => z.string().uuid().safeParse(id).success), {
    message: "Choose evidence items of this case.",
  });

const fields = z.object({
  occurredAt: z.string({ message: "Enter when it happened." }).trim().min(1, { message: "Enter when it happened." }),
  endsAt: z.string().trim().optional().default(""),
  timeZone,
  title,
  description: text("The description", 20_000).default(""),
  category: z.enum(EVENT_CATEGORIES, { message: "Choose a category." }),
  /** One of the case's own categories (or a new one); empty: none. */
  customCategory: text("A case category", 100)
    .optional()
    .transform((v) => v || null),
  source: text("The source", 500).default(""),
  confidence: z.enum(CONFIDENCES, { message: "Choose a confidence." }).default("LIKELY"),
  visibility: z.enum(VISIBILITIES, { message: "Choose who can see the event." }).default("ALL_CASE_ORGS"),
  evidenceIds,
});

function withInstants<T extends z.infer<typeof fields>>(data: T, ctx: z.RefinementCtx) {
  const occurredAt = toInstant(data.occurredAt, data.timeZone, ctx, "occurredAt");
  const endsAt = data.endsAt ? toInstant(data.endsAt, data.timeZone, ctx, "endsAt") : null;
  if (occurredAt && endsAt && endsAt < occurredAt)
    ctx.addIssue({ code: "custom", path: ["endsAt"], message: "The end cannot be before the start." });
  return { ...data, occurredAt: occurredAt ?? new Date(NaN), endsAt };
}

export const ZCreateEvent = fields.transform(withInstants);
export type TCreateEvent = z.infer<typeof ZCreateEvent>;

export const ZUpdateEvent = fields.extend({ version: ZVersion }).transform(withInstants);
export type TUpdateEvent = z.infer<typeof ZUpdateEvent>;

/** A delete names the version it saw; none (an API client's choice) means "whatever is current". */
export const ZDeleteEvent = z.object({
  version: z.preprocess((v) => (v === "" || v === null ? undefined : v), ZVersion.optional()),
});

const queryText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label} can be at most ${max} characters.` })
    .refine(hasNoNul, { message: NUL_MESSAGE })
    .optional()
    .transform((v) => v || undefined);
/**
 * Filters of the list, histogram and export: what the URL holds (deep links). An unknown
 * category or organisation is ignored; text and dates that could not be queried (a NUL, a date
 * PostgreSQL cannot hold) are refused with a 400 rather than failing in the database.
 */
export const ZTimelineFilters = z.object({
  category: z
    .union([z.enum(EVENT_CATEGORIES), z.array(z.enum(EVENT_CATEGORIES))])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .catch([]),
  confidence: z.enum(CONFIDENCES).optional().catch(undefined),
  /** One of the case's own categories (TimelineEvent.customCategory). */
  customCategory: queryText("The category", 100),
  source: queryText("The source", 500),
  orgId: z.string().uuid().optional().catch(undefined),
  /** Events linked to this entity (or to one merged into it). */
  entity: z.string().uuid().optional().catch(undefined),
  q: queryText("The search", 200),
  from: ZQueryDate,
  to: ZQueryDate,
});
export type TTimelineFilters = z.infer<typeof ZTimelineFilters>;

/**
 * The histogram's zone: its buckets start at that zone's midnights and hours. The zone reaches
 * SQL (as a bound parameter), so it must be an IANA name Intl knows, not an offset.
 */
export const ZHistogramZone = z.object({
  timeZone: z
    .string()
    .trim()
    .default("UTC")
    .refine((zone) => canonicalTimeZone(zone) !== null, {
      message: "Choose a known IANA time zone (e.g. Europe/London).",
    }),
});

/** The zone a page draws the histogram in: the viewer's remembered one if valid, else UTC. */
export function viewerTimeZone(remembered: string | undefined): string {
  const parsed = ZHistogramZone.safeParse({ timeZone: remembered });
  return parsed.success ? parsed.data.timeZone : "UTC";
}

export const ZTimelinePage = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(TIMELINE_PAGE_MAX)
    .default(TIMELINE_PAGE_DEFAULT)
    .catch(TIMELINE_PAGE_DEFAULT),
});

/**
 * Reads filters from URLSearchParams (repeated `category` keys become a list); a filter that
 * cannot be queried is a ValidationError (400).
 */
export function filtersFromSearchParams(params: URLSearchParams): TTimelineFilters {
  return parseQuery(ZTimelineFilters, parseRaw(params));
}

function parseRaw(params: URLSearchParams): Record<string, unknown> {
  const raw: Record<string, unknown> = Object.fromEntries(params);
  const categories = params.getAll("category");
  if (categories.length > 1) raw.category = categories;
  return raw;
}

/**
 * The page's reading of a deep link: a filter that cannot be queried is left out, and `unread`
 * says which and why (the page shows it); the others apply. `applied` is the link without what
 * was left out: what the page passes on (more pages, exports, the histogram), which would
 * otherwise refuse the whole request.
 */
export function filtersForPage(params: URLSearchParams): {
  filters: TTimelineFilters;
  unread: string[];
  applied: URLSearchParams;
} {
  const read = ZTimelineFilters.safeParse(parseRaw(params));
  if (read.success) return { filters: read.data, unread: [], applied: params };
  const messages = new Map<string, string[]>();
  for (const issue of read.error.issues) {
    const field = String(issue.path[0]);
    messages.set(field, [...(messages.get(field) ?? []), issue.message]);
  }
  // A date names the value it could not read.
  const unread = [...messages].map(([field, said]) => {
    const value = field === "from" || field === "to" ? ` “${(params.get(field) ?? "").slice(0, 40)}”` : "";
    return `${FILTER_LABELS[field] ?? field}${value}: ${said.join(" ")}`;
  });
  const applied = new URLSearchParams([...params].filter(([k]) => !messages.has(k)));
  const others = ZTimelineFilters.safeParse(parseRaw(applied));
  return others.success
    ? { filters: others.data, unread, applied }
    : {
        filters: ZTimelineFilters.parse({}),
        unread: ["The link's filters could not be read."],
        applied: new URLSearchParams(),
      };
}

/** The filters as the timeline's form labels them. */
const FILTER_LABELS: Record<string, string> = {
  from: "From",
  to: "To",
  q: "Text",
  source: "Source",
  customCategory: "Case category",
};
