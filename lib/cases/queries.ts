import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { likeLiteral } from "@/lib/validation";
import { recordAudit } from "@/lib/audit/record";
import { canManageMemberOf, canOnCase } from "@/lib/auth/permissions";
import { NotFoundError } from "@/lib/errors";
import { loadCaseFacts, notFoundRefusal, parseId, requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { CASE_PAGE_SIZE, type TCaseFilters } from "@/lib/cases/schemas";

export type TCaseListItem = {
  id: string;
  number: string;
  title: string;
  status: string;
  severity: string;
  tlp: string;
  legalHold: boolean;
  ownerOrgName: string;
  updatedAt: Date;
  myRole: string | null;
  /** "metadata": listed for an admin or executive who is not a member (no contents). */
  access: "member" | "metadata";
  /** May manage the membership (an admin of the case's organisation, or a lead). */
  canManageMembers: boolean;
};

export type TCaseList = { items: TCaseListItem[]; total: number; page: number; pageCount: number };

/**
 * The SQL form of the policy's list rules (lib/auth/permissions.ts: canOnCase "case.read" for
 * members, canListCaseMetadata otherwise); the authorization matrix test checks that the two
 * agree for every role, organisation and TLP.
 */
export function visibleCasesWhere(actor: TActor): Prisma.CaseWhereInput {
  const inCaseOrg: Prisma.CaseWhereInput = {
    OR: [{ ownerOrgId: actor.orgId }, { sharedWith: { some: { orgId: actor.orgId } } }],
  };
  const asMember: Prisma.CaseWhereInput = { AND: [{ members: { some: { userId: actor.id } } }, inCaseOrg] };
  // A RED case is for named members; an admin of its owner organisation still sees it, to recover it.
  const notRed: Prisma.CaseWhereInput =
    actor.role === "ADMIN" ? { OR: [{ tlp: { not: "RED" } }, { ownerOrgId: actor.orgId }] } : { tlp: { not: "RED" } };
  if (actor.role === "ADMIN" || actor.role === "EXECUTIVE") return { OR: [asMember, { AND: [inCaseOrg, notRed] }] };
  return asMember;
}

/**
 * visibleCasesWhere as a raw SQL condition on `"Case"` aliased `alias`, for queries Prisma
 * cannot express (the admin audit log's subquery). The authorization matrix checks that the two
 * select the same cases for every role, organisation and TLP.
 */
export function visibleCasesSql(actor: TActor, alias = "c"): Prisma.Sql {
  const c = Prisma.raw(`"${alias}"`);
  const inCaseOrg = Prisma.sql`(${c}."ownerOrgId" = ${actor.orgId}::uuid OR EXISTS (
    SELECT 1 FROM "CaseOrganization" s WHERE s."caseId" = ${c}.id AND s."orgId" = ${actor.orgId}::uuid))`;
  const asMember = Prisma.sql`(EXISTS (SELECT 1 FROM "CaseMember" m WHERE m."caseId" = ${c}.id AND m."userId" = ${actor.id}::uuid) AND ${inCaseOrg})`;
  const notRed =
    actor.role === "ADMIN"
      ? Prisma.sql`(${c}.tlp <> 'RED' OR ${c}."ownerOrgId" = ${actor.orgId}::uuid)`
      : Prisma.sql`${c}.tlp <> 'RED'`;
  if (actor.role === "ADMIN" || actor.role === "EXECUTIVE")
    return Prisma.sql`(${asMember} OR (${inCaseOrg} AND ${notRed}))`;
  return asMember;
}

const ORDER: Record<TCaseFilters["sort"], (dir: "asc" | "desc") => Prisma.CaseOrderByWithRelationInput[]> = {
  updated: (dir) => [{ updatedAt: dir }, { id: dir }],
  created: (dir) => [{ createdAt: dir }, { id: dir }],
  number: (dir) => [{ number: dir }],
  title: (dir) => [{ title: dir }, { id: dir }],
  severity: (dir) => [{ severity: dir }, { updatedAt: "desc" }, { id: "desc" }],
};

/** The cases `actor` may see, filtered, sorted and paginated; non-member rows carry metadata only. */
export async function listCases(actor: TActor, filters: TCaseFilters): Promise<TCaseList> {
  const conditions: Prisma.CaseWhereInput[] = [visibleCasesWhere(actor)];
  if (filters.status) conditions.push({ status: filters.status });
  if (filters.severity) conditions.push({ severity: filters.severity });
  if (filters.orgId)
    conditions.push({ OR: [{ ownerOrgId: filters.orgId }, { sharedWith: { some: { orgId: filters.orgId } } }] });
  if (filters.mine) conditions.push({ members: { some: { userId: actor.id } } });
  if (filters.q) {
    conditions.push({
      OR: [
        { title: { contains: likeLiteral(filters.q), mode: "insensitive" } },
        { number: { equals: filters.q.toUpperCase() } },
      ],
    });
  }
  const where: Prisma.CaseWhereInput = { AND: conditions };
  const db = getDb();
  const [total, rows] = await Promise.all([
    db.case.count({ where }),
    db.case.findMany({
      where,
      orderBy: ORDER[filters.sort](filters.dir),
      skip: (filters.page - 1) * CASE_PAGE_SIZE,
      take: CASE_PAGE_SIZE,
      select: {
        id: true,
        number: true,
        title: true,
        status: true,
        severity: true,
        tlp: true,
        legalHold: true,
        ownerOrgId: true,
        updatedAt: true,
        ownerOrg: { select: { name: true } },
        members: { where: { userId: actor.id }, select: { role: true } },
        sharedWith: { where: { orgId: actor.orgId }, select: { orgId: true } },
      },
    }),
  ]);
  const items = rows.map(({ ownerOrg, members, sharedWith, ownerOrgId, ...row }) => {
    const myRole = members[0]?.role ?? null;
    const facts = { memberRole: myRole, ownerOrgId, sharedOrgIds: sharedWith.map((s) => s.orgId), tlp: row.tlp };
    return {
      ...row,
      ownerOrgName: ownerOrg.name,
      myRole,
      access: canOnCase(actor, "case.read", facts) ? ("member" as const) : ("metadata" as const),
      canManageMembers: canOnCase(actor, "case.manage_members", facts),
    };
  });
  return { items, total, page: filters.page, pageCount: Math.max(1, Math.ceil(total / CASE_PAGE_SIZE)) };
}

export type TCaseHeader = {
  id: string;
  number: string;
  title: string;
  status: string;
  severity: string;
  tlp: string;
  legalHold: boolean;
  releaseMode: string;
  version: number;
  myRole: string | null;
  canRead: boolean;
  permissions: {
    update: boolean;
    setStatus: boolean;
    setLegalHold: boolean;
    share: boolean;
    manageMembers: boolean;
    createNote: boolean;
    createEvidence: boolean;
    verifyEvidence: boolean;
    createProduction: boolean;
  };
};

/**
 * What the case layout shows: readable by members, and by admins of the case's organisations
 * who may manage its membership without reading it. Everyone else: NotFound.
 */
export async function getCaseHeader(actor: TActor, caseId: unknown): Promise<TCaseHeader> {
  const id = parseId(caseId);
  const access = await loadCaseFacts(actor, id);
  if (!access) throw await notFoundRefusal(actor, "case.read", "case", id);
  const { facts } = access;
  const allowed = (action: Parameters<typeof canOnCase>[1]) => canOnCase(actor, action, facts);
  if (!allowed("case.read") && !allowed("case.manage_members"))
    throw await notFoundRefusal(actor, "case.read", "case", id);
  const c = access.case;
  return {
    id: c.id,
    number: c.number,
    title: c.title,
    status: c.status,
    severity: c.severity,
    tlp: c.tlp,
    legalHold: c.legalHold,
    releaseMode: c.releaseMode,
    version: c.version,
    myRole: facts.memberRole,
    canRead: allowed("case.read"),
    permissions: {
      update: allowed("case.update"),
      setStatus: allowed("case.set_status"),
      setLegalHold: allowed("case.set_legal_hold"),
      share: allowed("case.share"),
      manageMembers: allowed("case.manage_members"),
      createNote: allowed("note.create"),
      createEvidence: allowed("evidence.create"),
      verifyEvidence: allowed("evidence.verify"),
      createProduction: allowed("production.create"),
    },
  };
}

export type TCaseOverview = {
  id: string;
  summary: string;
  ownerOrg: { id: string; name: string };
  sharedOrgs: { id: string; name: string; sharedAt: Date }[];
  createdAt: Date;
  updatedAt: Date;
  version: number;
};

/** The overview of a case for a member; the read is audited. */
export async function getCaseOverview(actor: TActor, caseId: unknown): Promise<TCaseOverview> {
  const { case: c } = await requireCaseAccess(actor, caseId, "case.read");
  const row = await getDb().case.findUniqueOrThrow({
    where: { id: c.id },
    select: {
      ownerOrg: { select: { id: true, name: true } },
      sharedWith: {
        select: { sharedAt: true, org: { select: { id: true, name: true } } },
        orderBy: { sharedAt: "asc" },
      },
    },
  });
  await recordAudit({
    actorId: actor.id,
    action: "case.viewed",
    targetType: "case",
    targetId: c.id,
    caseId: c.id,
    scope: "case",
  });
  return {
    id: c.id,
    summary: c.summary,
    ownerOrg: row.ownerOrg,
    sharedOrgs: row.sharedWith.map((s) => ({ ...s.org, sharedAt: s.sharedAt })),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.version,
  };
}

export type TCaseMemberRow = {
  userId: string;
  name: string;
  email: string;
  orgName: string;
  role: string;
  globalRole: string;
  addedAt: Date;
  /** May the actor change this member's role or remove them (canManageMemberOf)? */
  canManage: boolean;
};

/** Members of a case, for members and for admins managing membership. The read is audited. */
export async function listCaseMembers(actor: TActor, caseId: unknown): Promise<TCaseMemberRow[]> {
  const header = await getCaseHeader(actor, caseId);
  const access = await loadCaseFacts(actor, header.id); // memoised in a render: getCaseHeader's load
  if (!access) throw new NotFoundError();
  const { facts } = access;
  const rows = await getDb().caseMember.findMany({
    where: { caseId: header.id },
    orderBy: [{ role: "asc" }, { addedAt: "asc" }],
    select: {
      role: true,
      addedAt: true,
      user: {
        select: { id: true, name: true, email: true, role: true, orgId: true, org: { select: { name: true } } },
      },
    },
  });
  // Every organisation on the case sees the same list: a "case" row.
  await recordAudit({
    actorId: actor.id,
    action: "case.members_viewed",
    targetType: "case",
    targetId: header.id,
    caseId: header.id,
    scope: "case",
  });
  return rows.map((r) => ({
    userId: r.user.id,
    name: r.user.name,
    email: r.user.email,
    orgName: r.user.org.name,
    role: r.role,
    globalRole: r.user.role,
    addedAt: r.addedAt,
    canManage: canManageMemberOf(actor, facts, { userId: r.user.id, orgId: r.user.orgId }),
  }));
}

/**
 * Users the actor could add to the case: active users of the case's organisations whose
 * membership the actor may manage (canManageMemberOf), so no one is offered only to be refused
 * (an admin is not offered themself, a partner's lead only their own people).
 */
export async function listMemberCandidates(actor: TActor, caseId: unknown) {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.manage_members");
  const orgIds = [facts.ownerOrgId, ...facts.sharedOrgIds].filter((orgId) =>
    canManageMemberOf(actor, facts, { userId: null, orgId }),
  );
  const self = canManageMemberOf(actor, facts, { userId: actor.id, orgId: actor.orgId });
  return getDb().user.findMany({
    where: {
      disabledAt: null,
      orgId: { in: orgIds },
      memberships: { none: { caseId: c.id } },
      ...(self ? {} : { id: { not: actor.id } }),
    },
    orderBy: [{ org: { name: "asc" } }, { name: "asc" }],
    select: { id: true, name: true, email: true, role: true, org: { select: { name: true } } },
  });
}

/** Organisations the case could be shared with (all but the owner and those already shared). */
export async function listShareCandidates(actor: TActor, caseId: unknown) {
  const { facts } = await requireCaseAccess(actor, caseId, "case.share");
  return getDb().organization.findMany({
    where: { id: { notIn: [facts.ownerOrgId, ...facts.sharedOrgIds] } },
    orderBy: { name: "asc" },
    select: { id: true, name: true },
  });
}
