import "server-only";
import { randomUUID } from "node:crypto";
import Papa from "papaparse";
import { getDb, Prisma } from "@/lib/db";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import { canOnItem } from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import { visibleItemWhere } from "@/lib/auth/visibility";
import { recordAudit, type TAuditScope } from "@/lib/audit/record";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { ENTITY_KINDS, type TEntityKind } from "@/lib/linkage/graph-types";
import { normaliseEntity } from "@/lib/linkage/normalise";
import { ZAcceptAbove, ZClusterName, ZEntityInput, ZLinkInput, ZLinkRevision, ZMerge } from "@/lib/linkage/schemas";
import { ZLinkageSettings } from "@/lib/linkage/settings";
import { refreshProposals } from "@/lib/linkage/store";
import {
  entityVisibleSql,
  findVisibleEntity,
  linkageViewer,
  linkVisibleSql,
  NO_SUCH_ENTITY,
  type TLinkageViewer,
} from "@/lib/linkage/visibility";
import { serverRedactor } from "@/lib/usage/redaction";
import { parseInput } from "@/lib/validation";

// Changes to a case's linkage: entities by hand or CSV, links by hand or from the rules'
// proposals, revisions (a new version, never an update), merges and their undoing, cluster names
// and the rules' settings. Each is audited. A decision on a proposal is its organisation's: the
// audit row is scoped to it, since the proposal was computed over what that organisation sees.

type Tx = Prisma.TransactionClient;

const orgScope = (actor: TActor): TAuditScope => ({ org: actor.orgId });

/**
 * An entity the viewer sees, named by id or by its value in a kind (normalised as when it was
 * added). A value that exists only out of the viewer's sight gets the answer of one that does
 * not exist at all, so that a name cannot be tried to learn what the other side holds.
 */
async function findEntityNamed(tx: Tx, viewer: TLinkageViewer, kind: TEntityKind, text: string, field = "target") {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text))
    return findVisibleEntity(viewer, text, tx);
  const n = normaliseEntity(kind, text, serverRedactor());
  if ("error" in n) throw new ValidationError(n.error, { [field]: [n.error] });
  const missing = new NotFoundError(`No ${kind.toLowerCase().replace("_", " ")} "${text.slice(0, 80)}" in this case.`);
  const found = await tx.entity.findUnique({
    where: { caseId_kind_value: { caseId: viewer.caseId, kind, value: n.value } },
    select: { id: true },
  });
  if (!found) throw missing;
  return findVisibleEntity(viewer, found.id, tx).catch((error: unknown) => {
    throw error instanceof NotFoundError ? missing : error;
  });
}

/** Adds (or finds) an entity by hand: the value normalised, the spelling kept on the mention. */
export async function createEntity(actor: TActor, caseId: unknown, input: unknown): Promise<{ id: string }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  const data = parseInput(ZEntityInput, input);
  const normalised = normaliseEntity(data.kind, data.value, serverRedactor());
  if ("error" in normalised) throw new ValidationError(normalised.error, { value: [normalised.error] });
  return getDb().$transaction(async (tx) => {
    const id = await addMention(tx, actor, c.id, { ...data, ...normalised });
    await recordAudit(
      {
        actorId: actor.id,
        action: "linkage.entity_added",
        targetType: "entity",
        targetId: id,
        caseId: c.id,
        scope: data.visibility === "OWNER_ORG_ONLY" ? orgScope(actor) : "case",
        details: { kind: data.kind, value: normalised.value },
      },
      tx,
    );
    return { id };
  });
}

async function addMention(
  tx: Tx,
  actor: TActor,
  caseId: string,
  m: {
    kind: TEntityKind;
    value: string;
    display: string;
    label: string;
    visibility: "ALL_CASE_ORGS" | "OWNER_ORG_ONLY";
  },
): Promise<string> {
  const entity = await tx.entity.upsert({
    where: { caseId_kind_value: { caseId, kind: m.kind, value: m.value } },
    create: { caseId, kind: m.kind, value: m.value },
    update: {},
    select: { id: true },
  });
  await tx.entityMention.create({
    data: {
      entityId: entity.id,
      caseId,
      orgId: actor.orgId,
      visibility: m.visibility,
      display: m.display,
      label: m.label,
      createdById: actor.id,
    },
  });
  return entity.id;
}

const CSV_MAX_ROWS = 10_000;

/**
 * Entities in bulk from CSV (columns `kind`, `value`, optional `label`): every row is checked
 * first, and one bad row refuses the file, naming each bad line; nothing is added then.
 */
export async function importEntitiesCsv(
  actor: TActor,
  caseId: unknown,
  csv: string,
  visibility: unknown = "ALL_CASE_ORGS",
): Promise<{ added: number }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  const vis = visibility === "OWNER_ORG_ONLY" ? "OWNER_ORG_ONLY" : "ALL_CASE_ORGS";
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => h.trim().toLowerCase(),
  });
  const fields = parsed.meta.fields ?? [];
  if (!fields.includes("kind") || !fields.includes("value"))
    throw new ValidationError("The file needs a header row with the columns kind and value (and optionally label).");
  if (parsed.data.length > CSV_MAX_ROWS)
    throw new ValidationError(`The file has ${parsed.data.length} rows; at most ${CSV_MAX_ROWS} at a time.`);
  const redact = serverRedactor();
  const errors: string[] = [];
  const rows: { kind: TEntityKind; value: string; display: string; label: string }[] = [];
  parsed.data.forEach((row, i) => {
    const line = i + 2;
    const kind = String(row.kind ?? "")
      .trim()
      .toUpperCase()
      .replace(/[\s-]+/g, "_") as TEntityKind;
    if (!ENTITY_KINDS.includes(kind)) {
      errors.push(`Line ${line}: "${String(row.kind ?? "").slice(0, 40)}" is not a kind (${ENTITY_KINDS.join(", ")}).`);
      return;
    }
    const n = normaliseEntity(kind, String(row.value ?? ""), redact);
    if ("error" in n) return void errors.push(`Line ${line}: ${n.error}`);
    rows.push({ kind, ...n, label: String(row.label ?? "").slice(0, 200) });
  });
  for (const e of parsed.errors.slice(0, 20)) errors.push(`Line ${(e.row ?? 0) + 2}: ${e.message}`);
  if (errors.length)
    throw new ValidationError(`Nothing was added: ${errors.length} row(s) need fixing.`, { file: errors.slice(0, 50) });
  await getDb().$transaction(
    async (tx) => {
      for (const r of rows) await addMention(tx, actor, c.id, { ...r, visibility: vis });
      await recordAudit(
        {
          actorId: actor.id,
          action: "linkage.entities_imported",
          targetType: "case",
          targetId: c.id,
          caseId: c.id,
          scope: vis === "OWNER_ORG_ONLY" ? orgScope(actor) : "case",
          details: { rows: rows.length },
        },
        tx,
      );
    },
    { timeout: 120_000 },
  );
  return { added: rows.length };
}

/** Evidence items the actor may cite as a link's support (of this case, seen by them, not deleted). */
async function citableEvidence(actor: TActor, caseId: string, ids: string[]) {
  if (!ids.length) return [];
  const found = await getDb().evidence.findMany({
    where: { id: { in: ids }, caseId, deletedAt: null, ...visibleItemWhere(actor) },
    select: { id: true, visibility: true },
  });
  if (found.length !== new Set(ids).size) throw new NotFoundError("No such evidence item in this case.");
  return found;
}

/** A link by hand: manual provenance with its author, and the reason and evidence behind it. */
export async function createLink(actor: TActor, caseId: unknown, input: unknown): Promise<{ id: string }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  const data = parseInput(ZLinkInput, input);
  const viewer = await linkageViewer(actor.orgId, c.id);
  const from = await findVisibleEntity(viewer, data.fromId);
  const to = await findEntityNamed(getDb(), viewer, data.toKind ?? from.kind, data.toId, "toId");
  if (to.id === from.id)
    throw new ValidationError("A link joins two different entities.", { toId: ["Choose another entity."] });
  const evidence = await citableEvidence(actor, c.id, data.evidenceIds);
  // A link resting on owner-only evidence is itself owner-only.
  const visibility = evidence.some((e) => e.visibility === "OWNER_ORG_ONLY") ? "OWNER_ORG_ONLY" : data.visibility;
  return getDb().$transaction(async (tx) => {
    const link = await tx.entityLink.create({
      data: {
        caseId: c.id,
        lineageId: randomUUID(),
        kind: data.kind,
        fromId: from.id,
        toId: to.id,
        confidence: data.confidence,
        provenance: "manual",
        contributions: [{ label: "Set by hand", points: data.confidence }],
        rationale: data.rationale,
        orgId: actor.orgId,
        visibility,
        createdById: actor.id,
        support: { create: evidence.map((e) => ({ evidenceId: e.id })) },
      },
      select: { id: true },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "linkage.link_added",
        targetType: "link",
        targetId: link.id,
        caseId: c.id,
        scope: visibility === "OWNER_ORG_ONLY" ? orgScope(actor) : "case",
        details: { kind: data.kind, confidence: data.confidence, evidence: evidence.length },
      },
      tx,
    );
    return link;
  });
}

/**
 * A new version of a link the actor sees (another confidence, a reason, or its retraction): the
 * old row stays, superseded. The version given must be the current one, so two reviewers
 * changing one link at once conflict visibly rather than one silently winning.
 */
export async function reviseLink(
  actor: TActor,
  caseId: unknown,
  linkId: unknown,
  input: unknown,
): Promise<{ id: string }> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "linkage.review");
  const data = parseInput(ZLinkRevision, input);
  const viewer = await linkageViewer(actor.orgId, c.id);
  const id = parseId(linkId);
  return getDb().$transaction(async (tx) => {
    const [current] = await tx.$queryRaw<{ id: string; lineageId: string; version: number }[]>`
      SELECT l.id, l."lineageId", l.version FROM "EntityLink" l
      WHERE l.id = ${id}::uuid AND l."caseId" = ${c.id}::uuid AND ${linkVisibleSql(viewer, "l")}
      FOR UPDATE`;
    if (!current) throw new NotFoundError("No such link in this case.");
    const old = await tx.entityLink.findUniqueOrThrow({ where: { id: current.id }, include: { support: true } });
    // Another organisation's link is read-only: it states what that organisation concluded.
    if (!canOnItem(actor, "item.revise_link", facts, { ...old, authorId: old.createdById }))
      throw new ForbiddenError("Only the organisation that made this link can revise or retract it.");
    if (old.supersededAt || old.version !== data.version)
      throw new ConflictError("Someone changed this link since you opened it: reload to see the current version.");
    await tx.entityLink.update({ where: { id: old.id }, data: { supersededAt: new Date() } });
    const next = await tx.entityLink.create({
      data: {
        caseId: c.id,
        lineageId: old.lineageId,
        version: old.version + 1,
        kind: old.kind,
        fromId: old.fromId,
        toId: old.toId,
        confidence: data.confidence,
        provenance: old.provenance,
        params: old.params ?? {},
        contributions: [
          ...((old.contributions as { label: string; points: number }[]) ?? []),
          { label: `Revised by hand: ${data.rationale.slice(0, 120)}`, points: data.confidence - old.confidence },
        ],
        rationale: data.rationale,
        firstSeen: old.firstSeen,
        lastSeen: old.lastSeen,
        supportRows: old.supportRows,
        retracted: data.retract,
        orgId: old.orgId,
        visibility: old.visibility,
        createdById: actor.id,
        support: {
          create: old.support.map((s) => ({ importId: s.importId, evidenceId: s.evidenceId, rows: s.rows })),
        },
      },
      select: { id: true },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: data.retract ? "linkage.link_retracted" : "linkage.link_revised",
        targetType: "link",
        targetId: next.id,
        caseId: c.id,
        scope: old.visibility === "OWNER_ORG_ONLY" ? { org: old.orgId } : orgScope(actor),
        details: { lineageId: old.lineageId, version: old.version + 1, confidence: data.confidence },
      },
      tx,
    );
    return next;
  });
}

type TProposalRow = Prisma.LinkProposalGetPayload<object>;

/** Proposals become links (the rule as provenance), in batches: "accept all" may take thousands. */
async function acceptRows(tx: Tx, actor: TActor, caseId: string, proposals: TProposalRow[]): Promise<string[]> {
  const importIds = [
    ...new Set(proposals.flatMap((p) => (p.support as { importId: string }[]).map((s) => s.importId))),
  ];
  const jobs = await tx.importJob.findMany({
    where: { id: { in: importIds } },
    select: { id: true, evidenceId: true },
  });
  const evidenceOf = new Map(jobs.map((j) => [j.id, j.evidenceId]));
  const ids = proposals.map(() => randomUUID());
  for (let i = 0; i < proposals.length; i += 5_000) {
    const batch = proposals.slice(i, i + 5_000);
    await tx.entityLink.createMany({
      data: batch.map((p, k) => ({
        id: ids[i + k]!,
        caseId,
        lineageId: randomUUID(),
        kind: p.kind,
        fromId: p.fromId,
        toId: p.toId,
        confidence: p.confidence,
        provenance: p.rule,
        params: p.params ?? {},
        contributions: p.contributions ?? [],
        rationale: p.rationale,
        firstSeen: p.firstSeen,
        lastSeen: p.lastSeen,
        supportRows: p.supportRows,
        orgId: actor.orgId,
        createdById: actor.id,
      })),
    });
    await tx.linkSupport.createMany({
      data: batch.flatMap((p, k) =>
        (p.support as { importId: string; rows: number }[]).map((s) => ({
          linkId: ids[i + k]!,
          importId: s.importId,
          evidenceId: evidenceOf.get(s.importId) ?? null,
          rows: BigInt(Math.round(s.rows)),
        })),
      ),
    });
    await tx.linkDecision.createMany({
      data: batch.map((p, k) => ({
        caseId,
        orgId: actor.orgId,
        rule: p.rule,
        pairKey: p.pairKey,
        decision: "ACCEPTED" as const,
        linkId: ids[i + k],
        decidedById: actor.id,
      })),
      skipDuplicates: true,
    });
    await tx.linkProposal.deleteMany({ where: { id: { in: batch.map((p) => p.id) } } });
  }
  return ids;
}

async function ownProposal(tx: Tx, actor: TActor, caseId: string, proposalId: unknown) {
  const proposal = await tx.linkProposal.findFirst({
    where: { id: parseId(proposalId), caseId, viewerOrgId: actor.orgId },
  });
  if (!proposal) throw new NotFoundError("No such proposal: it may have been decided already.");
  return proposal;
}

/** Accepts one proposal of the actor's organisation: it becomes a link with the rule as provenance. */
export async function acceptProposal(actor: TActor, caseId: unknown, proposalId: unknown): Promise<{ id: string }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  return getDb().$transaction(async (tx) => {
    const proposal = await ownProposal(tx, actor, c.id, proposalId);
    const [id] = await acceptRows(tx, actor, c.id, [proposal]);
    await recordAudit(
      {
        actorId: actor.id,
        action: "linkage.proposal_accepted",
        targetType: "link",
        targetId: id!,
        caseId: c.id,
        scope: orgScope(actor),
        details: { rule: proposal.rule, pair: proposal.pairKey, confidence: proposal.confidence },
      },
      tx,
    );
    return { id: id! };
  });
}

/** Accepts every proposal of the actor's organisation at or above a confidence (of one rule, if named). */
export async function acceptProposalsAbove(
  actor: TActor,
  caseId: unknown,
  input: unknown,
): Promise<{ accepted: number }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  const { minConfidence, rule } = parseInput(ZAcceptAbove, input);
  return getDb().$transaction(
    async (tx) => {
      const proposals = await tx.linkProposal.findMany({
        where: {
          caseId: c.id,
          viewerOrgId: actor.orgId,
          confidence: { gte: minConfidence },
          ...(rule ? { rule } : {}),
        },
        orderBy: { id: "asc" },
      });
      await acceptRows(tx, actor, c.id, proposals);
      await recordAudit(
        {
          actorId: actor.id,
          action: "linkage.proposals_accepted",
          targetType: "case",
          targetId: c.id,
          caseId: c.id,
          scope: orgScope(actor),
          details: { minConfidence, rule: rule ?? null, accepted: proposals.length },
        },
        tx,
      );
      return { accepted: proposals.length };
    },
    { timeout: 10 * 60_000 },
  );
}

/** Rejects a proposal: remembered for the organisation, and never proposed to it again. */
export async function rejectProposal(actor: TActor, caseId: unknown, proposalId: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  await getDb().$transaction(async (tx) => {
    const proposal = await ownProposal(tx, actor, c.id, proposalId);
    await tx.linkDecision.create({
      data: {
        caseId: c.id,
        orgId: actor.orgId,
        rule: proposal.rule,
        pairKey: proposal.pairKey,
        decision: "REJECTED",
        decidedById: actor.id,
      },
    });
    await tx.linkProposal.delete({ where: { id: proposal.id } });
    await recordAudit(
      {
        actorId: actor.id,
        action: "linkage.proposal_rejected",
        targetType: "case",
        targetId: c.id,
        caseId: c.id,
        scope: orgScope(actor),
        details: { rule: proposal.rule, pair: proposal.pairKey },
      },
      tx,
    );
  });
}

/**
 * Refuses a merge of `sourceId` into `targetId` that would close a loop: the target already
 * stands, through its merges, for the source. The walk follows the stored merges, those the
 * viewer cannot see too (a loop is a loop); a loop through an entity hidden from the viewer is
 * answered as a missing target, since it may not learn of that merge.
 */
async function refuseMergeLoop(tx: Tx, viewer: TLinkageViewer, sourceId: string, targetId: string): Promise<void> {
  let throughHidden = false;
  for (let at: string | null = targetId, hops = 0; at && hops < 1_000; hops++) {
    const [step]: { into: string | null; seen: boolean }[] = await tx.$queryRaw`
      SELECT e."mergedIntoId" AS into, ${entityVisibleSql(viewer, "e")} AS seen FROM "Entity" e WHERE e.id = ${at}::uuid`;
    throughHidden ||= !step?.seen;
    at = step?.into ?? null;
    if (at !== sourceId) continue;
    if (throughHidden) throw new NotFoundError(NO_SUCH_ENTITY);
    throw new ConflictError("The target is already merged into this entity.");
  }
}

/**
 * Merges one entity into another of the same kind: the source's links and mentions then count
 * as the target's, and both values stay (the source as an alias). Undone by unmergeEntity.
 * Entities and merges are those the actor's organisation sees (lib/linkage/visibility.ts).
 */
export async function mergeEntities(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  const { sourceId, target: targetText } = parseInput(ZMerge, input);
  const viewer = await linkageViewer(actor.orgId, c.id);
  await getDb().$transaction(async (tx) => {
    const source = await findVisibleEntity(viewer, sourceId, tx);
    const target = await findEntityNamed(tx, viewer, source.kind, targetText);
    if (target.id === source.id)
      throw new ValidationError("An entity cannot be merged into itself.", { target: ["Choose another entity."] });
    if (source.kind !== target.kind)
      throw new ValidationError(`Only entities of one kind merge (${source.kind} and ${target.kind}).`);
    if (source.mergedIntoId) throw new ConflictError("This entity is already merged; undo that merge first.");
    await refuseMergeLoop(tx, viewer, source.id, target.id);
    // Stamped as a typed mention is (who sees a merge compares the two: seenWhenActedSql).
    const updated = await tx.entity.updateMany({
      where: { id: source.id, mergedIntoId: null },
      data: { mergedIntoId: target.id, mergedById: actor.id, mergedAt: new Date() },
    });
    if (!updated.count) {
      // Merged since it was read, or all along into an entity the viewer cannot see. The second
      // is another organisation's merge, not the viewer's to replace nor to learn of: the source
      // is answered as missing.
      if ((await findVisibleEntity(viewer, source.id, tx)).mergedIntoId)
        throw new ConflictError("This entity was merged by someone else a moment ago.");
      throw new NotFoundError(NO_SUCH_ENTITY);
    }
    await recordAudit(
      {
        actorId: actor.id,
        action: "linkage.entities_merged",
        targetType: "entity",
        targetId: target.id,
        caseId: c.id,
        scope: orgScope(actor),
        details: { source: source.value, target: target.value, kind: source.kind },
      },
      tx,
    );
  });
}

/** Undoes a merge the actor's organisation sees; a merge into an entity it cannot see is none for it. */
export async function unmergeEntity(actor: TActor, caseId: unknown, entityId: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  const viewer = await linkageViewer(actor.orgId, c.id);
  await getDb().$transaction(async (tx) => {
    const entity = await findVisibleEntity(viewer, entityId, tx);
    if (!entity.mergedIntoId) throw new ConflictError("This entity is not merged.");
    // Only the merge the viewer saw: had it been replaced meanwhile, that one may be hidden from it.
    const updated = await tx.entity.updateMany({
      where: { id: entity.id, mergedIntoId: entity.mergedIntoId },
      data: { mergedIntoId: null, mergedById: null, mergedAt: new Date() },
    });
    if (!updated.count) throw new ConflictError("This entity is not merged.");
    await recordAudit(
      {
        actorId: actor.id,
        action: "linkage.entities_unmerged",
        targetType: "entity",
        targetId: entity.id,
        caseId: c.id,
        scope: orgScope(actor),
        details: { value: entity.value, kind: entity.kind },
      },
      tx,
    );
  });
}

/** Names the cluster holding an account, for the actor's organisation (the name follows the account). */
export async function nameCluster(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  const { anchorId, name } = parseInput(ZClusterName, input);
  const viewer = await linkageViewer(actor.orgId, c.id);
  const anchor = await findVisibleEntity(viewer, anchorId);
  if (anchor.kind !== "ACCOUNT") throw new ValidationError("A cluster is named after one of its accounts.");
  await getDb().$transaction(async (tx) => {
    await tx.clusterLabel.upsert({
      where: { caseId_orgId_anchorEntityId: { caseId: c.id, orgId: actor.orgId, anchorEntityId: anchor.id } },
      create: { caseId: c.id, orgId: actor.orgId, anchorEntityId: anchor.id, name, createdById: actor.id },
      update: { name, createdById: actor.id },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "linkage.cluster_named",
        targetType: "entity",
        targetId: anchor.id,
        caseId: c.id,
        scope: orgScope(actor),
        details: { name },
      },
      tx,
    );
  });
}

/** Ties a timeline event the actor sees to an entity it sees (the timeline's entity filter). */
export async function linkTimelineEvent(
  actor: TActor,
  caseId: unknown,
  entityId: unknown,
  eventId: unknown,
): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.review");
  const viewer = await linkageViewer(actor.orgId, c.id);
  const entity = await findVisibleEntity(viewer, entityId);
  const event = await getDb().timelineEvent.findFirst({
    where: { id: parseId(eventId), caseId: c.id, deletedAt: null, ...visibleItemWhere(actor) },
    select: { id: true, visibility: true, orgId: true },
  });
  if (!event) throw new NotFoundError("No such timeline event in this case.");
  await getDb().$transaction(async (tx) => {
    await tx.timelineEventEntity.createMany({
      data: [{ eventId: event.id, entityId: entity.id, createdById: actor.id }],
      skipDuplicates: true,
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "linkage.event_linked",
        targetType: "timeline_event",
        targetId: event.id,
        caseId: c.id,
        scope: orgScope(actor),
        details: { entity: entity.value, kind: entity.kind },
      },
      tx,
    );
  });
}

/** A lead sets the case's linkage settings; the proposals are computed again. */
export async function updateLinkageSettings(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "linkage.configure");
  const settings = parseInput(ZLinkageSettings, input);
  await getDb().$transaction(async (tx) => {
    await tx.linkageSettings.upsert({
      where: { caseId: c.id },
      create: { caseId: c.id, settings, updatedById: actor.id },
      update: { settings, updatedById: actor.id, version: { increment: 1 } },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "linkage.settings_changed",
        targetType: "case",
        targetId: c.id,
        caseId: c.id,
        scope: "case",
        details: { settings },
      },
      tx,
    );
  });
  await refreshProposals(c.id);
}
