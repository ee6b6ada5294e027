import "server-only";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ValidationError } from "@/lib/errors";
import { entityVisibleSql, linkageViewer, mergedIntoVisibleSql } from "@/lib/linkage/visibility";
import { enforcementOf, type TEnforcementRow } from "@/lib/summary/read";
import { requireBriefAccess } from "@/lib/summary/access";
import { ZRecordEnforcement } from "@/lib/summary/schemas";
import { parseInput } from "@/lib/validation";

// The enforcement log: what was done about a case's subjects, by whom, and whether it worked —
// the targets' requests and tokens in the week before and the week after, from the hourly
// rollup over the usage imports the reader's organisation sees.

/** The case's enforcement actions, newest first, with their effect. Members see targets' values. */
export async function listEnforcement(actor: TActor, caseId: unknown): Promise<TEnforcementRow[]> {
  const { case: c, level } = await requireBriefAccess(actor, caseId);
  const viewer = await linkageViewer(actor.orgId, c.id);
  return enforcementOf(viewer, level === "full");
}

/** What the record form offers: the case's people (requested by), organisations, entities. */
export async function enforcementFormOptions(actor: TActor, caseId: unknown) {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "enforcement.record");
  const viewer = await linkageViewer(actor.orgId, c.id);
  const db = getDb();
  const [people, orgs, entities] = await Promise.all([
    db.user.findMany({
      where: { memberships: { some: { caseId: c.id } }, orgId: { in: [facts.ownerOrgId, ...facts.sharedOrgIds] } },
      orderBy: { name: "asc" },
      select: { id: true, name: true, org: { select: { name: true } } },
    }),
    db.organization.findMany({
      where: { id: { in: [facts.ownerOrgId, ...facts.sharedOrgIds] } },
      orderBy: { name: "asc" },
      select: { id: true, name: true },
    }),
    db.$queryRaw<{ id: string; kind: string; value: string }[]>`
      SELECT e.id, e.kind::text AS kind, e.value FROM "Entity" e
      WHERE e."caseId" = ${c.id}::uuid AND ${mergedIntoVisibleSql(viewer, "e")} IS NULL AND e.kind IN ('ACCOUNT', 'API_KEY', 'ORG_ID', 'PAYMENT', 'EMAIL', 'DOMAIN')
        AND ${entityVisibleSql(viewer, "e")}
      ORDER BY e.kind, e.value LIMIT 500`,
  ]);
  return { people: people.map((p) => ({ id: p.id, name: `${p.name} (${p.org.name})` })), orgs, entities };
}

/** Records an action (case leads). Targets must be entities of the case the lead's organisation sees. */
export async function recordEnforcement(actor: TActor, caseId: unknown, input: unknown): Promise<{ id: string }> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "enforcement.record");
  const data = parseInput(ZRecordEnforcement, input);
  const caseOrgs = [facts.ownerOrgId, ...facts.sharedOrgIds];
  if (!caseOrgs.includes(data.orgId))
    throw new ValidationError("Choose one of the case's organisations.", {
      orgId: ["Not an organisation of this case."],
    });
  const db = getDb();
  const requester = await db.caseMember.findFirst({
    where: { caseId: c.id, userId: data.requestedById, user: { orgId: { in: caseOrgs } } },
    select: { userId: true },
  });
  if (!requester)
    throw new ValidationError("Choose a member of the case.", { requestedById: ["Not a member of this case."] });
  const entityIds = [...new Set(data.entityIds)];
  if (entityIds.length) {
    const viewer = await linkageViewer(actor.orgId, c.id);
    const [counted] = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "Entity" e
      WHERE e.id = ANY(${entityIds}::uuid[]) AND e."caseId" = ${c.id}::uuid AND ${entityVisibleSql(viewer, "e")}`;
    if (counted?.n !== entityIds.length)
      throw new ValidationError("Choose targets among the case's entities.", { entityIds: ["Unknown entity."] });
  }
  return db.$transaction(async (tx) => {
    const row = await tx.enforcementAction.create({
      data: { ...data, entityIds, caseId: c.id, recordedById: actor.id },
      select: { id: true },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "enforcement.recorded",
        targetType: "enforcement_action",
        targetId: row.id,
        caseId: c.id,
        // The targets are entities the recorder's organisation sees: its own view.
        scope: { org: actor.orgId },
        details: { kind: data.kind, targets: entityIds.length },
      },
      tx,
    );
    return row;
  });
}
