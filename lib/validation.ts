import { z } from "zod";
import { validationFromZod } from "@/lib/errors";
import { daysInMonth, readTime } from "@/lib/ingest/time";

/** Parses input with a schema, or throws ValidationError with per-field messages. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationFromZod(result.error);
  return result.data;
}

/**
 * As parseInput, for input that has no form to highlight fields in (a query string, a header):
 * the error's message itself says what is wrong, e.g. "q: Remove the NUL character…".
 */
export function parseQuery<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const message = result.error.issues
      .map((i) => (i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message))
      .join(" ");
    throw validationFromZod(result.error, message);
  }
  return result.data;
}

// PostgreSQL text cannot hold U+0000: a NUL that reaches a query fails it with a 500. Every
// free-text field refuses it here instead, so the writer is told and nothing is written.
/**
 * Text to find as itself in a LIKE pattern, and in Prisma's `contains`, which becomes one: the
 * wildcards % and _ and the escape \ are escaped, so "S_spected" or "%" match only themselves.
 */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export const NUL_MESSAGE = "Remove the NUL character (U+0000) from the text: it cannot be stored.";
export const hasNoNul = (value: string) => !value.includes("\u0000");

/** A row version for optimistic locking: a positive integer within PostgreSQL's `integer`. */
export const ZVersion = z.coerce
  .number({ message: "The form is missing its version; reload the page." })
  .int({ message: "The version must be a whole number; reload the page." })
  .positive({ message: "The version must be a whole number; reload the page." })
  .max(2_147_483_647, { message: "The version must be a whole number; reload the page." });

// What PostgreSQL's timestamp and JavaScript's Date both represent (years 1-9999, in UTC).
const DATE_MIN = Date.parse("0001-01-01T00:00:00Z");
const DATE_MAX = Date.parse("+010000-01-01T00:00:00Z");

/** Whether PostgreSQL's timestamp (and so every date column) can hold `date`. */
export const isStorableDate = (date: Date) => date.getTime() >= DATE_MIN && date.getTime() < DATE_MAX;

/** An ISO 8601 date, alone or with a time and maybe a zone; years as Date takes them (4 digits, or ±6). */
const ISO_QUERY_DATE =
  /^(\d{4}|[+-]\d{6})-(\d{2})-(\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|z|[+-]\d{2}:\d{2})?)?$/;

/**
 * A query's date as Date should read it: trimmed, blank as none. Only ISO 8601 is a date (Date
 * also reads "Jan 15 2026" or "2026/01/15", in the server's zone); a time with no zone is UTC,
 * never the server's zone; a day that does not exist is not a date (Date reads 31 February as
 * 3 March).
 */
function queryDateInput(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "string") return v;
  const text = v.trim();
  if (text === "") return undefined;
  const iso = ISO_QUERY_DATE.exec(text);
  if (!iso) return new Date(NaN);
  const [, year, month, day, time, zone] = iso;
  const [y, m, d] = [year, month, day].map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return new Date(NaN);
  // Date reads a date alone as UTC, but a date and time with no zone in the server's zone.
  return time === undefined ? text : `${year}-${month}-${day}T${time}${zone?.toUpperCase() ?? "Z"}`;
}

/**
 * An optional date in a query (filters, deep links): empty means none; anything else must be a
 * real ISO 8601 date between the years 1 and 9999, so it cannot fail later in the database. A
 * time with no zone is UTC, as zIsoTime and the importers read it, never the server's zone.
 */
export const ZQueryDate = z.preprocess(
  queryDateInput,
  z.coerce
    .date({ message: "Enter a valid date (e.g. 2026-01-15)." })
    .refine(isStorableDate, {
      message: "Enter a date between the years 1 and 9999.",
    })
    .optional(),
);

/**
 * An ISO 8601 time typed by a person or sent by a client, read as the importers read one
 * (lib/ingest/time.ts): without a zone it is UTC, never the server's own zone; a day that does
 * not exist (31 February) is refused with the reason, after `prefix`; 1970–2199.
 */
export const zIsoTime = (prefix = "") =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      const read = readTime(v, "iso", "UTC");
      if (read.ok) return read.date;
      ctx.addIssue({ code: "custom", message: `${prefix}${read.reason}` });
      return z.NEVER;
    });
