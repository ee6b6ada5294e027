import "server-only";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { canOnCase } from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import { visibleItemWhere } from "@/lib/auth/visibility";
import { isWithheld, WITHHELD_TITLE } from "@/lib/privilege/withhold";
import { graphPayload, loadClusters, type TClusterResult } from "@/lib/linkage/graph";
import { linkageSettings } from "@/lib/linkage/store";
import { linkageViewer, type TLinkageViewer } from "@/lib/linkage/visibility";
import { requireBriefAccess } from "@/lib/summary/access";
import { circleLayout, type TBriefGraph } from "@/lib/summary/layout";
import { enforcementOf, latestBriefText, type TBriefText, type TEnforcementRow } from "@/lib/summary/read";
import { withEmptyBuckets } from "@/lib/usage/buckets";

// One case on one page. What it holds depends on the reader (briefAccess): members get it whole;
// an executive or admin who is not a member gets "aggregate": the figures, the usage chart, the
// leads' written findings and the enforcement log without its targets — never a timeline event,
// an entity value (the graph picture), a file name, a note or a usage row.

export type TBrief = {
  level: "full" | "aggregate";
  case: {
    id: string;
    number: string;
    title: string;
    status: string;
    severity: string;
    tlp: string;
    ownerOrgName: string;
  };
  text: TBriefText | null;
  canWrite: boolean;
  canRecordEnforcement: boolean;
  figures: {
    accounts: number;
    clusters: number;
    linkedAccounts: number;
    requests: number;
    tokens: number;
    firstSeen: Date | null;
    /** The end of the last hour with traffic (exclusive), as the rollups keep it. */
    lastSeen: Date | null;
    /** The first and last UTC days with traffic, as a reader reads "from – to". */
    activityDays: { first: string; last: string } | null;
  };
  usage: { bucket: "day" | "week" | "month"; points: { t: string; requests: number; tokens: number }[] };
  enforcement: TEnforcementRow[];
  /** Full briefs only. */
  graph: TBriefGraph | null;
  /** The newest events; `customCategory` is the case category shown instead of `category`. */
  events: { id: string; occurredAt: Date; title: string; category: string; customCategory: string | null }[];
  productions: { id: string; completedAt: Date | null; bates: string; receivingParty: string; createdBy: string }[];
  productionCount: number;
  /** The reader's organisation: the figures are over what it sees, and the productions its own. */
  readerOrgName: string;
};

const GRAPH_NODES = 30;

/** A brief's dates are UTC days (the same on the page and in the PDF); a missing one is a dash. */
export function briefDay(d: Date | null): string {
  return d ? d.toISOString().slice(0, 10) : "—";
}

/**
 * The first and last UTC days of traffic from the rollups' first hour and exclusive end: the
 * last hour ends at the next one, so 23:00–24:00 on the 30th is the 30th, not the 1st.
 */
export function activityDays(first: Date | null, end: Date | null): { first: string; last: string } | null {
  return first && end ? { first: briefDay(first), last: briefDay(new Date(end.getTime() - 1)) } : null;
}

async function figuresOf(viewer: TLinkageViewer, clusters: TClusterResult) {
  const [totals] = await getDb().$queryRaw<
    { accounts: number; requests: number; tokens: number; first: Date | null; last: Date | null }[]
  >`
    SELECT count(DISTINCT eu."entityId")::int AS accounts, coalesce(sum(eu.requests), 0)::float8 AS requests,
           coalesce(sum(eu.tokens), 0)::float8 AS tokens, min(eu."firstSeen") AS first, max(eu."lastSeen") AS last
    FROM "EntityUsage" eu WHERE eu."caseId" = ${viewer.caseId}::uuid AND eu."importId" = ANY(${viewer.importIds}::uuid[])`;
  return {
    accounts: totals?.accounts ?? 0,
    requests: Number(totals?.requests ?? 0),
    tokens: Number(totals?.tokens ?? 0),
    firstSeen: totals?.first ?? null,
    lastSeen: totals?.last ?? null,
    activityDays: activityDays(totals?.first ?? null, totals?.last ?? null),
    clusters: clusters.clusters.length,
    linkedAccounts: clusters.clusters.reduce((n, c) => n + c.accounts, 0),
  };
}

/**
 * The viewer's clusters at the case's floor: the stored run only while nothing it rests on
 * changed (loadClusters), so a release withdrawn or a link retracted shows in the next brief.
 */
async function floorClusters(viewer: TLinkageViewer): Promise<TClusterResult> {
  const settings = await linkageSettings(viewer.caseId);
  return loadClusters(viewer, settings, settings.clusterMinConfidence);
}

/**
 * Requests and tokens per day (per week past four months, per month past three years) from the
 * hour × model rollup, every bucket in between included (withEmptyBuckets).
 */
async function usageOf(viewer: TLinkageViewer, first: Date | null, last: Date | null): Promise<TBrief["usage"]> {
  const days = first && last ? (last.getTime() - first.getTime()) / 86_400_000 : 0;
  const bucket = days > 3 * 365 ? "month" : days > 120 ? "week" : "day";
  const rows = await getDb().$queryRaw<{ t: Date; requests: number; tokens: number }[]>`
    SELECT date_trunc(${bucket}, m.hour) AS t, sum(m.requests)::float8 AS requests,
           sum(m."inputTokens" + m."outputTokens")::float8 AS tokens
    FROM "UsageHourlyModel" m WHERE m."caseId" = ${viewer.caseId}::uuid AND m."importId" = ANY(${viewer.importIds}::uuid[])
    GROUP BY 1 ORDER BY 1`;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return {
    bucket,
    points: withEmptyBuckets(
      rows.map((r) => ({ t: day(r.t), requests: r.requests, tokens: r.tokens })),
      bucket,
      day,
      (t) => ({ t, requests: 0, tokens: 0 }),
    ),
  };
}

async function mainClusterGraph(viewer: TLinkageViewer, run: TClusterResult): Promise<TBriefGraph | null> {
  const { clusters, seed, minConfidence: floor } = run;
  const main = [...clusters].sort((a, b) => b.accounts - a.accounts)[0];
  if (!main) return null;
  const payload = await graphPayload(viewer, main.nodes.slice(0, GRAPH_NODES), floor, { bridges: main.bridges, seed });
  return circleLayout(payload, main.accounts, main.nodes.length);
}

export async function getCaseBrief(actor: TActor, caseId: unknown): Promise<TBrief> {
  const { case: c, facts, level } = await requireBriefAccess(actor, caseId);
  const db = getDb();
  const viewer = await linkageViewer(actor.orgId, c.id);
  const full = level === "full";
  const clusters = await floorClusters(viewer);
  const [owner, text, figures, enforcement, productions] = await Promise.all([
    db.organization.findUniqueOrThrow({ where: { id: c.ownerOrgId }, select: { name: true } }),
    latestBriefText(c.id),
    figuresOf(viewer, clusters),
    enforcementOf(viewer, full),
    db.production.findMany({
      where: { caseId: c.id, orgId: actor.orgId, status: "COMPLETE", deletedAt: null },
      orderBy: { completedAt: "desc" },
      select: {
        id: true,
        completedAt: true,
        batesPrefix: true,
        batesStart: true,
        batesEnd: true,
        receivingParty: true,
        createdById: true,
      },
    }),
  ]);
  const [usage, graph, events, producers] = await Promise.all([
    usageOf(viewer, figures.firstSeen, figures.lastSeen),
    full ? mainClusterGraph(viewer, clusters) : null,
    full
      ? db.timelineEvent.findMany({
          where: { caseId: c.id, deletedAt: null, ...visibleItemWhere(actor) },
          orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
          take: 5,
          select: {
            id: true,
            occurredAt: true,
            title: true,
            category: true,
            customCategory: true,
            orgId: true,
            privileged: true,
            privilegeBasis: true,
          },
        })
      : [],
    full
      ? db.user.findMany({
          where: { id: { in: productions.map((p) => p.createdById) } },
          select: { id: true, name: true },
        })
      : [],
  ]);
  await recordAudit({
    actorId: actor.id,
    action: "case.brief_viewed",
    targetType: "case",
    targetId: c.id,
    caseId: c.id,
    // Its figures are those of the reader's organisation's view.
    scope: { org: actor.orgId },
    details: { level },
  });
  const pad = (n: number | null) => String(n ?? 0).padStart(6, "0");
  return {
    level,
    case: {
      id: c.id,
      number: c.number,
      title: c.title,
      status: c.status,
      severity: c.severity,
      tlp: c.tlp,
      ownerOrgName: owner.name,
    },
    text,
    canWrite: canOnCase(actor, "brief.write", facts),
    canRecordEnforcement: canOnCase(actor, "enforcement.record", facts),
    figures,
    usage,
    enforcement,
    graph,
    // A privileged event the reader may not read keeps its time, never its title or category.
    events: events.map(({ orgId, privileged, privilegeBasis, ...e }) =>
      isWithheld(actor, facts, { id: e.id, orgId, privileged, privilegeBasis })
        ? { ...e, title: WITHHELD_TITLE, category: "OTHER" as const, customCategory: null }
        : e,
    ),
    productions: full
      ? productions.map((p) => ({
          id: p.id,
          completedAt: p.completedAt,
          bates: `${p.batesPrefix}${pad(p.batesStart)}–${p.batesPrefix}${pad(p.batesEnd)}`,
          receivingParty: p.receivingParty,
          createdBy: producers.find((u) => u.id === p.createdById)?.name ?? "",
        }))
      : [],
    productionCount: productions.length,
    readerOrgName: actor.orgName,
  };
}
