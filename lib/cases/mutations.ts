import "server-only";
import { getDb, type Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { can, canHoldCaseRole, canManageMemberOf, isCaseOrg, type TCaseFacts } from "@/lib/auth/permissions";
import { requireCaseAccess, parseId } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { nextCaseNumber } from "@/lib/cases/numbers";
import {
  ZAddMember,
  ZCreateCase,
  ZRemoveMember,
  ZSetLegalHold,
  ZSetStatus,
  ZShareCase,
  ZUpdateCase,
} from "@/lib/cases/schemas";
import { touchCase } from "@/lib/cases/touch";

type Tx = Prisma.TransactionClient;

const CONFLICT_MESSAGE =
  "Someone else changed this case after you opened it. Your changes were not saved: reload to see the current version, then apply them again.";

/** Applies `data` only if the case is still at `version` (optimistic concurrency). */
async function updateVersioned(tx: Tx, caseId: string, version: number, data: Prisma.CaseUpdateManyMutationInput) {
  const { count } = await tx.case.updateMany({
    where: { id: caseId, version },
    data: { ...data, version: { increment: 1 } },
  });
  if (count === 0) throw new ConflictError(CONFLICT_MESSAGE);
}

/** Opens a case owned by the actor's organisation, with the actor as its lead. */
export async function createCase(actor: TActor, input: unknown): Promise<{ id: string; number: string }> {
  if (!can(actor, "case.create")) throw new ForbiddenError("Only investigators can open cases.");
  const data = parseInput(ZCreateCase, input);
  return getDb().$transaction(async (tx) => {
    const created = await tx.case.create({
      data: {
        ...data,
        number: await nextCaseNumber(tx),
        ownerOrgId: actor.orgId,
        createdById: actor.id,
        members: { create: { userId: actor.id, role: "LEAD" } },
      },
      select: { id: true, number: true },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "case.created",
        targetType: "case",
        targetId: created.id,
        caseId: created.id,
        scope: "case",
        details: { number: created.number, severity: data.severity, tlp: data.tlp },
      },
      tx,
    );
    return created;
  });
}

export async function updateCase(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "case.update");
  const { version, ...data } = parseInput(ZUpdateCase, input);
  const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => data[k] !== c[k]);
  await getDb().$transaction(async (tx) => {
    await updateVersioned(tx, c.id, version, data);
    await recordAudit(
      {
        actorId: actor.id,
        action: "case.updated",
        targetType: "case",
        targetId: c.id,
        caseId: c.id,
        scope: "case",
        details: { changed },
      },
      tx,
    );
  });
}

export async function setCaseStatus(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "case.set_status");
  const { version, status } = parseInput(ZSetStatus, input);
  await getDb().$transaction(async (tx) => {
    await updateVersioned(tx, c.id, version, { status });
    await recordAudit(
      {
        actorId: actor.id,
        action: "case.status_changed",
        targetType: "case",
        targetId: c.id,
        caseId: c.id,
        scope: "case",
        details: { from: c.status, to: status },
      },
      tx,
    );
  });
}

export async function setLegalHold(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c } = await requireCaseAccess(actor, caseId, "case.set_legal_hold");
  const { version, legalHold } = parseInput(ZSetLegalHold, input);
  await getDb().$transaction(async (tx) => {
    await updateVersioned(tx, c.id, version, { legalHold });
    await recordAudit(
      {
        actorId: actor.id,
        action: legalHold ? "case.legal_hold_set" : "case.legal_hold_lifted",
        targetType: "case",
        targetId: c.id,
        caseId: c.id,
        scope: "case",
      },
      tx,
    );
  });
}

export async function shareCase(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.share");
  const { orgId } = parseInput(ZShareCase, input);
  const org = await getDb().organization.findUnique({ where: { id: orgId }, select: { id: true, name: true } });
  if (!org) throw new NotFoundError("That organisation does not exist.");
  if (isCaseOrg(facts, org.id)) throw new ValidationError(`The case is already shared with ${org.name}.`);
  await getDb().$transaction(async (tx) => {
    await tx.caseOrganization.create({ data: { caseId: c.id, orgId: org.id, sharedById: actor.id } });
    await touchCase(tx, c.id);
    await recordAudit(
      {
        actorId: actor.id,
        action: "case.shared",
        targetType: "organization",
        targetId: org.id,
        caseId: c.id,
        scope: "case",
        details: { org: org.name },
      },
      tx,
    );
  });
}

/** Stops sharing with an organisation; its users' memberships end with it. */
export async function unshareCase(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.share");
  const { orgId } = parseInput(ZShareCase, input);
  if (!facts.sharedOrgIds.includes(orgId)) throw new NotFoundError("The case is not shared with that organisation.");
  await getDb().$transaction(async (tx) => {
    await lockCase(tx, c.id);
    const removed = await tx.caseMember.deleteMany({ where: { caseId: c.id, user: { orgId } } });
    await tx.caseOrganization.delete({ where: { caseId_orgId: { caseId: c.id, orgId } } });
    await recordAudit(
      {
        actorId: actor.id,
        action: "case.unshared",
        targetType: "organization",
        targetId: orgId,
        caseId: c.id,
        scope: "case",
        details: { membersRemoved: removed.count },
      },
      tx,
    );
  });
}

// Serialises membership changes of one case, so two leads cannot remove each other at once.
async function lockCase(tx: Tx, caseId: string) {
  await tx.$queryRaw`SELECT id FROM "Case" WHERE id = ${caseId}::uuid FOR UPDATE`;
}

// The owner organisation must keep a lead: only its leads decide about the case itself.
async function assertLeadRemains(tx: Tx, caseId: string, ownerOrgId: string, exceptUserId: string) {
  const leads = await tx.caseMember.count({
    where: { caseId, role: "LEAD", userId: { not: exceptUserId }, user: { orgId: ownerOrgId, disabledAt: null } },
  });
  if (leads === 0)
    throw new ValidationError(
      "The owner organisation needs at least one lead on the case. Make someone else lead first.",
    );
}

/**
 * Refuses a membership change the actor has no authority over (canManageMemberOf). The target
 * is on the case or in one of its organisations, whose people the actor sees on the Members
 * tab: a Forbidden with the reason, not a NotFound.
 */
function requireMemberAuthority(actor: TActor, facts: TCaseFacts, target: { userId: string; orgId: string }) {
  if (canManageMemberOf(actor, facts, target)) return;
  if (target.userId === actor.id)
    throw new ForbiddenError("Ask a case lead to change your own membership; admins cannot add or change themselves.");
  throw new ForbiddenError("You can manage only your own organisation's members of this case.");
}

/** Adds a member, or changes an existing member's role. */
export async function addMember(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.manage_members");
  const { userId, role } = parseInput(ZAddMember, input);
  const user = await getDb().user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, orgId: true, role: true, disabledAt: true, org: { select: { name: true } } },
  });
  if (!user || user.disabledAt) throw new NotFoundError("That user does not exist or is disabled.");
  const target = { userId: user.id, orgId: user.orgId };
  if (!isCaseOrg(facts, user.orgId)) {
    // Someone outside the case's organisations is named only to those who may bring them in
    // (the owner's leads); to anyone else they do not exist.
    if (!canManageMemberOf(actor, facts, target)) throw new NotFoundError("That user does not exist or is disabled.");
    throw new ValidationError(
      `${user.name} belongs to ${user.org.name}, which this case is not shared with. Share the case first.`,
    );
  }
  requireMemberAuthority(actor, facts, target);
  if (!canHoldCaseRole(user.role, role)) {
    throw new ValidationError(
      `A user with the global role ${user.role.toLowerCase()} cannot be ${role.toLowerCase().replace("_", " ")} on a case.`,
      { role: ["Not allowed for this user."] },
    );
  }
  await getDb().$transaction(async (tx) => {
    await lockCase(tx, c.id);
    const existing = await tx.caseMember.findUnique({
      where: { caseId_userId: { caseId: c.id, userId } },
      select: { role: true },
    });
    if (existing?.role === "LEAD" && role !== "LEAD") await assertLeadRemains(tx, c.id, facts.ownerOrgId, userId);
    await tx.caseMember.upsert({
      where: { caseId_userId: { caseId: c.id, userId } },
      create: { caseId: c.id, userId, role },
      update: { role },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: existing ? "case.member_role_changed" : "case.member_added",
        targetType: "user",
        targetId: userId,
        caseId: c.id,
        scope: "case",
        details: { role, ...(existing ? { from: existing.role } : {}) },
      },
      tx,
    );
  });
}

export async function removeMember(actor: TActor, caseId: unknown, input: unknown): Promise<void> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "case.manage_members");
  const { userId } = parseInput(ZRemoveMember, input);
  await getDb().$transaction(async (tx) => {
    await lockCase(tx, c.id);
    const existing = await tx.caseMember.findUnique({
      where: { caseId_userId: { caseId: c.id, userId: parseId(userId) } },
      select: { role: true, user: { select: { orgId: true } } },
    });
    if (!existing) throw new NotFoundError("That user is not a member of this case.");
    requireMemberAuthority(actor, facts, { userId, orgId: existing.user.orgId });
    if (existing.role === "LEAD") await assertLeadRemains(tx, c.id, facts.ownerOrgId, userId);
    await tx.caseMember.delete({ where: { caseId_userId: { caseId: c.id, userId } } });
    await recordAudit(
      {
        actorId: actor.id,
        action: "case.member_removed",
        targetType: "user",
        targetId: userId,
        caseId: c.id,
        scope: "case",
        details: { role: existing.role },
      },
      tx,
    );
  });
}
