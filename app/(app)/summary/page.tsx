import type { Metadata } from "next";
import { SummaryChart } from "@/components/charts/summary-charts";
import { CaseFigures, SeverityStatusMatrix } from "@/components/summary/case-figures";
import { KpiGrid } from "@/components/summary/kpi-grid";
import { SummaryFilters } from "@/components/summary/summary-filters";
import { EmptyState } from "@/components/ui/empty-state";
import { orNotFound, requirePageUser } from "@/lib/page";
import { SEVERITIES } from "@/lib/cases/schemas";
import { listOrganizationNames } from "@/lib/organizations";
import { getSummary } from "@/lib/summary/portfolio";
import { summaryCards } from "@/components/summary/summary-cards";

export const metadata: Metadata = { title: "Summary" };

// No loading.tsx here, on purpose (as under the case layout): a Suspense boundary would start a
// 200 response before the access check, and a refused summary must answer a real 404.

export default async function SummaryPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const user = await requirePageUser();
  const [summary, orgs] = await Promise.all([
    orNotFound(getSummary(user, await searchParams)),
    listOrganizationNames(user),
  ]);
  const { charts } = summary;
  return (
    <>
      <div className="mb-4">
        <h1 className="text-2xl font-semibold tracking-tight">Portfolio summary</h1>
        <p className="mt-1 text-sm text-slate-600">
          {summary.window.from.toISOString().slice(0, 10)} to{" "}
          {new Date(summary.window.to.getTime() - 1).toISOString().slice(0, 10)} (UTC), compared with the period before.
          Figures are your organisation&apos;s view.
        </p>
      </div>
      <SummaryFilters filters={summary.filters} orgs={orgs} severities={SEVERITIES} />
      {summary.cases.length === 0 && summary.restricted === 0 ? (
        <EmptyState title="No cases to summarise yet">
          Cases your organisation owns or is shared into appear here once they exist. Investigators open cases from the
          Cases page; imported usage, linkages and enforcement fill in the figures.
        </EmptyState>
      ) : (
        <>
          <KpiGrid cards={summaryCards(summary)} />
          <div className="mb-8 grid gap-4 lg:grid-cols-2">
            <SummaryChart
              title="Cases by status over time"
              chart={charts.statusOverTime}
              kind="line"
              xLabel="Date (UTC)"
              yLabel="Cases (count)"
            />
            <SummaryChart
              title="Attributed tokens per cluster"
              chart={charts.clusterTokens}
              kind="bar"
              stacked
              xLabel="Date (UTC)"
              yLabel="Tokens (count)"
            />
            <SummaryChart
              title="Signals per week"
              chart={charts.signalsPerWeek}
              kind="bar"
              stacked
              xLabel="Week starting (UTC)"
              yLabel="Signals (count)"
            />
            <SeverityStatusMatrix rows={charts.matrix} />
          </div>
          <CaseFigures cases={summary.cases} restricted={summary.restricted} />
        </>
      )}
    </>
  );
}
