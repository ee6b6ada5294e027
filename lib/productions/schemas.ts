import { z } from "zod";
import { hasNoNul, NUL_MESSAGE } from "@/lib/validation";

// What starting a legal review export takes: the scope, the Bates prefix and first number, the
// receiving party and the load file's delimiters. Shared by the form and the server parse.

export const BATES_DIGITS = 6;
export const BATES_MAX = 10 ** BATES_DIGITS - 1;

/** A Bates number as it is stamped and named: prefix + zero-padded number (CB000001). */
export function formatBates(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(BATES_DIGITS, "0")}`;
}

/**
 * The Concordance defaults: column 0x14 (DC4), quote þ, newline inside a field ®. A receiving
 * party's protocol may ask for others; each is one character, and all three must differ.
 */
export const DEFAULT_DELIMITERS = { column: "\u0014", quote: "\u00fe", newline: "\u00ae" } as const;
export type TDelimiters = { column: string; quote: string; newline: string };

/** A delimiter as one character, or written as its code point (U+0014, 0x14) for the invisible ones. */
const delimiter = (label: string) =>
  z
    .preprocess((v) => {
      const m = typeof v === "string" ? /^(?:U\+|0x)([0-9a-f]{2,6})$/i.exec(v.trim()) : null;
      return m ? String.fromCodePoint(parseInt(m[1]!, 16)) : v;
    }, z.string())
    .refine((v) => [...v].length === 1, `The ${label} delimiter must be exactly one character.`)
    .refine((v) => v !== "\r" && v !== "\n" && v !== "\u0000", `The ${label} delimiter cannot be CR, LF or NUL.`);

export const ZDelimiters = z
  .object({ column: delimiter("column"), quote: delimiter("quote"), newline: delimiter("newline") })
  .refine((d) => new Set([d.column, d.quote, d.newline]).size === 3, {
    message: "The column, quote and newline delimiters must be three different characters.",
    path: ["column"],
  });

const ZScope = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("case") }),
  z.object({
    kind: z.literal("evidence"),
    ids: z
      .array(z.string().uuid("Choose evidence from the list."))
      .min(1, "Choose at least one evidence item.")
      .max(50_000),
  }),
  z
    .object({
      kind: z.literal("timeline"),
      from: z.coerce.date({ message: "Enter the first day of the range." }),
      to: z.coerce.date({ message: "Enter the last day of the range." }),
    })
    .refine((s) => s.from.getTime() <= s.to.getTime(), {
      message: "The range must end on or after its first day.",
      path: ["to"],
    }),
]);
export type TProductionScope = z.infer<typeof ZScope>;

export const ZBatesPrefix = z
  .string()
  .min(1, "Enter a Bates prefix, e.g. CB.")
  .max(20, "Keep the prefix to 20 characters.")
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9 _-]*$/, "Use letters, digits, spaces, - and _ only.")
  .refine((p) => !/[0-9 ]$/.test(p), "The prefix must not end in a digit or a space: the number would run into it.");

export const ZStartProduction = z.object({
  scope: ZScope,
  batesPrefix: ZBatesPrefix,
  batesStart: z.coerce
    .number({ message: "Enter the first Bates number." })
    .int("The first Bates number is a whole number.")
    .min(1, "Bates numbers start at 1.")
    .max(BATES_MAX, `Bates numbers have ${BATES_DIGITS} digits.`),
  receivingParty: z
    .string()
    .trim()
    .min(1, "Name the receiving party.")
    .max(200, "Keep the receiving party to 200 characters.")
    .refine(hasNoNul, NUL_MESSAGE),
  delimiters: ZDelimiters.default(DEFAULT_DELIMITERS),
});
export type TStartProduction = z.infer<typeof ZStartProduction>;

/** The options stored on the production (what the job needs besides the columns). */
export type TProductionOptions = { delimiters: TDelimiters; requestedStart: number };
