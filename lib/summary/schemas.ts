import { z } from "zod";
import { SEVERITIES } from "@/lib/cases/schemas";
import { NUL_MESSAGE, hasNoNul } from "@/lib/validation";

// Summary filters (URL = state) and the forms of the brief and the enforcement log. Shared with
// the client; the server parse is the one that counts.

export const PERIODS = { "7d": 7, "30d": 30, "90d": 90, "365d": 365 } as const;
export type TPeriod = keyof typeof PERIODS;

export const ZSummaryFilters = z.object({
  period: z.enum(Object.keys(PERIODS) as [TPeriod, ...TPeriod[]]).catch("30d"),
  severity: z.enum(SEVERITIES).optional().catch(undefined),
  orgId: z.string().uuid().optional().catch(undefined),
});
export type TSummaryFilters = z.infer<typeof ZSummaryFilters>;

export function parseSummaryFilters(params: Record<string, string | string[] | undefined>): TSummaryFilters {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  return ZSummaryFilters.parse({
    period: one(params.period),
    severity: one(params.severity),
    orgId: one(params.orgId),
  });
}

/** The period's bounds: whole UTC days ending with today, and the period of equal length before. */
export function periodBounds(period: TPeriod, now: Date) {
  const days = PERIODS[period];
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const from = new Date(to.getTime() - days * 86_400_000);
  const prevFrom = new Date(from.getTime() - days * 86_400_000);
  return { from, to, prevFrom, bucketDays: days <= 31 ? 1 : 7 };
}

export const BRIEF_TEXT_MAX = 4_000;
const briefText = (label: string) =>
  z
    .string()
    .trim()
    .max(BRIEF_TEXT_MAX, { message: `${label} can be at most ${BRIEF_TEXT_MAX} characters (the brief is one page).` })
    .refine(hasNoNul, { message: NUL_MESSAGE });

export const ZSaveBrief = z
  .object({
    findings: briefText("Key findings"),
    nextSteps: briefText("Next steps"),
    /** The version the writer started from (0: none yet). */
    baseVersion: z.coerce.number().int().min(0),
  })
  .refine((b) => b.findings.length > 0 || b.nextSteps.length > 0, {
    message: "Write the key findings or the next steps.",
    path: ["findings"],
  });
export type TSaveBrief = z.infer<typeof ZSaveBrief>;

export const ENFORCEMENT_KINDS = [
  "KEY_REVOKED",
  "ACCOUNT_SUSPENDED",
  "ACCOUNT_BANNED",
  "ORG_SUSPENDED",
  "PAYMENT_BLOCKED",
  "LAW_ENFORCEMENT_REFERRAL",
  "OTHER",
] as const;
export const ENFORCEMENT_LABELS: Record<(typeof ENFORCEMENT_KINDS)[number], string> = {
  KEY_REVOKED: "Key revoked",
  ACCOUNT_SUSPENDED: "Account suspended",
  ACCOUNT_BANNED: "Account banned",
  ORG_SUSPENDED: "Organisation suspended",
  PAYMENT_BLOCKED: "Payment instrument blocked",
  LAW_ENFORCEMENT_REFERRAL: "Referral to law enforcement",
  OTHER: "Other",
};

const text = (label: string, max: number, min = 0) =>
  z
    .string({ message: `Enter ${label}.` })
    .trim()
    .min(min, { message: `Enter ${label}.` })
    .max(max, { message: `${label} can be at most ${max} characters.` })
    .refine(hasNoNul, { message: NUL_MESSAGE });

export const ZRecordEnforcement = z.object({
  kind: z.enum(ENFORCEMENT_KINDS, { message: "Choose what was done." }),
  description: text("a description", 2_000).default(""),
  requestedById: z.string().uuid({ message: "Choose who requested it." }),
  carriedOutBy: text("who carried it out", 200, 1),
  orgId: z.string().uuid({ message: "Choose the organisation that carried it out." }),
  takenAt: z.coerce
    .date({ message: "Enter when it was done." })
    .refine((d) => d.getTime() <= Date.now() + 86_400_000, { message: "An action cannot be recorded in the future." }),
  entityIds: z
    .array(z.string().uuid({ message: "Unknown entity." }))
    .max(200, { message: "At most 200 targets per action." })
    .default([]),
});
export type TRecordEnforcement = z.infer<typeof ZRecordEnforcement>;
