import { z } from "zod";
import { validationFromZod } from "@/lib/errors";
import { readTime } from "@/lib/ingest/time";

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

const QUERY_DATE_MESSAGE = "Enter a valid date (e.g. 2026-01-15).";

/**
 * A query's date, read as the importers read ISO 8601 (lib/ingest/time.ts) but in any year:
 * trimmed; only ISO 8601 (Date also reads "Jan 15 2026" or "2026/01/15", in the server's zone);
 * a time with no zone is UTC, never the server's zone; a day that does not exist is not a date
 * (Date reads 31 February as 3 March).
 */
function readQueryDate(v: Date | string): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  const read = readTime(v, "iso", "UTC", { anyYear: true });
  return read.ok ? read.date : null;
}

/**
 * An optional date in a query (filters, deep links): empty means none; anything else must be a
 * real ISO 8601 date between the years 1 and 9999, so it cannot fail later in the database. A
 * time with no zone is UTC, as zIsoTime and the importers read it, never the server's zone.
 */
export const ZQueryDate = z.preprocess(
  (v) => (v === null || v === undefined || (typeof v === "string" && v.trim() === "") ? undefined : v),
  z
    .union([z.date(), z.string()], { message: QUERY_DATE_MESSAGE })
    .transform((v, ctx) => {
      const date = readQueryDate(v);
      if (date && isStorableDate(date)) return date;
      ctx.addIssue({
        code: "custom",
        message: date ? "Enter a date between the years 1 and 9999." : QUERY_DATE_MESSAGE,
      });
      return z.NEVER;
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
