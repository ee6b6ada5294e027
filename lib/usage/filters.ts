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

/** How many accounts one link may name (a signal's group; a cluster's first 50). */
export const ACCOUNTS_MAX = 50;

export const ZUsageFilters = z.object({
  account: optional(text),
  /**
   * Several accounts at once, repeated in the URL (`accounts=a&accounts=b`): the drill-down from
   * a signal about a group of accounts to their rows. Each one is an exact account, as `account`.
   */
  accounts: z
    .preprocess(
      (v) => (v === undefined || v === "" ? undefined : [...new Set(Array.isArray(v) ? v : [v])]),
      z.array(text).min(1).max(ACCOUNTS_MAX).optional(),
    )
    .catch(undefined),
  key: optional(text),
  ip: optional(ipOrCidr),
  model: optional(text),
  endpoint: optional(text),
  from: optional(instant),
  to: optional(instant),
  by: optional(z.enum(["model", "account"])),
});
export type TUsageFilters = z.infer<typeof ZUsageFilters>;

/** The filters in `params`; a To that is not after From is left out (it would match nothing). */
export function parseUsageFilters(params: Record<string, string | string[] | undefined>): TUsageFilters {
  const filters = ZUsageFilters.parse(params);
  if (filters.from && filters.to && filters.to <= filters.from) delete filters.to;
  return filters;
}

/** A filter given but not applied: its name, the text as typed, and why (unreadable, or a To not after From). */
export type TIgnoredFilter = { name: keyof TUsageFilters; value: string; why: "unreadable" | "not_after_from" };

/** The filters given in `params` that `parseUsageFilters` left out as malformed. */
export function ignoredUsageFilters(
  params: Record<string, string | string[] | undefined>,
  filters: TUsageFilters,
): TIgnoredFilter[] {
  return (Object.keys(ZUsageFilters.shape) as (keyof TUsageFilters)[]).flatMap((name) => {
    const given = params[name];
    // A group of accounts is said as it was given, whole (which of them could not be read is plain to see).
    const raw = name === "accounts" && Array.isArray(given) ? given.join(", ") : firstValue(given);
    if (typeof raw !== "string" || raw.trim() === "" || filters[name] !== undefined) return [];
    const why = name === "to" && filters.from && ZUsageFilters.shape.to.parse(raw) ? "not_after_from" : "unreadable";
    return [{ name, value: raw.slice(0, 100), why }];
  });
}
