import "server-only";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { canOnCase } from "@/lib/auth/permissions";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { visibleItemWhere } from "@/lib/auth/visibility";
import { STALE_MS } from "@/lib/jobs/job";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";
import { runProduction } from "@/lib/productions/runner";
import { formatBates, type TProductionScope } from "@/lib/productions/schemas";
import { scopeText } from "@/lib/productions/report";

// Reading productions: the list, one production's progress, and the download. A production is
// its organisation's: it may hold that organisation's owner-only items, so a partner's legal
// reviewer or lead never sees it (NotFound, like a missing one).

export type TProductionView = {
  id: string;
  status: string;
  createdAt: string;
  completedAt: string | null;
  createdBy: string;
  scope: string;
  receivingParty: string;
  batesRange: string | null;
  size: number | null;
  sha256: string | null;
  itemsTotal: number;
  itemsDone: number;
  bytesTotal: number;
  bytesDone: number;
  legalHold: boolean;
  error: string | null;
};

const SELECT = {
  id: true,
  status: true,
  createdAt: true,
  completedAt: true,
  scope: true,
  receivingParty: true,
  batesPrefix: true,
  batesStart: true,
  batesEnd: true,
  size: true,
  sha256: true,
  itemsTotal: true,
  itemsDone: true,
  bytesTotal: true,
  bytesDone: true,
  legalHold: true,
  error: true,
  heartbeatAt: true,
  createdById: true,
} as const;

type TRow = Awaited<ReturnType<typeof findOwn>> & {};

function findOwn(actor: TActor, caseId: string, id: string) {
  return getDb().production.findFirst({ where: { id, caseId, orgId: actor.orgId, deletedAt: null }, select: SELECT });
}

async function toView(p: TRow, names: Map<string, string>): Promise<TProductionView> {
  return {
    id: p.id,
    status: p.status,
    createdAt: p.createdAt.toISOString(),
    completedAt: p.completedAt?.toISOString() ?? null,
    createdBy: names.get(p.createdById) ?? "",
    scope: scopeText(parseScope(p.scope)),
    receivingParty: p.receivingParty,
    batesRange:
      p.batesStart !== null && p.batesEnd !== null
        ? `${formatBates(p.batesPrefix, p.batesStart)} – ${formatBates(p.batesPrefix, p.batesEnd)}`
        : null,
    size: p.size === null ? null : Number(p.size),
    sha256: p.sha256,
    itemsTotal: p.itemsTotal,
    itemsDone: p.itemsDone,
    bytesTotal: Number(p.bytesTotal),
    bytesDone: Number(p.bytesDone),
    legalHold: p.legalHold,
    error: p.error,
  };
}

function parseScope(raw: unknown): TProductionScope {
  const s = raw as { kind: string; ids?: string[]; from?: string; to?: string };
  if (s.kind === "timeline") return { kind: "timeline", from: new Date(s.from!), to: new Date(s.to!) };
  if (s.kind === "evidence") return { kind: "evidence", ids: s.ids ?? [] };
  return { kind: "case" };
}

async function userNames(ids: string[]) {
  const users = await getDb().user.findMany({
    where: { id: { in: [...new Set(ids)] } },
    select: { id: true, name: true },
  });
  return new Map(users.map((u) => [u.id, u.name]));
}

/** A production still queued, or whose runner stopped sending heartbeats, is (re)started here. */
function resumeIfStalled(p: TRow): void {
  const stale = !p.heartbeatAt || Date.now() - p.heartbeatAt.getTime() > STALE_MS;
  if ((p.status === "QUEUED" || p.status === "RUNNING") && stale) void runProduction(p.id);
}

/** The case's productions made by the actor's organisation, newest first. */
export async function listProductions(actor: TActor, caseId: unknown) {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "production.create");
  const rows = await getDb().production.findMany({
    where: { caseId: c.id, orgId: actor.orgId, deletedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
    select: SELECT,
  });
  rows.forEach(resumeIfStalled);
  const names = await userNames(rows.map((r) => r.createdById));
  return {
    case: { id: c.id, number: c.number, legalHold: c.legalHold },
    productions: await Promise.all(rows.map((r) => toView(r, names))),
    can: { delete: canOnCase(actor, "production.delete", facts) && !c.legalHold },
  };
}

/** One production's state (the progress page polls it). */
export async function getProduction(actor: TActor, caseId: unknown, productionId: unknown): Promise<TProductionView> {
  const { case: c } = await requireCaseAccess(actor, caseId, "production.create");
  const p = await findOwn(actor, c.id, parseId(productionId));
  if (!p) throw new NotFoundError("No such production in this case.");
  resumeIfStalled(p);
  return toView(p, await userNames([p.createdById]));
}

type TBates = { batesPrefix: string; batesStart: number | null; batesEnd: number | null };
const batesText = (p: TBates) =>
  p.batesStart !== null && p.batesEnd !== null
    ? `${formatBates(p.batesPrefix, p.batesStart)}-${formatBates(p.batesPrefix, p.batesEnd)}`
    : "no natives";
const downloadName = (caseNumber: string, p: TBates) => `${caseNumber}_${batesText(p)}.zip`;

/** What the export form offers: the evidence to choose from and the organisation's next number per prefix it used. */
export async function getExportForm(actor: TActor, caseId: unknown) {
  const { case: c } = await requireCaseAccess(actor, caseId, "production.create");
  const db = getDb();
  const evidence = await db.evidence.findMany({
    where: { caseId: c.id, deletedAt: null, purgedAt: null, ...visibleItemWhere(actor) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: EVIDENCE_CHOICES,
    select: { id: true, title: true, fileName: true, privileged: true },
  });
  const prefixes = await db.production.findMany({
    where: { caseId: c.id, orgId: actor.orgId },
    distinct: ["batesPrefix"],
    select: { batesPrefix: true },
  });
  // The organisation's own counters: another's use of a prefix must not show in the suggestion.
  const counters = await db.batesCounter.findMany({
    where: { orgId: actor.orgId, prefix: { in: prefixes.map((p) => p.batesPrefix) } },
  });
  return {
    evidence,
    moreEvidence: evidence.length === EVIDENCE_CHOICES,
    nextNumbers: Object.fromEntries(counters.map((k) => [k.prefix, k.last + 1])),
  };
}

/** The form lists this many items to pick from; beyond it, export the case or a date range. */
const EVIDENCE_CHOICES = 1_000;

/** The download's headers (a HEAD request): checked like the download, recorded as nothing. */
export async function describeProductionDownload(actor: TActor, caseId: unknown, productionId: unknown) {
  const { case: c } = await requireCaseAccess(actor, caseId, "production.create");
  const p = await findOwn(actor, c.id, parseId(productionId));
  if (!p || p.status !== "COMPLETE" || !p.sha256) throw new NotFoundError("No finished production here.");
  return { fileName: downloadName(c.number, p), mimeType: "application/zip", size: Number(p.size), sha256: p.sha256 };
}

/**
 * The finished ZIP as a stream. Audited, and each produced item gets a PRODUCED custody entry
 * (it has left the organisation's hands), in one transaction before the first byte goes out.
 */
export async function openProductionDownload(actor: TActor, caseId: unknown, productionId: unknown) {
  const { case: c } = await requireCaseAccess(actor, caseId, "production.create");
  const db = getDb();
  const p = await db.production.findFirst({
    where: { id: parseId(productionId), caseId: c.id, orgId: actor.orgId, deletedAt: null },
    select: {
      id: true,
      status: true,
      sha256: true,
      size: true,
      options: true,
      receivingParty: true,
      batesPrefix: true,
      batesStart: true,
      batesEnd: true,
    },
  });
  if (!p) throw new NotFoundError("No such production in this case.");
  if (p.status !== "COMPLETE" || !p.sha256)
    throw new ConflictError("This production has not finished: there is nothing to download yet.");
  const stream = await getBlobStore().read(p.sha256);
  if (!stream) throw new ConflictError("The production's ZIP is missing from storage: export again.");
  const produced = (p.options as { producedIds?: string[] }).producedIds ?? [];
  const range =
    p.batesStart !== null
      ? `${formatBates(p.batesPrefix, p.batesStart)}-${formatBates(p.batesPrefix, p.batesEnd!)}`
      : "no natives";
  await db.$transaction(async (tx) => {
    for (let i = 0; i < produced.length; i += 5_000)
      await tx.custodyEvent.createMany({
        data: produced.slice(i, i + 5_000).map((evidenceId) => ({
          evidenceId,
          actorId: actor.id,
          action: "PRODUCED" as const,
          note: `Production ${p.id} (${range}) downloaded for ${p.receivingParty}.`,
        })),
      });
    await recordAudit(
      {
        actorId: actor.id,
        action: "production.downloaded",
        targetType: "production",
        targetId: p.id,
        caseId: c.id,
        scope: { org: actor.orgId },
        details: { sha256: p.sha256, items: produced.length },
      },
      tx,
    );
  });
  return {
    stream,
    fileName: downloadName(c.number, p),
    mimeType: "application/zip",
    size: Number(p.size),
    sha256: p.sha256,
  };
}
