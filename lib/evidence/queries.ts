import "server-only";
import type { Readable } from "node:stream";
import { z } from "zod";
import { getDb, type Prisma } from "@/lib/db";
import { itemScope, recordAudit } from "@/lib/audit/record";
import { canOnEvidence, privilegeReader, type TCaseFacts } from "@/lib/auth/permissions";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { NotFoundError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";
import {
  readableItemSql,
  readableItemWhere,
  visibleItemSql,
  visibleItemWhere,
  withheldItemWhere,
} from "@/lib/auth/visibility";
import { withhold, type TWithheld } from "@/lib/privilege/withhold";
import type { PrivilegeBasis } from "@/lib/generated/prisma/enums";
import { addCustody, loadEvidence, type TEvidenceFacts } from "@/lib/evidence/access";
import { getItemReleases, type TItemRelease, type TReleaseState } from "@/lib/releases/queries";
import { readPreview, readSourceLines, type TPreview, type TSourceLines } from "@/lib/evidence/preview";
import { EVIDENCE_PAGE_SIZE, type TEvidenceFilters } from "@/lib/evidence/schemas";
import { IMAGE_PREVIEW_TYPES } from "@/lib/evidence/sniff";

export type TEvidenceRow = {
  id: string;
  title: string;
  kind: string;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  tags: string[];
  privileged: boolean;
  privilegeBasis: PrivilegeBasis | null;
  privilegeDescription: string | null;
  visibility: string;
  integrity: string;
  orgName: string;
  addedByName: string;
  collectedAt: Date | null;
  createdAt: Date;
  deleted: boolean;
  releaseState: TReleaseState;
};
export type TEvidenceList = {
  /** Rows the actor may read, in the chosen order, then the withheld stubs, newest first. */
  items: (TEvidenceRow | TWithheld)[];
  total: number;
  page: number;
  pageCount: number;
  orgs: { id: string; name: string }[];
  tags: string[];
};

const ROW = {
  id: true,
  title: true,
  kind: true,
  fileName: true,
  mimeType: true,
  size: true,
  sha256: true,
  tags: true,
  privileged: true,
  privilegeBasis: true,
  privilegeDescription: true,
  visibility: true,
  integrity: true,
  collectedAt: true,
  createdAt: true,
  deletedAt: true,
  orgId: true,
  addedById: true,
  addedBy: { select: { name: true, org: { select: { id: true, name: true } } } },
} as const satisfies Prisma.EvidenceSelect;

type TRowRecord = Prisma.EvidenceGetPayload<{ select: typeof ROW }>;

const itemFacts = (e: TRowRecord) => ({ id: e.id, orgId: e.orgId, visibility: e.visibility, authorId: e.addedById });

/** The stub of a withheld evidence item (lib/privilege/withhold.ts). */
export const evidenceStub = (e: { collectedAt: Date | null; createdAt: Date; kind: string }) => ({
  date: e.collectedAt ?? e.createdAt,
  kind: e.kind,
});

const toRow = (
  { addedBy, size, deletedAt, orgId: _orgId, addedById: _addedById, ...e }: TRowRecord,
  releaseState: TReleaseState,
): TEvidenceRow => ({
  ...e,
  size: Number(size),
  orgName: addedBy.org.name,
  addedByName: addedBy.name,
  deleted: deletedAt !== null,
  releaseState,
});

const ORDER: Record<TEvidenceFilters["sort"], (dir: "asc" | "desc") => Prisma.EvidenceOrderByWithRelationInput[]> = {
  added: (dir) => [{ createdAt: dir }, { id: dir }],
  collected: (dir) => [{ collectedAt: { sort: dir, nulls: "last" } }, { id: dir }],
  title: (dir) => [{ title: dir }, { id: dir }],
  size: (dir) => [{ size: dir }, { id: dir }],
};

/**
 * The evidence of a case the actor may see, filtered, sorted and paginated. The read is audited.
 * Items the actor may not read (privileged) come after the readable ones, newest first, as
 * stubs: ordering them among the others by title or size would tell those apart. Filters on
 * content (tag, organisation) select readable items only.
 */
export async function listEvidence(actor: TActor, caseId: unknown, filters: TEvidenceFilters): Promise<TEvidenceList> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.read");
  const reader = privilegeReader(actor, facts);
  const conditions: Prisma.EvidenceWhereInput[] = [
    { caseId: c.id },
    visibleItemWhere(actor),
    filters.deleted ? { deletedAt: { not: null } } : { deletedAt: null },
  ];
  if (filters.kind) conditions.push({ kind: filters.kind });
  if (filters.privileged) conditions.push({ privileged: filters.privileged === "yes" });
  const onContent = Boolean(filters.tag || filters.orgId);
  const readable: Prisma.EvidenceWhereInput = { AND: [...conditions, readableItemWhere(reader)] };
  if (filters.tag) readable.AND = [...(readable.AND as Prisma.EvidenceWhereInput[]), { tags: { has: filters.tag } }];
  if (filters.orgId) readable.AND = [...(readable.AND as Prisma.EvidenceWhereInput[]), { orgId: filters.orgId }];
  const withheld: Prisma.EvidenceWhereInput = { AND: [...conditions, withheldItemWhere(reader)] };
  const db = getDb();
  const offset = (filters.page - 1) * EVIDENCE_PAGE_SIZE;
  const [readableTotal, withheldTotal, orgIds, tags] = await Promise.all([
    db.evidence.count({ where: readable }),
    onContent ? 0 : db.evidence.count({ where: withheld }),
    db.evidence.findMany({
      where: { caseId: c.id, ...visibleItemWhere(actor), AND: [readableItemWhere(reader)] },
      distinct: ["orgId"],
      select: { orgId: true },
    }),
    db.$queryRaw<{ tag: string }[]>`SELECT DISTINCT t AS tag FROM "Evidence" ev, unnest(ev."tags") AS t
      WHERE ev."caseId" = ${c.id}::uuid AND ev."deletedAt" IS NULL AND ${visibleItemSql(actor, "ev")}
        AND ${readableItemSql(reader, "ev")} ORDER BY 1 LIMIT 200`,
  ]);
  const total = readableTotal + withheldTotal;
  const [rows, stubs] = await Promise.all([
    offset < readableTotal
      ? db.evidence.findMany({
          where: readable,
          orderBy: ORDER[filters.sort](filters.dir),
          skip: offset,
          take: EVIDENCE_PAGE_SIZE,
          select: ROW,
        })
      : [],
    offset + EVIDENCE_PAGE_SIZE > readableTotal && withheldTotal > 0
      ? db.evidence.findMany({
          where: withheld,
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          skip: Math.max(0, offset - readableTotal),
          take: EVIDENCE_PAGE_SIZE - Math.max(0, readableTotal - offset),
          select: {
            id: true,
            orgId: true,
            kind: true,
            collectedAt: true,
            createdAt: true,
            privileged: true,
            privilegeBasis: true,
          },
        })
      : [],
  ]);
  const releases = await getItemReleases(actor, c.id, "evidence", rows.map(itemFacts));
  const orgs = await db.organization.findMany({
    where: { id: { in: orgIds.map((o) => o.orgId) } },
    orderBy: { name: "asc" },
    select: { id: true, name: true },
  });
  await recordAudit({
    actorId: actor.id,
    action: "case.evidence_listed",
    targetType: "case",
    targetId: c.id,
    caseId: c.id,
    // The counts are over what the reader's organisation sees, and the filters are theirs.
    scope: { org: actor.orgId },
    details: { count: rows.length + stubs.length, total },
  });
  return {
    items: [
      ...rows.map((r) => toRow(r, releases.get(r.id)!.state)),
      ...stubs.map((s) => withhold(actor, facts, s, evidenceStub) as TWithheld),
    ],
    total,
    page: filters.page,
    pageCount: Math.max(1, Math.ceil(total / EVIDENCE_PAGE_SIZE)),
    orgs,
    tags: tags.map((t) => t.tag),
  };
}

// No id: custody ids come from one sequence for the whole instance, and their gaps would count
// what happened to the other organisation's items.
export type TCustodyRow = {
  action: string;
  actorName: string;
  sha256: string | null;
  note: string;
  occurredAt: Date;
};

/**
 * The custody entries a reader of the item sees: all of them, but a production's (PRODUCED) only
 * in the organisation that produced it. A production is its organisation's (lib/productions):
 * its id, Bates range and receiving party are not the partner's to learn from the item's log.
 */
export function custodyVisibleWhere(viewer: Pick<TActor, "orgId">): Prisma.CustodyEventWhereInput {
  return { OR: [{ action: { not: "PRODUCED" } }, { actor: { orgId: viewer.orgId } }] };
}

export type TEvidenceDetail = TEvidenceRow & {
  caseId: string;
  /** The lines around the one asked for (a usage row's or signal's source), if one was. */
  sourceLines: TSourceLines | null;
  source: string;
  collectedBy: string;
  description: string;
  version: number;
  lastVerifiedAt: Date | null;
  deletedAt: Date | null;
  deleteReason: string | null;
  purgedAt: Date | null;
  custody: TCustodyRow[];
  preview: TPreview;
  releaseState: TReleaseState;
  release: TItemRelease["release"];
  can: {
    edit: boolean;
    flagPrivilege: boolean;
    verify: boolean;
    delete: boolean;
    purge: boolean;
  } & TItemRelease["can"];
};

/**
 * The item page: metadata, custody, a safe preview and the release controls. Audited, and
 * recorded in custody as a view (once per reader and item per VIEW_WINDOW_MINUTES).
 */
/** A line number from a link (`?line=`); anything else is no line. */
const ZSourceLine = z.coerce.number().int().min(1).max(2_147_483_647).optional().catch(undefined);

export async function getEvidence(
  actor: TActor,
  caseId: unknown,
  evidenceId: unknown,
  options: { line?: unknown } = {},
): Promise<TEvidenceDetail | (TWithheld & { caseId: string })> {
  const { evidence: e, access, item } = await loadEvidence(actor, evidenceId, "evidence.read", caseId);
  if (!canOnEvidence(actor, "evidence.read_content", access.facts, item)) return viewWithheld(actor, e, access.facts);
  const line = ZSourceLine.parse(options.line);
  const db = getDb();
  // visibility: re-reads the item loadEvidence just authorized.
  const row = await db.evidence.findUniqueOrThrow({
    where: { id: e.id },
    select: {
      ...ROW,
      caseId: true,
      source: true,
      collectedBy: true,
      description: true,
      version: true,
      lastVerifiedAt: true,
      deleteReason: true,
      purgedAt: true,
    },
  });
  const preview = e.deletedAt
    ? ({ kind: "none", reason: "Deleted evidence is not previewed." } as const)
    : await readPreview(e);
  const sourceLines = line && !e.deletedAt && !row.purgedAt ? await readSourceLines(e.sha256, line) : null;
  await db.$transaction(async (tx) => {
    await addViewOnce(tx, e.id, actor.id, e.sha256);
    await recordAudit(
      {
        actorId: actor.id,
        action: "evidence.viewed",
        targetType: "evidence",
        targetId: e.id,
        caseId: e.caseId,
        scope: itemScope(e),
        ...(sourceLines ? { details: { line } } : {}),
      },
      tx,
    );
  });
  const custody = await db.custodyEvent.findMany({
    where: { evidenceId: e.id, ...custodyVisibleWhere(actor) },
    orderBy: { id: "asc" },
    select: { action: true, sha256: true, note: true, occurredAt: true, actor: { select: { name: true } } },
  });
  const allowed = (a: Parameters<typeof canOnEvidence>[1]) => canOnEvidence(actor, a, access.facts, item);
  const live = e.deletedAt === null;
  const release = (await getItemReleases(actor, e.caseId, "evidence", [itemFacts(row)])).get(e.id)!;
  return {
    ...toRow(row, release.state),
    caseId: row.caseId,
    sourceLines,
    source: row.source,
    collectedBy: row.collectedBy,
    description: row.description,
    version: row.version,
    lastVerifiedAt: row.lastVerifiedAt,
    deletedAt: row.deletedAt,
    deleteReason: row.deleteReason,
    purgedAt: row.purgedAt,
    custody: custody.map(({ actor: a, ...c }) => ({ ...c, actorName: a.name })),
    preview,
    releaseState: release.state,
    release: release.release,
    can: {
      edit: live && allowed("evidence.edit"),
      flagPrivilege: live && allowed("evidence.flag_privilege"),
      verify: e.purgedAt === null && allowed("evidence.verify"),
      delete: live && allowed("evidence.delete"),
      purge: !live && e.purgedAt === null && allowed("evidence.purge"),
      release: live && release.can.release,
      approve: live && release.can.approve,
      withdraw: live && release.can.withdraw,
    },
  };
}

/**
 * The item page of a withheld item: its stub. Audited as a view (the reader learnt it exists);
 * not custody, which records who had the content.
 */
async function viewWithheld(actor: TActor, e: TEvidenceFacts, facts: TCaseFacts) {
  await recordAudit({
    actorId: actor.id,
    action: "evidence.viewed",
    targetType: "evidence",
    targetId: e.id,
    caseId: e.caseId,
    scope: { org: actor.orgId },
    details: { withheld: true },
  });
  return { ...(withhold(actor, facts, e, evidenceStub) as TWithheld), caseId: e.caseId };
}

/** A reader's views of one item within this window are one custody row: reloads are not events. */
export const VIEW_WINDOW_MINUTES = 5;

/**
 * Records a view in custody unless the same reader already viewed the item within the window.
 * Decided in the database (under a lock on reader and item), so it holds across instances and
 * concurrent renders.
 */
async function addViewOnce(tx: Prisma.TransactionClient, evidenceId: string, actorId: string, sha256: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`view:${evidenceId}:${actorId}`}, 0))`;
  const recent = await tx.custodyEvent.findFirst({
    where: {
      evidenceId,
      actorId,
      action: "VIEWED",
      occurredAt: { gte: new Date(Date.now() - VIEW_WINDOW_MINUTES * 60_000) },
    },
    select: { id: true },
  });
  if (!recent) await addCustody(tx, evidenceId, actorId, "VIEWED", sha256);
}

export type TEvidenceFileInfo = { fileName: string; mimeType: string; size: number; sha256: string };
export type TEvidenceFile = TEvidenceFileInfo & { stream: Readable };
type TFilePurpose = "download" | "preview";

const MISSING = "The stored file is missing. Run an integrity check on this item: it records the loss.";

/** The item whose file `actor` asks for, if it is served for `purpose`; NotFound otherwise. */
async function loadServedEvidence(actor: TActor, caseId: unknown, evidenceId: unknown, purpose: TFilePurpose) {
  const { evidence: e } = await loadEvidence(actor, evidenceId, "evidence.read_content", caseId);
  if (e.deletedAt)
    throw new NotFoundError(
      "This evidence was deleted; its record and custody history remain, the file is no longer served.",
    );
  if (purpose === "preview" && !IMAGE_PREVIEW_TYPES.has(e.mimeType)) throw new NotFoundError();
  return e;
}

const fileInfo = (e: Omit<TEvidenceFileInfo, "size"> & { size: bigint }): TEvidenceFileInfo => ({
  fileName: e.fileName,
  mimeType: e.mimeType,
  size: Number(e.size),
  sha256: e.sha256,
});

/**
 * What a HEAD request is told about the file: the same checks and answers as openEvidenceFile,
 * without reading it. Not audited and not custody: nothing was downloaded or shown.
 */
export async function describeEvidenceFile(
  actor: TActor,
  caseId: unknown,
  evidenceId: unknown,
  purpose: TFilePurpose,
): Promise<TEvidenceFileInfo> {
  const e = await loadServedEvidence(actor, caseId, evidenceId, purpose);
  if (!(await getBlobStore().exists(e.sha256))) throw new NotFoundError(MISSING);
  return fileInfo(e);
}

/** Opens the file for download (or, for raster images only, inline preview). Audited; a download is also custody. */
export async function openEvidenceFile(
  actor: TActor,
  caseId: unknown,
  evidenceId: unknown,
  purpose: TFilePurpose,
): Promise<TEvidenceFile> {
  const e = await loadServedEvidence(actor, caseId, evidenceId, purpose);
  const stream = await getBlobStore().read(e.sha256);
  if (!stream) throw new NotFoundError(MISSING);
  try {
    await getDb().$transaction(async (tx) => {
      if (purpose === "download") await addCustody(tx, e.id, actor.id, "DOWNLOADED", e.sha256);
      await recordAudit(
        {
          actorId: actor.id,
          action: purpose === "download" ? "evidence.downloaded" : "evidence.previewed",
          targetType: "evidence",
          targetId: e.id,
          caseId: e.caseId,
          scope: itemScope(e),
        },
        tx,
      );
    });
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return { ...fileInfo(e), stream };
}
