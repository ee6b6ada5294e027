import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import {
  canFlagPrivilege,
  canOnCase,
  canOnTimelineEvent,
  privilegeReader,
  type TPrivilegeReader,
} from "@/lib/auth/permissions";
import { isWithheld, WITHHELD_TITLE } from "@/lib/privilege/withhold";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import type { PrivilegeBasis, Visibility } from "@/lib/generated/prisma/enums";
import { getItemReleases, type TItemRelease, type TReleaseState } from "@/lib/releases/queries";
import { ZHistogramZone, ZTimelineFilters, ZTimelinePage, type TTimelineFilters } from "@/lib/timeline/schemas";
import { canonicalTimeZone, offsetPeriods, zonedStart } from "@/lib/timeline/time";
import { parseInput } from "@/lib/validation";
import {
  decodeCursor,
  encodeCursor,
  ORDERED_PLAN_ONLY,
  timelinePageSql,
  timelineSourcesSql,
  timelineWhere,
  resolveTimelineFilters,
  type TResolvedFilters,
  ts,
} from "@/lib/timeline/sql";
import { readableItemSql, readableItemWhere, visibleItemSql, visibleItemWhere } from "@/lib/auth/visibility";
import { categoryColour } from "@/lib/timeline/category-schemas";
import { derivedFromTimeline } from "@/lib/timeline/derived-cache";

export type TTimelineEventView = {
  id: string;
  occurredAt: string;
  endsAt: string | null;
  title: string;
  description: string;
  category: string;
  /** The case's own category (an import's "Write time"), shown instead of the built-in one. */
  customCategory: string | null;
  source: string;
  confidence: string;
  /** Columns of an imported file that mapped to no field, as they were. */
  attributes: Record<string, string> | null;
  visibility: string;
  version: number;
  orgId: string;
  orgName: string;
  authorName: string;
  /** Linked evidence; a withheld item's title is WITHHELD_TITLE. */
  evidence: { id: string; title: string }[];
  privileged: boolean;
  privilegeBasis: PrivilegeBasis | null;
  privilegeDescription: string | null;
  /**
   * The reader may not read this privileged event: every field but id, occurredAt and
   * privilegeBasis is blank (the withheld stub, in the shape of the list's rows).
   */
  withheld: boolean;
  releaseState: TReleaseState;
  release: TItemRelease["release"];
  can: { edit: boolean; delete: boolean; flagPrivilege: boolean } & TItemRelease["can"];
};
export type TTimelinePage = { items: TTimelineEventView[]; nextCursor: string | null };
/** An event as exported: what the list shows, without the reader's release controls. */
export type TTimelineEventRow = Omit<TTimelineEventView, "releaseState" | "release" | "can">;

type TRow = Omit<
  TTimelineEventView,
  "occurredAt" | "endsAt" | "evidence" | "releaseState" | "release" | "can" | "withheld"
> & {
  occurredAt: Date;
  endsAt: Date | null;
  authorId: string;
};

/**
 * One page of the timeline the actor may see, oldest first, after `cursor` (keyset on
 * (occurredAt, id) over the case index: a deep page costs what the first does, and rows added
 * meanwhile never shift or repeat a page). The first page of a listing is audited; the pages
 * that follow as the reader scrolls are the same read.
 */
export async function listTimelineEvents(
  actor: TActor,
  caseId: unknown,
  filters: TTimelineFilters,
  page: unknown = {},
): Promise<TTimelinePage> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const { cursor, limit } = ZTimelinePage.parse(page);
  const after = cursor ? decodeCursor(cursor) : null;
  const reader = privilegeReader(actor, facts);
  const resolved = await resolveTimelineFilters(actor, c.id, filters);
  const { rows, more } = await readRows(actor, reader, c.id, resolved, after, limit);
  const [links, releases] = await Promise.all([
    visibleEvidenceLinks(
      actor,
      reader,
      rows.map((r) => r.id),
    ),
    getItemReleases(actor, c.id, "timeline_event", rows.map(itemFacts)),
  ]);
  if (!after)
    await recordAudit({
      actorId: actor.id,
      action: "case.timeline_viewed",
      targetType: "case",
      targetId: c.id,
      caseId: c.id,
      scope: "case",
    });
  const items = rows.map((r) => {
    const release = releases.get(r.id)!;
    const item = itemFacts(r);
    const withheld = isWithheld(actor, facts, r);
    const can = {
      edit: canOnTimelineEvent(actor, "event.edit", facts, item),
      delete: canOnTimelineEvent(actor, "event.delete", facts, item),
      flagPrivilege: canFlagPrivilege(actor, facts, item),
      ...(withheld ? NO_RELEASE : release.can),
    };
    return Object.assign(toRow(r, links.get(r.id) ?? [], withheld), {
      releaseState: withheld ? ("SHARED" as const) : release.state,
      release: withheld ? null : release.release,
      can,
    });
  });
  const last = rows.at(-1);
  return { items, nextCursor: more && last ? encodeCursor(last.occurredAt, last.id) : null };
}

/** One keyset page of the visible, filtered events after `after`, and whether more follow. */
async function readRows(
  actor: TActor,
  reader: TPrivilegeReader,
  caseId: string,
  filters: TResolvedFilters,
  after: { occurredAt: Date; id: string } | null,
  limit: number,
): Promise<{ rows: TRow[]; more: boolean }> {
  const db = getDb();
  // One transaction so the setting holds for this statement only (sql.ts#ORDERED_PLAN_ONLY).
  const [, rows] = await db.$transaction([
    db.$queryRaw(ORDERED_PLAN_ONLY),
    db.$queryRaw<TRow[]>(timelinePageSql(actor, reader, caseId, filters, after, limit + 1)),
  ]);
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

const itemFacts = (r: TRow) => ({
  id: r.id,
  orgId: r.orgId,
  visibility: r.visibility as Visibility,
  authorId: r.authorId,
  privileged: r.privileged,
  privilegeBasis: r.privilegeBasis,
});

const NO_RELEASE = { release: false, approve: false, withdraw: false };

/**
 * The row as exported or listed; a withheld one keeps its id, time and basis only. Field by
 * field, not a spread of the query's row: nothing it selects reaches a reader unnamed, and a
 * page of rows is built in one pass (the copies were ~7% of the list's time under load).
 */
function toRow(r: TRow, evidence: { id: string; title: string }[], withheld: boolean): TTimelineEventRow {
  const occurredAt = r.occurredAt.toISOString();
  if (withheld)
    return {
      id: r.id,
      occurredAt,
      endsAt: null,
      title: WITHHELD_TITLE,
      description: "",
      category: "OTHER",
      customCategory: null,
      source: "",
      confidence: "",
      attributes: null,
      visibility: "",
      version: 0,
      orgId: "",
      orgName: "",
      authorName: "",
      evidence: [],
      privileged: true,
      privilegeBasis: r.privilegeBasis ?? "ATTORNEY_CLIENT",
      privilegeDescription: null,
      withheld: true,
    };
  return {
    id: r.id,
    occurredAt,
    endsAt: r.endsAt?.toISOString() ?? null,
    title: r.title,
    description: r.description,
    category: r.category,
    customCategory: r.customCategory,
    source: r.source,
    confidence: r.confidence,
    attributes: r.attributes,
    visibility: r.visibility,
    version: r.version,
    orgId: r.orgId,
    orgName: r.orgName,
    authorName: r.authorName,
    evidence,
    privileged: r.privileged,
    privilegeBasis: r.privilegeBasis,
    privilegeDescription: r.privilegeDescription,
    withheld: false,
  };
}

/**
 * Every visible event matching the filters, oldest first, a keyset page at a time (for
 * exports: memory stays flat however long the timeline). The export is audited once, up front,
 * with its filters.
 */
export async function* iterateTimelineEvents(
  actor: TActor,
  caseId: unknown,
  filters: TTimelineFilters,
  format: string,
): AsyncGenerator<TTimelineEventRow> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const reader = privilegeReader(actor, facts);
  await recordAudit({
    actorId: actor.id,
    action: "timeline.exported",
    targetType: "case",
    targetId: c.id,
    caseId: c.id,
    // The filters are words the reader typed, possibly from their organisation's private events.
    scope: { org: actor.orgId },
    details: { format, filters },
  });
  const resolved = await resolveTimelineFilters(actor, c.id, filters);
  for (let after: { occurredAt: Date; id: string } | null = null; ;) {
    const { rows, more } = await readRows(actor, reader, c.id, resolved, after, 2_000);
    const links = await visibleEvidenceLinks(
      actor,
      reader,
      rows.map((r) => r.id),
    );
    for (const r of rows) yield toRow(r, links.get(r.id) ?? [], isWithheld(actor, facts, r));
    if (!more) return;
    after = rows.at(-1)!;
  }
}

/**
 * Links to evidence the actor can see: an owner-org-only item of another organisation stays
 * hidden; a withheld (privileged) item shows as WITHHELD_TITLE.
 */
async function visibleEvidenceLinks(actor: TActor, reader: TPrivilegeReader, eventIds: string[]) {
  const map = new Map<string, { id: string; title: string }[]>();
  if (eventIds.length === 0) return map;
  // One statement: the visible linked items, each with whether the reader may read its title.
  const links = await getDb().$queryRaw<{ eventId: string; id: string; title: string; readable: boolean }[]>`
    SELECT l."eventId", e.id, e.title, ${readableItemSql(reader, "e")} IS TRUE AS readable
    FROM "TimelineEventEvidence" l
    JOIN "Evidence" e ON e.id = l."evidenceId"
    WHERE l."eventId" = ANY(${eventIds}::uuid[]) AND e."deletedAt" IS NULL AND ${visibleItemSql(actor, "e")}`;
  for (const l of links) {
    const evidence = { id: l.id, title: l.readable ? l.title : WITHHELD_TITLE };
    (map.get(l.eventId) ?? map.set(l.eventId, []).get(l.eventId)!).push(evidence);
  }
  return map;
}

/** The histogram's category for withheld events (a privileged event's category is content). */
export const WITHHELD_CATEGORY = "WITHHELD";

export type THistogram = {
  /** The nominal width; a day bucket across a DST change is 23 or 25 hours (see `end`). */
  bucketSeconds: number;
  /** The zone whose midnights and hours the buckets start at, as requested. */
  timeZone: string;
  /** Series keys: a built-in category, or `case:<name>` for a case category drawn on its own. */
  categories: string[];
  /** The case categories drawn as series (the most used; the rest count in their built-in category). */
  caseCategories: { key: string; name: string; colour: string }[];
  buckets: { t: string; end: string; total: number; counts: Record<string, number> }[];
};
/** Case categories drawn as series of their own; more would be colours no reader tells apart. */
export const HISTOGRAM_CASE_CATEGORIES = 8;

/** occurredAt (UTC) plus the zone's offset at that instant: a CASE over the range's offset periods. */
function shiftedBy(periods: { start: Date; offset: number }[]): Prisma.Sql {
  if (periods.every((p) => p.offset === 0)) return Prisma.sql`e."occurredAt"`;
  const when = periods
    .slice(1)
    .map((p, i) => Prisma.sql`WHEN e."occurredAt" < ${ts(p.start)} THEN ${periods[i]!.offset}::int`);
  const minutes = when.length
    ? Prisma.sql`CASE ${Prisma.join(when, " ")} ELSE ${periods.at(-1)!.offset}::int END`
    : Prisma.sql`${periods[0]!.offset}::int`;
  return Prisma.sql`e."occurredAt" + make_interval(mins => ${minutes})`;
}

// Bucket widths to choose from: the smallest giving at most MAX_BUCKETS bars over the range.
const WIDTHS = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400];
const MAX_BUCKETS = 150;

/**
 * Counts of visible, filtered events per time bucket and category, computed in SQL. Buckets
 * are laid out on the wall clock of `timeZone` (default UTC), so a day is a local day from
 * local midnight and an hour starts on the local hour (Asia/Kolkata's at :30 UTC): date_bin
 * runs over each event's local time, and each bucket's bounds are turned back into instants
 * (a bucket whose start is repeated when the clocks go back starts at its first occurrence).
 * The zone is a bound parameter, never SQL text. Another organisation's owner-org-only events
 * are not counted: a count would reveal that they exist. The read is audited.
 */
export async function getTimelineHistogram(
  actor: TActor,
  caseId: unknown,
  filters: TTimelineFilters,
  zone: unknown = {},
): Promise<THistogram> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const { timeZone } = parseInput(ZHistogramZone, zone);
  const sqlZone = canonicalTimeZone(timeZone)!;
  const reader = privilegeReader(actor, facts);
  const where = timelineWhere(actor, reader, c.id, await resolveTimelineFilters(actor, c.id, filters));
  // A withheld event counts in its bucket (its time is in its stub) but not in its category.
  const category = Prisma.sql`CASE WHEN ${readableItemSql(reader, "e")} THEN e.category::text ELSE ${WITHHELD_CATEGORY} END`;
  const custom = Prisma.sql`CASE WHEN ${readableItemSql(reader, "e")} THEN e."customCategory" END`; // a stub's is hidden
  await recordAudit({
    actorId: actor.id,
    action: "timeline.histogram_viewed",
    targetType: "case",
    targetId: c.id,
    caseId: c.id,
    // The filters are words the reader typed, possibly from their organisation's private events.
    scope: { org: actor.orgId },
    details: { filters, timeZone },
  });
  // Counts with an entity filter also read the entity tables, which the cache does not watch.
  const lay = async () => {
    const counted = await histogramCounts(where, category, custom, sqlZone);
    return counted && layBuckets(counted.width, counted.rows, sqlZone);
  };
  const laid = filters.entity
    ? await lay()
    : await derivedFromTimeline(c.id, actor, Prisma.sql`${where} ${category} ${custom} ${sqlZone}`, lay);
  if (!laid) return { bucketSeconds: 3600, timeZone, categories: [], caseCategories: [], buckets: [] };
  // Colours are the case's choice, read each time (the kept layout has only the names).
  const caseCategories = await caseCategoryColours(actor, c.id, laid.drawn);
  return {
    bucketSeconds: laid.width,
    timeZone,
    categories: [...laid.builtIn, ...caseCategories.map((k) => k.key).filter((k) => laid.drawnUsed.has(k))],
    caseCategories,
    buckets: laid.buckets,
  };
}

/**
 * The histogram's bars from its counts: every bucket from the first to the last, empty ones
 * included, so that the chart's axis is time (a quiet week is a gap, not squeezed out), with
 * the most counted case categories (HISTOGRAM_CASE_CATEGORIES) as series of their own. Local
 * wall times step by the width; each bucket's bounds are turned back into instants in the zone.
 */
function layBuckets(width: number, rows: THistogramCount[], sqlZone: string) {
  const totals = new Map<string, number>();
  for (const r of rows) if (r.custom !== null) totals.set(r.custom, (totals.get(r.custom) ?? 0) + Number(r.n));
  const drawn = [...totals]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, HISTOGRAM_CASE_CATEGORIES)
    .map(([name]) => name);
  const step = (local: string) => new Date(Date.parse(`${local}Z`) + width * 1000).toISOString().slice(0, 19);
  const buckets = new Map<string, THistogram["buckets"][number]>();
  if (rows.length) {
    for (let local = rows[0]!.local; local <= rows.at(-1)!.local; local = step(local)) {
      const [t, end] = [zonedStart(local, sqlZone).toISOString(), zonedStart(step(local), sqlZone).toISOString()];
      if (t < end) buckets.set(local, { t, end, total: 0, counts: {} }); // not an hour the clocks skip
    }
  }
  const categories = new Set<string>();
  const drawnNames = new Set(drawn);
  for (const r of rows) {
    const b = buckets.get(r.local)!;
    const key = r.custom !== null && drawnNames.has(r.custom) ? `case:${r.custom}` : r.category;
    b.counts[key] = (b.counts[key] ?? 0) + Number(r.n);
    b.total += Number(r.n);
    categories.add(key);
  }
  return {
    width,
    buckets: [...buckets.values()],
    builtIn: [...categories].filter((k) => !k.startsWith("case:")),
    drawn,
    drawnUsed: new Set([...categories].filter((k) => k.startsWith("case:"))),
  };
}

type THistogramCount = { local: string; category: string; custom: string | null; n: bigint };

/**
 * The filtered events' counts per bucket (local wall time), category and case category, in
 * bucket order, with the bucket width their range calls for; null when no event matches.
 */
async function histogramCounts(
  where: Prisma.Sql,
  category: Prisma.Sql,
  custom: Prisma.Sql,
  sqlZone: string,
): Promise<{ width: number; rows: THistogramCount[] } | null> {
  const db = getDb();
  // visibility: `where` is timelineWhere(…), built by getTimelineHistogram, the only caller.
  const [range] = await db.$queryRaw<
    { min: Date | null; max: Date | null }[]
  >`SELECT min(e."occurredAt") AS min, max(e."occurredAt") AS max FROM "TimelineEvent" e WHERE ${where}`;
  if (!range?.min || !range.max) return null;
  const span = (range.max.getTime() - range.min.getTime()) / 1000;
  const width = WIDTHS.find((w) => span / w <= MAX_BUCKETS) ?? WIDTHS.at(-1)!;
  // occurredAt holds UTC; its local time is it plus the zone's offset then, taken from a short
  // CASE over the offset periods of the range (no per-row conversion by zone name).
  const periods = offsetPeriods(sqlZone, range.min, range.max);
  const local = periods ? shiftedBy(periods) : Prisma.sql`(e."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE ${sqlZone}`;
  // visibility: `where` is timelineWhere(…), as above.
  const rows = await db.$queryRaw<THistogramCount[]>`
    SELECT to_char(b.t, 'YYYY-MM-DD"T"HH24:MI:SS') AS local, b.category::text AS category, b.custom, b.n
    FROM (SELECT date_bin(${`${width} seconds`}::interval, ${local}, TIMESTAMP '2000-01-01') AS t, ${category} AS category,
                 ${custom} AS custom, count(*) AS n
          FROM "TimelineEvent" e WHERE ${where}
          GROUP BY 1, 2, 3) b`; // formatted per bucket, not per event
  // Sorted here, not in SQL: ORDER BY makes the planner sort a million rows for a GroupAggregate
  // (it cannot estimate the few buckets) where a HashAggregate over them is twice as fast.
  rows.sort((a, b) => (a.local < b.local ? -1 : a.local > b.local ? 1 : 0));
  return { width, rows };
}

/**
 * The colours of the case categories the histogram draws as series: as the reader's organisation
 * chose (else as the partner chose, else by the name). Only names carried by the counted
 * (visible) events are looked up, so no other category is revealed.
 */
async function caseCategoryColours(
  actor: TActor,
  caseId: string,
  names: string[],
): Promise<THistogram["caseCategories"]> {
  if (!names.length) return [];
  const chosen = await getDb().caseCategory.findMany({
    where: { caseId, name: { in: names }, colour: { not: null } },
    select: { name: true, colour: true, orgId: true },
    orderBy: { createdAt: "asc" },
  });
  const colourOf = (name: string) =>
    (chosen.find((c) => c.name === name && c.orgId === actor.orgId) ?? chosen.find((c) => c.name === name))?.colour ??
    null;
  return names.map((name) => ({ key: `case:${name}`, name, colour: categoryColour(name, colourOf(name)) }));
}

export type TTimelineOptions = {
  canCreate: boolean;
  direct: boolean;
  orgs: { id: string; name: string }[];
  sources: string[];
  /** The case's own categories: the actor's organisation's, and those its events the actor can see carry. */
  customCategories: string[];
  evidence: { id: string; title: string }[];
};

/** Case categories the forms list at most. */
const OPTIONS_LISTED = 500;

/** What the timeline page's forms offer: the case's organisations, known sources, linkable evidence. */
export async function getTimelineOptions(actor: TActor, caseId: unknown): Promise<TTimelineOptions> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const db = getDb();
  const reader = privilegeReader(actor, facts);
  const all = Prisma.sql`${timelineWhere(actor, reader, c.id, ZTimelineFilters.parse({}))} AND ${readableItemSql(reader, "e")}`;
  // What the case's events carry (their sources and case categories) is kept while the timeline
  // is unchanged: each is a walk over the case's events.
  const sourcesSql = timelineSourcesSql(actor, reader, c.id, 200);
  const carriedSql = Prisma.sql`
    SELECT DISTINCT e."customCategory" AS name FROM "TimelineEvent" e
    WHERE ${all} AND e."customCategory" IS NOT NULL ORDER BY 1 LIMIT ${OPTIONS_LISTED}`;
  const [orgs, sources, ownCategories, carried, evidence] = await Promise.all([
    db.organization.findMany({
      where: { id: { in: [facts.ownerOrgId, ...facts.sharedOrgIds] } },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
    derivedFromTimeline(c.id, actor, sourcesSql, () =>
      db
        .$transaction([db.$queryRaw(ORDERED_PLAN_ONLY), db.$queryRaw<{ source: string }[]>(sourcesSql)])
        .then(([, rows]) => rows),
    ),
    db.caseCategory.findMany({
      where: { caseId: c.id, orgId: actor.orgId },
      select: { name: true },
      orderBy: { name: "asc" },
      take: OPTIONS_LISTED,
    }),
    derivedFromTimeline(c.id, actor, carriedSql, () => db.$queryRaw<{ name: string }[]>(carriedSql)),
    db.evidence.findMany({
      where: { caseId: c.id, deletedAt: null, ...visibleItemWhere(actor), AND: [readableItemWhere(reader)] },
      select: { id: true, title: true },
      orderBy: { createdAt: "desc" },
      take: 200,
    }),
  ]);
  return {
    canCreate: canOnCase(actor, "timeline.create", facts),
    direct: c.releaseMode === "DIRECT",
    orgs,
    sources: sources.map((s) => s.source),
    customCategories: [...new Set([...ownCategories, ...carried].map((r) => r.name))]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, OPTIONS_LISTED),
    evidence,
  };
}
