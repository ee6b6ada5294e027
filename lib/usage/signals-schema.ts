import { z } from "zod";

// Abuse-signal rules and their per-case thresholds. Every signal names its rule as
// `id@version`; a change to a rule's logic is a new version, so a stored signal always says
// which logic produced it. Limits are per case because providers set them per organisation.

export const SIGNAL_RULES = {
  volume_spike: { version: 1, label: "Volume spike" },
  key_rotation: { version: 1, label: "Key rotation" },
  limit_evasion: { version: 1, label: "Limit evasion" },
  synchronised_traffic: { version: 1, label: "Synchronised traffic" },
  fast_model_switching: { version: 1, label: "Fast model switching" },
  extraction_shaped: { version: 1, label: "Extraction-shaped traffic" },
} as const;
export type TSignalRule = keyof typeof SIGNAL_RULES;

export const ruleId = (rule: TSignalRule) => `${rule}@${SIGNAL_RULES[rule].version}`;

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
  /** Synchronised: Pearson correlation of two accounts' hourly requests at least this … */
  syncMinCorrelation: ratio(0.9),
  /** … over at least this many hours in which either was active. */
  syncMinHours: count(12),
  /** Only the busiest accounts are compared pairwise. */
  syncTopAccounts: count(200),
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
  switchShare: "Model switch: share of traffic moved",
  switchDays: "Model switch: within this many days",
  extractionMinRatio: "Extraction: output tokens per input token",
  extractionMinRequests: "Extraction: at least this many requests",
  extractionMaxVariation: "Extraction: hourly variation at most",
};
