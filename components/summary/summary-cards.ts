import { humanise } from "@/components/cases/case-badges";
import type { TKpiCard } from "@/components/summary/kpi-grid";
import type { TSummary } from "@/lib/summary/portfolio";

const SEVERITY_ORDER = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];

/**
 * The KPI cards and the list each number opens: the case list (filtered) where the number is
 * about cases, else the per-case table below (#cases), which links on for those who may see more.
 */
export function summaryCards(s: TSummary): TKpiCard[] {
  const sev = s.filters.severity ? `&severity=${s.filters.severity}` : "";
  return [
    ...SEVERITY_ORDER.filter((k) => s.openBySeverity[k]).map((k) => ({
      // Not "open": that is one status of several (open, active, on hold) the count takes in.
      label: `${humanise(k)} cases not closed`,
      kpi: s.openBySeverity[k]!,
      href: `/cases?severity=${k}`,
    })),
    { label: "Cases opened", kpi: s.opened, href: `/cases?sort=created&dir=desc${sev}` },
    { label: "Cases closed", kpi: s.closed, href: `/cases?status=CLOSED${sev}` },
    { label: "Linked accounts active", kpi: s.linkedAccounts, href: "#cases" },
    { label: "Linked clusters active", kpi: s.linkedClusters, href: "#cases" },
    { label: "Requests by linked clusters", kpi: s.attributedRequests, href: "#cases" },
    { label: "Tokens by linked clusters", kpi: s.attributedTokens, href: "#cases" },
    { label: "Evasion signals", kpi: s.evasionSignals, href: "#cases" },
    { label: "Extraction signals", kpi: s.extractionSignals, href: "#cases" },
    { label: "Enforcement actions", kpi: s.enforcement, href: "#cases" },
    { label: "Productions made", kpi: s.productions },
  ];
}
