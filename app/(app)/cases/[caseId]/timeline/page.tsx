import type { Metadata } from "next";
import { cookies } from "next/headers";
import { CaseCategories } from "@/components/timeline/case-categories";
import { HistogramPanel } from "@/components/timeline/histogram-panel";
import { ExportLinks, TimelineFilters } from "@/components/timeline/timeline-filters";
import { ImportWizard } from "@/components/timeline/import-wizard";
import { TimelineWorkspace } from "@/components/timeline/timeline-workspace";
import { EmptyState } from "@/components/ui/empty-state";
import { orNotFound, requirePageUser } from "@/lib/page";
import { listCaseCategories } from "@/lib/timeline/categories";
import { getTimelineHistogram, getTimelineOptions, listTimelineEvents } from "@/lib/timeline/queries";
import { filtersForPage, TIMELINE_FIRST_SCREEN, viewerTimeZone, type TTimelineFilters } from "@/lib/timeline/schemas";
import { TIME_ZONE_COOKIE } from "@/lib/timeline/time";
import {
  decideReleaseAction,
  flagPrivilegeAction,
  requestReleaseAction,
  unflagPrivilegeAction,
  withdrawReleaseAction,
} from "../actions";
import {
  createCategoryAction,
  createEventAction,
  deleteCategoryAction,
  deleteEventAction,
  updateCategoryAction,
  updateEventAction,
} from "./actions";

export const metadata: Metadata = { title: "Timeline" };

type Props = {
  params: Promise<{ caseId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function TimelinePage({ params, searchParams }: Props) {
  const user = await requirePageUser();
  const { caseId } = await params;
  const search = new URLSearchParams(
    Object.entries(await searchParams).flatMap(([k, v]) =>
      Array.isArray(v) ? v.map((x) => [k, x]) : v === undefined ? [] : [[k, v]],
    ),
  );
  const { filters, unread, applied } = filtersForPage(search);
  // The histogram shows the whole filtered timeline (its brush chooses the range listed below),
  // in the viewer's zone as far as the server knows it.
  const histogramQuery = new URLSearchParams([...applied].filter(([k]) => k !== "from" && k !== "to"));
  const timeZone = viewerTimeZone((await cookies()).get(TIME_ZONE_COOKIE)?.value);
  const [options, histogram, page, categories] = await orNotFound(
    Promise.all([
      getTimelineOptions(user, caseId),
      getTimelineHistogram(user, caseId, { ...filters, from: undefined, to: undefined }, { timeZone }),
      listTimelineEvents(user, caseId, filters, { limit: TIMELINE_FIRST_SCREEN }),
      listCaseCategories(user, caseId),
    ]),
  );
  // Events through this segment's actions; release decisions through the case's generic ones.
  const bind = (action: typeof createEventAction) => action.bind(null, caseId);
  const actions = {
    create: bind(createEventAction),
    update: bind(updateEventAction),
    remove: bind(deleteEventAction),
    release: bind(requestReleaseAction),
    decide: bind(decideReleaseAction),
    withdraw: bind(withdrawReleaseAction),
    flag: bind(flagPrivilegeAction),
    unflag: bind(unflagPrivilegeAction),
  };
  const categoryActions = {
    create: bind(createCategoryAction),
    update: bind(updateCategoryAction),
    remove: bind(deleteCategoryAction),
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <TimelineFilters
          filters={filters}
          orgs={options.orgs}
          sources={options.sources}
          customCategories={options.customCategories}
          query={applied.toString()}
        />
        <ExportLinks caseId={caseId} query={applied.toString()} />
      </div>
      {unread.length > 0 && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Not applied, as they could not be read: {unread.join(" ")}
        </p>
      )}
      {histogram.buckets.length > 0 && (
        <HistogramPanel
          caseId={caseId}
          query={histogramQuery.toString()}
          initial={histogram}
          range={{ from: filters.from?.toISOString() ?? null, to: filters.to?.toISOString() ?? null }}
        />
      )}
      {/* The list's own emptiness, said here once (the list hides itself): a range brushed on
          the histogram across a gap lists nothing while the histogram still has bars. */}
      {page.items.length === 0 &&
        (isFiltered(filters) ? (
          <EmptyState title="No events match these filters.">
            <a href="?" className="text-brand-700 underline">
              Clear filters
            </a>
          </EmptyState>
        ) : (
          <EmptyState title="No events yet">
            {options.canCreate
              ? "Add the first one below, or import a file."
              : "Members who can add events build the timeline here."}
          </EmptyState>
        ))}
      {(categories.canManage || categories.categories.length > 0) && (
        <details className="rounded-lg border border-slate-200 bg-slate-50 p-3">
          <summary className="cursor-pointer text-sm font-medium">
            Case categories ({categories.categories.length})
          </summary>
          <div className="mt-3">
            <CaseCategories {...categories} actions={categoryActions} />
          </div>
        </details>
      )}
      {options.canCreate && (
        <details className="rounded-lg border border-slate-200 bg-slate-50 p-3">
          <summary className="cursor-pointer text-sm font-medium">
            Import events from a file (CSV, JSON Lines, JSON; Timesketch, plaso)
          </summary>
          <div className="mt-3">
            <ImportWizard
              caseId={caseId}
              direct={options.direct}
              orgName={user.orgName}
              customCategories={options.customCategories}
            />
          </div>
        </details>
      )}
      <TimelineWorkspace
        caseId={caseId}
        query={applied.toString()}
        initial={page}
        options={options}
        orgName={user.orgName}
        actions={actions}
      />
    </div>
  );
}

function isFiltered(f: TTimelineFilters) {
  return (
    f.category.length > 0 ||
    Boolean(f.confidence || f.customCategory || f.source || f.orgId || f.entity || f.q || f.from || f.to)
  );
}
