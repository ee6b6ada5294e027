import { z } from "zod";

// Abuse-signal rules and their per-case thresholds. Every signal names its rule as
// `id@version`; a change to a rule's logic is a new version, so a stored signal always says
// which logic produced it. Limits are per case because providers set them per organisation.

export const SIGNAL_RULES = {
  volume_spike: { version: 1, label: "Volume spike" },
  key_rotation: { version: 1, label: "Key rotation" },
  key_retired_near_limit: { version: 1, label: "Keys retired near their limit" },
  // v2: accounts are also tied by the clusters of accepted links, not only by a shared card or device.
  limit_evasion: { version: 2, label: "Limit evasion" },
  synchronised_traffic: { version: 2, label: "Synchronised traffic" },
  round_robin_keys: { version: 2, label: "Round-robin keys" }, // v2: ties include linked clusters
  fast_model_switching: { version: 1, label: "Fast model switching" },
  extraction_shaped: { version: 1, label: "Extraction-shaped traffic" },
} as const;
export type TSignalRule = keyof typeof SIGNAL_RULES;

export const ruleId = (rule: TSignalRule) => `${rule}@${SIGNAL_RULES[rule].version}`;

/** A stored rule's id without its version (`limit_evasion@2` → `limit_evasion`). */
export const ruleName = (rule: string) => rule.split("@")[0]!;

/** A stored rule (`id@version`) as people read it: its label, or the id itself for a rule no longer known. */
export const ruleLabel = (rule: string) => SIGNAL_RULES[ruleName(rule) as TSignalRule]?.label ?? rule;

const count = (fallback: number) => z.coerce.number().int().min(1).max(1e12).default(fallback);
const ratio = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

export const ZSignalSettings = z.object({
  /** The provider's per-account limit, in requests per hour (the evasion rule's yardstick). */
  accountHourlyRequestLimit: count(1_000),
  /** An hour is a spike when it is this many times the account's median hour … */
  spikeFactor: z.coerce.number().min(1.5).max(1_000).default(10),
  /** … and at least this many requests. */
  spikeMinRequests: count(200),
  /** Rotation: an account with at least this many keys … */
  rotationMinKeys: count(4),
  /** … whose keys live this many hours or less (median), one after another. */
  rotationMaxKeyHours: count(72),
  /** Retirement: a key's request quota (what the provider lets one key make) … */
  keyRequestLimit: count(10_000),
  /** … and keys retired having used at least this share of it, but not all of it … */
  retireMinShare: ratio(0.8),
  /** … at least this many of them. */
  retireMinKeys: count(3),
  /** Synchronised: Pearson correlation of two accounts' hourly requests at least this … */
  syncMinCorrelation: ratio(0.9),
  /** … over at least this many hours in which either was active. */
  syncMinHours: count(12),
  /** Only the busiest accounts are compared pairwise. */
  syncTopAccounts: count(200),
  /** … and only series that really rise and fall: coefficient of variation of the active hours at least this. */
  syncMinVariation: z.coerce.number().min(0).max(10).default(0.3),
  /** Round robin: at least this many keys share one account's (or one tied group's) traffic … */
  roundRobinMinKeys: count(3),
  /** … in turn: over every run of as many active hours as keys, each key's share within this of an equal share. */
  roundRobinMaxDeviation: ratio(0.1),
  /** Model switching: at least this share of the traffic moves to a new model … */
  switchShare: ratio(0.5),
  /** … within this many days of the model's first appearance in the case. */
  switchDays: count(7),
  /** Extraction: output tokens per input token at least … */
  extractionMinRatio: z.coerce.number().min(1).max(1e6).default(8),
  /** … over at least this many requests … */
  extractionMinRequests: count(500),
  /** … at a regular pace: coefficient of variation of its active hours at most this. */
  extractionMaxVariation: z.coerce.number().min(0).max(10).default(1),
});
export type TSignalSettings = z.infer<typeof ZSignalSettings>;
export const DEFAULT_SIGNAL_SETTINGS: TSignalSettings = ZSignalSettings.parse({});

/** One finding: what fired, about whom, with the numbers behind it. */
export type TSignal = {
  rule: string; // id@version
  subject: string; // an account, or a group of accounts ("acct_1, acct_2")
  accounts: string[];
  score: number; // how far past the threshold (1 = at it)
  summary: string; // one sentence, for the panel and the timeline event
  params: Record<string, number>;
  aggregates: Record<string, unknown>;
  from: Date;
  to: Date;
};

/** What each threshold means, for the settings form. */
export const SIGNAL_SETTING_LABELS: Record<keyof TSignalSettings, string> = {
  accountHourlyRequestLimit: "Per-account limit (requests an hour)",
  spikeFactor: "Spike: times the account's median hour",
  spikeMinRequests: "Spike: at least this many requests",
  rotationMinKeys: "Rotation: at least this many keys",
  rotationMaxKeyHours: "Rotation: keys live at most this many hours",
  syncMinCorrelation: "Synchronised: correlation at least",
  syncMinHours: "Synchronised: over at least this many hours",
  syncTopAccounts: "Synchronised: compare the busiest N accounts",
  syncMinVariation: "Synchronised: hourly variation at least",
  keyRequestLimit: "Retirement: a key's request quota",
  retireMinShare: "Retirement: share of the quota used before retiring",
  retireMinKeys: "Retirement: at least this many keys",
  roundRobinMinKeys: "Round robin: at least this many keys",
  roundRobinMaxDeviation: "Round robin: largest departure from an equal share",
  switchShare: "Model switch: share of traffic moved",
  switchDays: "Model switch: within this many days",
  extractionMinRatio: "Extraction: output tokens per input token",
  extractionMinRequests: "Extraction: at least this many requests",
  extractionMaxVariation: "Extraction: hourly variation at most",
};
