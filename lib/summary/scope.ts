import "server-only";
import { Prisma } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { visibleCasesSql } from "@/lib/cases/queries";

// Which cases' figures the summary may show: the SQL form of briefAccess (lib/auth/permissions.ts),
// one fragment reused by every summary and enforcement query. tests/integration/summary-access.test.ts
// checks that the two agree for every global role, case role, organisation and TLP.

const alias = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`Not a table alias: ${name}`);
  return Prisma.raw(`"${name}"`);
};

/** The actor is a member of case `c` whose organisation is still one of the case's. */
export function caseMemberSql(actor: TActor, c = "c"): Prisma.Sql {
  const a = alias(c);
  return Prisma.sql`(EXISTS (SELECT 1 FROM "CaseMember" sm WHERE sm."caseId" = ${a}.id AND sm."userId" = ${actor.id}::uuid)
    AND (${a}."ownerOrgId" = ${actor.orgId}::uuid OR EXISTS (
      SELECT 1 FROM "CaseOrganization" so WHERE so."caseId" = ${a}.id AND so."orgId" = ${actor.orgId}::uuid)))`;
}

/**
 * Case `c` (a "Case" row alias) has figures for the actor: briefAccess is "full" or "aggregate".
 * The case list's rule (visibleCasesSql) without the TLP:RED cases the actor is not a member of,
 * which an admin of the owner organisation may list but the summary only counts.
 */
export function summaryCasesSql(actor: TActor, c = "c"): Prisma.Sql {
  return Prisma.sql`(${visibleCasesSql(actor, c)} AND (${alias(c)}.tlp <> 'RED' OR ${caseMemberSql(actor, c)}))`;
}

/** A TLP:RED case of the actor's organisation that the summary counts but never lists. */
export function restrictedCasesSql(actor: TActor, c = "c"): Prisma.Sql {
  const a = alias(c);
  return Prisma.sql`(${a}.tlp = 'RED' AND NOT ${caseMemberSql(actor, c)} AND (${a}."ownerOrgId" = ${actor.orgId}::uuid
    OR EXISTS (SELECT 1 FROM "CaseOrganization" so WHERE so."caseId" = ${a}.id AND so."orgId" = ${actor.orgId}::uuid)))`;
}
