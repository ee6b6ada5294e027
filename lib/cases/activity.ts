import "server-only";
import { Prisma } from "@/lib/db";
import { queryAuditEvents, parseAuditFilters, type TAuditPage } from "@/lib/audit/queries";
import { ORG_SCOPE_KEY, recordAudit } from "@/lib/audit/record";
import { parseId, requireCaseAccess } from "@/lib/auth/guards";
import { can, canReadPrivileged } from "@/lib/auth/permissions";
import { withholdAuditDetails } from "@/lib/privilege/audit";
import type { TActor } from "@/lib/auth/session";

/**
 * A case's Activity tab: its audit events, newest first, filterable like the audit log.
 *
 * The one rule for what a reader sees of a row: a row scoped to an organisation (TAuditScope in
 * lib/audit/record.ts: about an owner-org-only item, or holding counts, filters or attempts of
 * one organisation's people) is shown to that organisation's people only, whole or not at all;
 * never a row with its details stripped, since even its action and target would say what the
 * other organisation has. Every other row of the case is shown to every member who may read it.
 * Addresses and browsers are for audit readers only. The first page of a listing is audited.
 */
export async function listCaseActivity(
  actor: TActor,
  caseId: unknown,
  params: Record<string, string | string[] | undefined>,
): Promise<TAuditPage & { filters: ReturnType<typeof parseAuditFilters>["filters"] }> {
  const { filters } = parseAuditFilters(params);
  const { cursor, ...rest } = filters;
  const page = await queryAuditEvents(actor, {
    caseId,
    filters: rest,
    cursor,
    where: Prisma.sql`(a.details->>${ORG_SCOPE_KEY} IS NULL OR a.details->>${ORG_SCOPE_KEY} = ${actor.orgId})`,
  });
  if (!cursor) {
    const id = parseId(caseId);
    await recordAudit({
      actorId: actor.id,
      action: "case.activity_viewed",
      targetType: "case",
      targetId: id,
      caseId: id,
      // The filters are what the reader typed.
      scope: { org: actor.orgId },
      details: { filters: rest },
    });
  }
  const { facts } = await requireCaseAccess(actor, caseId, "case.read");
  const readable = await withholdAuditDetails(page.rows, (item) =>
    canReadPrivileged(actor, facts, { ...item, visibility: "ALL_CASE_ORGS", authorId: "" }),
  );
  const rows = can(actor, "audit.read") ? readable : readable.map((row) => ({ ...row, ip: null, userAgent: null }));
  return { ...page, rows, filters };
}
