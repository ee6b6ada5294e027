import ipaddr from "ipaddr.js";
import { z } from "zod";
import { confidenceBand, type TConfidenceBand } from "@/lib/linkage/confidence";

// The linkage rules and their per-case settings. Every rule names itself `id@version`: a change
// to its logic is a new version, so a stored link always says which logic proposed it.

export const LINK_RULES = {
  shared_payment: { version: 1, label: "Shared payment instrument", kind: "SHARES_PAYMENT" },
  shared_device: { version: 1, label: "Shared device fingerprint", kind: "SHARES_DEVICE" },
  same_org_id: { version: 1, label: "Same organisation id", kind: "SAME_ORG_ID" },
  shared_key: { version: 1, label: "One key used by several accounts", kind: "USES_KEY" },
  shared_ip: { version: 1, label: "Shared IP address", kind: "SHARES_IP" },
  synchronised: { version: 1, label: "Synchronised activity", kind: "SYNCHRONISED" },
} as const;
export type TLinkRule = keyof typeof LINK_RULES;
export const linkRuleId = (rule: TLinkRule) => `rule:${rule}@${LINK_RULES[rule].version}`;

const cidrList = z
  .array(z.string().trim())
  .max(500)
  .default([])
  .refine((list) => list.every((c) => ipaddr.isValidCIDR(c)), "Each range must be in CIDR form, e.g. 100.64.0.0/10.");

export const ZLinkageSettings = z.object({
  /** An address behind more distinct accounts than this is shared infrastructure. */
  sharedIpMaxAccounts: z.coerce.number().int().min(2).max(1_000).default(6),
  /** Two accounts share an address only when both used it within this many hours. */
  sharedIpWindowHours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24),
  /** NAT, VPN and cloud ranges: addresses inside link nothing by themselves. */
  infrastructureRanges: cidrList,
  /** Clusters are drawn from links at or above this confidence (STIX 0–100). */
  clusterMinConfidence: z.coerce.number().int().min(0).max(100).default(50),
  /** Components larger than this many accounts are split by community detection. */
  clusterSplitAbove: z.coerce.number().int().min(10).max(1_000_000).default(200),
  /** Louvain: resolution and seed (the same input and seed give the same partition). */
  louvainResolution: z.coerce.number().min(0.1).max(10).default(1),
  louvainSeed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
});
export type TLinkageSettings = z.infer<typeof ZLinkageSettings>;

export const LINKAGE_SETTING_LABELS: Record<keyof TLinkageSettings, string> = {
  sharedIpMaxAccounts: "Shared IP: at most this many accounts behind an address",
  sharedIpWindowHours: "Shared IP: used by both within this many hours",
  infrastructureRanges: "NAT, VPN and cloud ranges (one CIDR per line)",
  clusterMinConfidence: "Clusters: links at or above this confidence",
  clusterSplitAbove: "Clusters: split components above this many accounts",
  louvainResolution: "Community detection: resolution",
  louvainSeed: "Community detection: seed",
};

/** A confidence as a word: "none" at 0, else its STIX band (lib/linkage/confidence.ts). */
export function confidenceWord(confidence: number): "none" | TConfidenceBand {
  return confidence <= 0 ? "none" : confidenceBand(confidence);
}
