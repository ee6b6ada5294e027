import "server-only";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requireCaseAccess } from "@/lib/auth/guards";
import { canOnCase, privilegeReader, type TPrivilegeReader } from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import { readableItemWhere, visibleItemWhere } from "@/lib/auth/visibility";
import {
  RAW_PAGE,
  topUsage,
  usageRows,
  usageSeries,
  type TTopRow,
  type TUsageRawRow,
  type TUsageSample,
  type TUsageSeries,
} from "@/lib/usage/analytics";
import { ignoredUsageFilters, parseUsageFilters, type TIgnoredFilter, type TUsageFilters } from "@/lib/usage/filters";
import { listUsageImports, type TUsageImportRow } from "@/lib/usage/imports";
import { signalSettings, usageImportIdsFor } from "@/lib/usage/signal-store";
import type { TSignalSettings } from "@/lib/usage/signals-schema";

// The Usage tab, as the acting user may see it: only the loaded imports of evidence they can
// see count (usageImportIdsFor), so no chart, table, row or signal includes the other
// organisation's private data.

export type TUsageSignalView = {
  id: string;
  rule: string;
  subject: string;
  /** The accounts it is about: one, or a group (its subject names them). */
  accounts: string[];
  summary: string;
  score: number;
  periodStart: Date;
  periodEnd: Date;
  params: unknown;
  aggregates: unknown;
  samples: TUsageSample[];
  /** Its timeline event, if it has one that is not deleted: shared with the case's organisations, or own. */
  onTimeline: "shared" | "own" | null;
};

export type TUsageView = {
  filters: TUsageFilters;
  /** The signal whose accounts the page shows (filters.signal), if any. */
  signal: { rule: string; accounts: string[] } | null;
  /** Filters in the URL that were malformed and so not applied (the page says so). */
  ignored: TIgnoredFilter[];
  imports: TUsageImportRow[];
  series: TUsageSeries | null;
  top: { account: TTopRow[]; key: TTopRow[]; network: TTopRow[]; model: TTopRow[] } | null;
  rows: TUsageRawRow[] | null;
  /** The cursor of the next page of rows (`after` in the URL), when there may be one. */
  nextRows: string | null;
  signals: TUsageSignalView[];
  evidence: { id: string; title: string; fileName: string }[];
  settings: TSignalSettings;
  can: { import: boolean; addToTimeline: boolean; configure: boolean };
};

const ZRowCursor = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z_[0-9a-f-]{36}_\d{1,10}$/)
  .transform((v) => {
    const [occurredAt, importId, seq] = v.split("_") as [string, string, string];
    return { occurredAt, importId, seq: Number(seq) };
  })
  .refine((c) => !Number.isNaN(Date.parse(c.occurredAt)))
  .optional()
  .catch(undefined);

/** A keyset page's position in the URL: the last row's time, import and ordinal. */
const rowCursor = (r: TUsageRawRow) => `${r.occurredAt}_${r.importId}_${r.seq}`;
const parseRowCursor = (v: unknown) => ZRowCursor.parse(Array.isArray(v) ? v[0] : v);

export async function getUsageView(
  actor: TActor,
  caseId: unknown,
  params: Record<string, string | string[] | undefined>,
): Promise<TUsageView> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const filters = parseUsageFilters(params);
  const ignored = ignoredUsageFilters(params, filters);
  // A signal's accounts, from the reader's own organisation's signals of this case only.
  const signal = filters.signal
    ? await getDb().usageSignal.findFirst({
        where: { id: filters.signal, caseId: c.id, viewerOrgId: actor.orgId },
        select: { rule: true, accounts: true },
      })
    : null;
  if (filters.signal && !signal) {
    ignored.push({ name: "signal", value: filters.signal, why: "signal_gone" });
    delete filters.signal;
  }
  // What the queries apply: the URL's filters, and the signal's accounts (never in a link).
  const applied = signal ? { ...filters, accounts: signal.accounts } : filters;
  const scope = { caseId: c.id, importIds: await usageImportIdsFor(actor.orgId, c.id) };
  const view = params.view === "rows" ? "rows" : "charts";
  const after = parseRowCursor(params.after);
  const [imports, settings, signals, evidence] = await Promise.all([
    listUsageImports(actor, c.id),
    signalSettings(c.id),
    getDb().usageSignal.findMany({
      where: { caseId: c.id, viewerOrgId: actor.orgId },
      orderBy: [{ score: "desc" }, { id: "asc" }],
      take: 100,
      select: {
        id: true,
        rule: true,
        subject: true,
        accounts: true,
        summary: true,
        score: true,
        periodStart: true,
        periodEnd: true,
        params: true,
        aggregates: true,
        samples: true,
        timelineEventId: true,
      },
    }),
    canOnCase(actor, "usage.import", facts)
      ? getDb().evidence.findMany({
          where: {
            caseId: c.id,
            deletedAt: null,
            purgedAt: null,
            ...visibleItemWhere(actor),
            AND: [readableItemWhere(privilegeReader(actor, facts))],
          },
          orderBy: { createdAt: "desc" },
          take: 200,
          select: { id: true, title: true, fileName: true },
        })
      : Promise.resolve([]),
  ]);
  const events = await signalEvents(actor, c.id, signals, privilegeReader(actor, facts));
  const hasData = scope.importIds.length > 0;
  const [series, account, key, network, model, rows] = hasData
    ? await Promise.all([
        usageSeries(scope, applied, filters.by ?? "model"),
        topUsage(scope, applied, "account"),
        topUsage(scope, applied, "key"),
        topUsage(scope, applied, "network"),
        topUsage(scope, applied, "model"),
        view === "rows" ? usageRows(scope, applied, after) : Promise.resolve(null),
      ])
    : [null, [], [], [], [], null];
  await recordAudit({
    actorId: actor.id,
    action: "case.usage_viewed",
    targetType: "case",
    targetId: c.id,
    caseId: c.id,
    // What the reader's organisation sees, and the filters its person typed (a signal by id).
    scope: { org: actor.orgId },
    details: { filters, view },
  });
  return {
    filters,
    ignored,
    signal,
    imports,
    series,
    top: hasData ? { account, key, network, model } : null,
    rows,
    nextRows: rows && rows.length === RAW_PAGE ? rowCursor(rows.at(-1)!) : null,
    signals: signals.map(({ timelineEventId: _, ...s }) => ({
      ...s,
      samples: s.samples as TUsageSample[],
      onTimeline: events.get(s.id) ?? null,
    })),
    evidence,
    settings,
    can: {
      import: canOnCase(actor, "usage.import", facts),
      addToTimeline: canOnCase(actor, "timeline.create", facts),
      configure: canOnCase(actor, "usage.configure", facts),
    },
  };
}

type TSignalRef = { id: string; rule: string; subject: string; periodStart: Date; timelineEventId: string | null };

/**
 * Which signals are on the timeline, as the actor sees it, each shared or the organisation's
 * own: by the event made from the signal (not deleted, visible to them), or by one made from
 * another organisation's view of the same signal (its rule, subject and start), if the actor
 * may see and read it. Matched through the signals, never through an event's words, which any
 * member may write.
 */
export async function signalEvents(
  actor: TActor,
  caseId: string,
  signals: TSignalRef[],
  reader: TPrivilegeReader,
): Promise<Map<string, "shared" | "own">> {
  if (signals.length === 0) return new Map();
  const sameSignal = (s: Pick<TSignalRef, "rule" | "subject" | "periodStart">) =>
    `${s.rule}\0${s.subject}\0${s.periodStart.getTime()}`;
  const made = await getDb().usageSignal.findMany({
    where: {
      caseId,
      timelineEventId: { not: null },
      OR: signals.map(({ rule, subject, periodStart }) => ({ rule, subject, periodStart })),
    },
    select: { rule: true, subject: true, periodStart: true, timelineEventId: true },
  });
  const events = await getDb().timelineEvent.findMany({
    where: {
      caseId,
      deletedAt: null,
      AND: [
        visibleItemWhere(actor),
        {
          OR: [
            { id: { in: signals.flatMap((s) => (s.timelineEventId ? [s.timelineEventId] : [])) } },
            // Another view's event: only one whose content the reader may read.
            { id: { in: made.map((m) => m.timelineEventId!) }, ...readableItemWhere(reader) },
          ],
        },
      ],
    },
    select: { id: true, visibility: true },
  });
  const seen = new Map(
    events.map((e) => [e.id, e.visibility === "ALL_CASE_ORGS" ? ("shared" as const) : ("own" as const)]),
  );
  const madeFor = new Map<string, string[]>();
  for (const m of made) madeFor.set(sameSignal(m), [...(madeFor.get(sameSignal(m)) ?? []), m.timelineEventId!]);
  const found = new Map<string, "shared" | "own">();
  for (const s of signals) {
    const mine = s.timelineEventId ? seen.get(s.timelineEventId) : undefined;
    const theirs = (madeFor.get(sameSignal(s)) ?? []).map((id) => seen.get(id)).find(Boolean);
    if (mine ?? theirs) found.set(s.id, (mine ?? theirs)!);
  }
  return found;
}
