import "server-only";
import { getDb } from "@/lib/db";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import { privilegeReader } from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import { recordAudit } from "@/lib/audit/record";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { EVIDENCE_LINKS_MAX } from "@/lib/timeline/schemas";
import { ruleLabel, ruleName, ZSignalSettings } from "@/lib/usage/signals-schema";
import { usageImportIdsFor } from "@/lib/usage/signal-store";
import { linkEventToAccounts, refreshUsageAnalysis } from "@/lib/linkage/store";
import { parseInput } from "@/lib/validation";
import { signalEvents } from "@/lib/usage/queries";

/** The title and source of the timeline event a signal becomes: its rule as the Signals panel names it. */
export function signalEventFacts(s: { rule: string; subject: string }) {
  return {
    title: `Signal: ${ruleLabel(s.rule)} — ${s.subject}`.slice(0, 300),
    source: `usage signal ${s.rule}`,
  };
}

const CATEGORY: Record<string, "EXTRACTION" | "RATE_LIMITING" | "API_ACCESS"> = {
  extraction_shaped: "EXTRACTION",
  limit_evasion: "RATE_LIMITING",
  key_rotation: "RATE_LIMITING",
};

/**
 * Turns a signal the actor's organisation sees into a timeline event, linked to the evidence
 * items its usage came from. The event is owner-organisation-only when any import of that view
 * is: a signal's figures (a baseline, a model's first sighting, a tie between accounts) may rest
 * on rows outside its period and accounts, so only a view with nothing owner-only in it gives a
 * shared event. Its author may still share it, as any event, once they have read it.
 */
export async function addSignalToTimeline(actor: TActor, caseId: unknown, signalId: unknown): Promise<{ id: string }> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "timeline.create");
  const signal = await getDb().usageSignal.findFirst({
    where: { id: parseId(signalId), caseId: c.id, viewerOrgId: actor.orgId },
    select: {
      id: true,
      rule: true,
      subject: true,
      accounts: true,
      summary: true,
      periodStart: true,
      periodEnd: true,
      timelineEventId: true,
    },
  });
  if (!signal) throw new NotFoundError();
  // Once on the timeline, not twice (nor again when the other organisation's view of it is
  // there already); once its event is deleted, it may go again.
  if ((await signalEvents(actor, c.id, [signal], privilegeReader(actor, facts))).size > 0)
    throw new ConflictError("This signal is already on the timeline.");
  const { cited, ownerOnly } = await evidenceBehind(c.id, actor.orgId, signal);
  const made = signalEventFacts(signal);
  const event = await createTimelineEvent(actor, c.id, {
    occurredAt: signal.periodStart.toISOString(),
    endsAt: signal.periodEnd > signal.periodStart ? signal.periodEnd.toISOString() : "",
    timeZone: "UTC",
    title: made.title,
    description: `${signal.summary}\n\nRule ${signal.rule}, computed from the case's API usage imports.`,
    category: CATEGORY[ruleName(signal.rule)] ?? "API_ACCESS",
    source: made.source,
    confidence: "POSSIBLE",
    visibility: ownerOnly ? "OWNER_ORG_ONLY" : "ALL_CASE_ORGS",
    evidenceIds: cited.slice(0, EVIDENCE_LINKS_MAX),
  });
  await getDb().usageSignal.update({ where: { id: signal.id }, data: { timelineEventId: event.id } });
  await linkEventToAccounts(c.id, event.id, signal.accounts, actor.id);
  return event;
}

/**
 * The evidence behind a signal of the organisation's view: `cited`, the items of its visible
 * imports with usage of the signal's accounts in its period (all its visible imports if none is
 * found that way); `ownerOnly`, whether any visible import at all is owner-organisation-only.
 */
async function evidenceBehind(
  caseId: string,
  orgId: string,
  signal: { accounts: string[]; periodStart: Date; periodEnd: Date },
): Promise<{ cited: string[]; ownerOnly: boolean }> {
  const visible = await usageImportIdsFor(orgId, caseId);
  const used = await getDb().$queryRaw<{ importId: string }[]>`
    SELECT DISTINCT "importId"::text AS "importId" FROM "UsageHourly"
    WHERE "caseId" = ${caseId}::uuid AND "importId" = ANY(${visible}::uuid[]) AND "accountId" = ANY(${signal.accounts})
      AND hour >= date_trunc('hour', ${signal.periodStart.toISOString()}::timestamp)
      AND hour <= ${signal.periodEnd.toISOString()}::timestamp`;
  const jobs = await getDb().importJob.findMany({
    where: { id: { in: visible } },
    select: { id: true, evidence: { select: { id: true, visibility: true } } },
  });
  const usedIds = new Set(used.map((u) => u.importId));
  const cited = jobs
    .filter((j) => usedIds.size === 0 || usedIds.has(j.id))
    .flatMap((j) => (j.evidence ? [j.evidence.id] : []));
  return {
    cited: [...new Set(cited)],
    ownerOnly: jobs.some((j) => j.evidence?.visibility === "OWNER_ORG_ONLY"),
  };
}

/** A lead sets the case's signal thresholds and limits; the signals are computed again. */
export async function updateSignalSettings(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "usage.configure");
  const settings = parseInput(ZSignalSettings, input);
  await getDb().$transaction(async (tx) => {
    await tx.usageSettings.upsert({
      where: { caseId: c.id },
      create: { caseId: c.id, settings, updatedById: actor.id },
      update: { settings, updatedById: actor.id, version: { increment: 1 } },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "usage.settings_changed",
        targetType: "case",
        targetId: c.id,
        caseId: c.id,
        scope: "case",
        details: { settings },
      },
      tx,
    );
  });
  await refreshUsageAnalysis(c.id);
}

/** Computes the case's signals again now (after a change of mind, or to see a rule's new version). */
export async function recomputeSignals(actor: TActor, caseId: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "usage.import");
  await refreshUsageAnalysis(c.id);
  await recordAudit({
    actorId: actor.id,
    action: "usage.signals_recomputed",
    targetType: "case",
    targetId: c.id,
    caseId: c.id,
    scope: "case",
  });
}
