import ipaddr from "ipaddr.js";
import { z } from "zod";

// The Usage tab's filters, from the URL (so a view is a link). Anything malformed is dropped
// rather than refused: a hand-edited link still shows a page, unfiltered in that respect.

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
const instant = z
  .string()
  .trim()
  .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)))
  .transform((v) => new Date(v))
  .refine((d) => d.getTime() >= Date.UTC(1970, 0, 1) && d.getTime() < Date.UTC(2200, 0, 1))
  .transform((d) => d.toISOString());

export const ZUsageFilters = z.object({
  account: optional(text),
  key: optional(text),
  ip: optional(ipOrCidr),
  model: optional(text),
  endpoint: optional(text),
  from: optional(instant),
  to: optional(instant),
  by: optional(z.enum(["model", "account"])),
});
export type TUsageFilters = z.infer<typeof ZUsageFilters>;

export function parseUsageFilters(params: Record<string, string | string[] | undefined>): TUsageFilters {
  return ZUsageFilters.parse(params);
}
