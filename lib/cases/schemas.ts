import { z } from "zod";
import { CASE_ROLES } from "@/lib/auth/permissions";
import { NUL_MESSAGE, ZVersion, hasNoNul } from "@/lib/validation";

// Shared with the client forms; the server parse is the one that counts.
export const CASE_STATUSES = ["OPEN", "ACTIVE", "ON_HOLD", "CLOSED"] as const;
export const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export const TLPS = ["CLEAR", "GREEN", "AMBER", "AMBER_STRICT", "RED"] as const;
export const RELEASE_MODES = ["DIRECT", "LEAD_RELEASE", "TWO_PERSON"] as const;

export const TITLE_MAX = 200;
export const SUMMARY_MAX = 20_000;

const title = z
  .string({ message: "Enter a title." })
  .trim()
  .min(3, { message: "The title needs at least 3 characters." })
  .max(TITLE_MAX, { message: `The title can be at most ${TITLE_MAX} characters.` })
  .refine(hasNoNul, { message: NUL_MESSAGE });
const summary = z
  .string()
  .trim()
  .max(SUMMARY_MAX, { message: `The summary can be at most ${SUMMARY_MAX} characters.` })
  .refine(hasNoNul, { message: NUL_MESSAGE });
const severity = z.enum(SEVERITIES, { message: "Choose a severity: Low, Medium, High or Critical." });
const tlp = z.enum(TLPS, { message: "Choose a TLP: Clear, Green, Amber, Amber+Strict or Red." });
const status = z.enum(CASE_STATUSES, { message: "Choose a status: Open, Active, On hold or Closed." });
const releaseMode = z.enum(RELEASE_MODES, { message: "Choose how items reach the partner organisation." });
const version = ZVersion;
const id = z.string().uuid({ message: "Unknown id." });

export const ZCreateCase = z.object({
  title,
  summary: summary.default(""),
  severity,
  tlp,
  releaseMode: releaseMode.default("DIRECT"),
});
export type TCreateCase = z.infer<typeof ZCreateCase>;

export const ZUpdateCase = z.object({ version, title, summary, severity, tlp, releaseMode });
export type TUpdateCase = z.infer<typeof ZUpdateCase>;

export const ZSetStatus = z.object({ version, status });
export const ZSetLegalHold = z.object({ version, legalHold: z.enum(["on", "off"]).transform((v) => v === "on") });

export const ZShareCase = z.object({ orgId: id });

export const ZAddMember = z.object({
  userId: id,
  role: z.enum(CASE_ROLES, { message: "Choose a case role." }),
});
export type TAddMember = z.infer<typeof ZAddMember>;
export const ZRemoveMember = z.object({ userId: id });

export const CASE_SORTS = ["updated", "created", "number", "title", "severity"] as const;
export const CASE_PAGE_SIZE = 25;

export const ZCaseFilters = z.object({
  status: z.enum(CASE_STATUSES).optional().catch(undefined),
  severity: z.enum(SEVERITIES).optional().catch(undefined),
  orgId: z.string().uuid().optional().catch(undefined),
  mine: z.enum(["1"]).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  sort: z.enum(CASE_SORTS).default("updated").catch("updated"),
  dir: z.enum(["asc", "desc"]).default("desc").catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
export type TCaseFilters = z.infer<typeof ZCaseFilters>;
