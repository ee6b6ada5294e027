import "server-only";
import { getDb, type Prisma } from "@/lib/db";
import { itemScope, recordAudit } from "@/lib/audit/record";
import { endOpenReleases, ITEM_FACTS_SELECT } from "@/lib/releases/items";
import { canOnTimelineEvent, type TTimelineAction } from "@/lib/auth/permissions";
import { requireNoLegalHold } from "@/lib/cases/hold";
import { touchCaseFor } from "@/lib/cases/touch";
import { forbiddenRefusal, notFoundRefusal, loadCaseFacts, parseId, requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, FIELDS_REFUSED, ValidationError } from "@/lib/errors";
import { parseInput, parseQuery } from "@/lib/validation";
import { ZCreateEvent, ZDeleteEvent, ZUpdateEvent, type TUpdateEvent } from "@/lib/timeline/schemas";
import { visibleItemWhere } from "@/lib/auth/visibility";
import { ensureCaseCategories } from "@/lib/timeline/categories";

type Tx = Prisma.TransactionClient;

/**
 * The evidence ids, checked inside the transaction: each must be an undeleted item of this
 * case that the actor can see. Anything else is refused as one message, without saying which
 * ids exist elsewhere.
 */
async function checkEvidence(tx: Tx, actor: TActor, caseId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await tx.evidence.count({
    where: { id: { in: ids }, caseId, deletedAt: null, ...visibleItemWhere(actor) },
  });
  if (found !== ids.length)
    throw new ValidationError(FIELDS_REFUSED, {
      evidenceIds: ["Link only evidence items of this case that you can see."],
    });
}

/**
 * Adds an event. On a case whose release mode is not DIRECT, a new event starts
 * owner-organisation-only whatever the form says, as notes do: it reaches the partner only by
 * a release.
 */
/** The columns a person writes, the same for create and update. */
function eventFields(
  data: Pick<
    TUpdateEvent,
    "occurredAt" | "endsAt" | "title" | "description" | "category" | "customCategory" | "source" | "confidence"
  >,
) {
  const { occurredAt, endsAt, title, description, category, customCategory, source, confidence } = data;
  return { occurredAt, endsAt, title, description, category, customCategory, source, confidence };
}

export async function createTimelineEvent(actor: TActor, caseId: unknown, input: unknown): Promise<{ id: string }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "timeline.create");
  const data = parseInput(ZCreateEvent, input);
  const visibility = c.releaseMode === "DIRECT" ? data.visibility : "OWNER_ORG_ONLY";
  return getDb().$transaction(async (tx) => {
    await checkEvidence(tx, actor, c.id, data.evidenceIds);
    const event = await tx.timelineEvent.create({
      data: {
        caseId: c.id,
        orgId: actor.orgId,
        authorId: actor.id,
        ...eventFields(data),
        visibility,
        evidence: { create: data.evidenceIds.map((evidenceId) => ({ evidenceId })) },
      },
      select: { id: true },
    });
    if (data.customCategory) await ensureCaseCategories(tx, c.id, actor.orgId, [data.customCategory]);
    await touchCaseFor(tx, c.id, { visibility });
    await recordAudit(
      {
        actorId: actor.id,
        action: "timeline_event.created",
        targetType: "timeline_event",
        targetId: event.id,
        caseId: c.id,
        scope: itemScope({ visibility, orgId: actor.orgId }),
        details: { visibility },
      },
      tx,
    );
    return event;
  });
}

/** The event as `actor` sees it, checked against `action`: invisible or unknown → NotFound. */
async function loadEvent(actor: TActor, eventId: unknown, action: TTimelineAction, caseId?: unknown) {
  const id = parseId(eventId);
  // visibility: one event by id, decided by canOnTimelineEvent below (NotFound if not visible).
  const event = await getDb().timelineEvent.findFirst({
    where: { id, deletedAt: null },
    select: { id: true, ...ITEM_FACTS_SELECT, authorId: true },
  });
  const refused = () => notFoundRefusal(actor, action, "timeline_event", id);
  if (!event || (caseId !== undefined && parseId(caseId) !== event.caseId)) throw await refused();
  const access = await loadCaseFacts(actor, event.caseId);
  if (!access || !canOnTimelineEvent(actor, "event.read", access.facts, event)) throw await refused();
  if (!canOnTimelineEvent(actor, action, access.facts, event)) {
    throw await forbiddenRefusal(
      actor,
      action,
      { type: "timeline_event", id, caseId: event.caseId },
      action === "event.edit"
        ? "Only members of the event's organisation who add events can edit it."
        : "Only the author or a lead of the event's organisation can delete it.",
    );
  }
  return { event, access };
}

const ON_HOLD = "timeline events cannot be edited or deleted";

const CONFLICT =
  "Someone else changed this event after you opened it. Your input is still in the form: reload to see their change, then apply yours again.";

export async function updateTimelineEvent(
  actor: TActor,
  eventId: unknown,
  input: unknown,
  caseId?: unknown,
): Promise<{ version: number }> {
  const { event, access } = await loadEvent(actor, eventId, "event.edit", caseId);
  const data = parseInput(ZUpdateEvent, input);
  const direct = access.case.releaseMode === "DIRECT";
  // As for notes: where releases are deliberate, an edit takes the event back to its
  // organisation and ends its release, to be released again as it now reads.
  const visibility = direct ? data.visibility : "OWNER_ORG_ONLY";
  return getDb().$transaction(async (tx) => {
    await requireNoLegalHold(tx, event.caseId, ON_HOLD);
    await checkEvidence(tx, actor, event.caseId, data.evidenceIds);
    const { count } = await tx.timelineEvent.updateMany({
      where: { id: event.id, version: data.version, deletedAt: null },
      data: {
        ...eventFields(data),
        visibility,
        version: { increment: 1 },
      },
    });
    if (count === 0) throw new ConflictError(CONFLICT);
    await touchCaseFor(tx, event.caseId, { visibility, was: event.visibility });
    if (data.customCategory) await ensureCaseCategories(tx, event.caseId, event.orgId, [data.customCategory]);
    await tx.timelineEventEvidence.deleteMany({ where: { eventId: event.id } });
    await tx.timelineEventEvidence.createMany({
      data: data.evidenceIds.map((evidenceId) => ({ eventId: event.id, evidenceId })),
    });
    if (!direct) {
      await endOpenReleases(
        tx,
        "timeline_event",
        event.id,
        actor.id,
        "The event was edited after its release was requested or granted.",
      );
    }
    await recordAudit(
      {
        actorId: actor.id,
        action: "timeline_event.updated",
        targetType: "timeline_event",
        targetId: event.id,
        caseId: event.caseId,
        scope: itemScope({ visibility, orgId: event.orgId }),
        details: { visibility },
      },
      tx,
    );
    return { version: data.version + 1 };
  });
}

/** Soft delete (the row and its audit history stay); a stale version is a conflict. */
export async function deleteTimelineEvent(
  actor: TActor,
  eventId: unknown,
  version: unknown,
  caseId?: unknown,
): Promise<void> {
  const { event } = await loadEvent(actor, eventId, "event.delete", caseId);
  const expected = parseQuery(ZDeleteEvent, { version }).version ?? event.version;
  await getDb().$transaction(async (tx) => {
    await requireNoLegalHold(tx, event.caseId, ON_HOLD);
    const { count } = await tx.timelineEvent.updateMany({
      where: { id: event.id, version: expected, deletedAt: null },
      data: { deletedAt: new Date(), version: { increment: 1 } },
    });
    if (count === 0)
      throw new ConflictError("Someone else changed this event after you opened it: reload before deleting it.");
    await recordAudit(
      {
        actorId: actor.id,
        action: "timeline_event.deleted",
        targetType: "timeline_event",
        targetId: event.id,
        caseId: event.caseId,
        scope: itemScope(event),
      },
      tx,
    );
  });
}
