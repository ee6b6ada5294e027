import ipaddr from "ipaddr.js";
import { z } from "zod";
import { zIsoTime } from "@/lib/validation";

// The Usage tab's filters, from the URL (so a view is a link). Anything malformed is not applied
// rather than refused: a hand-edited link still shows a page, unfiltered in that respect, and
// says which filters it left out (ignoredUsageFilters).

const firstValue = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (firstValue(v) === "" ? undefined : firstValue(v)), schema.optional()).catch(undefined);

const text = z
  .string()
  .trim()
  .min(1)
  .max(512)
  .refine((v) => !v.includes("\0"));
const ipOrCidr = z
  .string()
  .trim()
  .refine((v) => (v.includes("/") ? ipaddr.isValidCIDR(v) : ipaddr.isValid(v)), "Not an IP address or CIDR range.");
const instant = zIsoTime().transform((d) => d.toISOString());

export const ZUsageFilters = z.object({
  account: optional(text),
  /**
   * A signal of the reader's organisation, by id: its accounts (a group of them: limit evasion,
   * synchronised traffic, keys in turn), looked up where the page is read (queries.ts), never
   * named in the URL, so a group of any size links whole.
   */
  signal: optional(z.string().uuid()),
  key: optional(text),
  ip: optional(ipOrCidr),
  model: optional(text),
  endpoint: optional(text),
  from: optional(instant),
  to: optional(instant),
  by: optional(z.enum(["model", "account"])),
});
export type TUsageFilters = z.infer<typeof ZUsageFilters> & {
  /** `signal`'s accounts, once looked up among the reader's signals. */
  accounts?: string[];
};

/** The filters in `params`; a To that is not after From is left out (it would match nothing). */
export function parseUsageFilters(params: Record<string, string | string[] | undefined>): TUsageFilters {
  const filters = ZUsageFilters.parse(params);
  if (filters.from && filters.to && filters.to <= filters.from) delete filters.to;
  return filters;
}

/**
 * A filter given but not applied: its name, the text as typed, and why (unreadable, a To not
 * after From, or a signal no longer among the reader's: they are computed again after imports).
 */
export type TIgnoredFilter = {
  name: keyof typeof ZUsageFilters.shape;
  value: string;
  why: "unreadable" | "not_after_from" | "signal_gone";
};

/** The filters given in `params` that `parseUsageFilters` left out as malformed. */
export function ignoredUsageFilters(
  params: Record<string, string | string[] | undefined>,
  filters: TUsageFilters,
): TIgnoredFilter[] {
  return (Object.keys(ZUsageFilters.shape) as (keyof typeof ZUsageFilters.shape)[]).flatMap((name) => {
    const raw = firstValue(params[name]);
    if (typeof raw !== "string" || raw.trim() === "" || filters[name] !== undefined) return [];
    const why = name === "to" && filters.from && ZUsageFilters.shape.to.parse(raw) ? "not_after_from" : "unreadable";
    return [{ name, value: raw.slice(0, 100), why }];
  });
}
