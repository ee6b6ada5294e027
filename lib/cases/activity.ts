import "server-only";
import { Prisma } from "@/lib/db";
import { queryAuditEvents, parseAuditFilters, type TAuditPage } from "@/lib/audit/queries";
import { can } from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";

/**
 * A case's Activity tab: its audit events, newest first, filterable like the audit log.
 * Events about another organisation's owner-org-only items (details.orgOnly) are left out,
 * as the items themselves are.
 */
export async function listCaseActivity(
  actor: TActor,
  caseId: unknown,
  params: Record<string, string | string[] | undefined>,
): Promise<TAuditPage & { filters: ReturnType<typeof parseAuditFilters>["filters"] }> {
  const { filters } = parseAuditFilters(params);
  const { cursor, ...rest } = filters;
  const page = await queryAuditEvents(actor, {
    caseId: typeof caseId === "string" ? caseId : "",
    filters: rest,
    cursor,
    where: {
      OR: [
        { details: { path: ["orgOnly"], equals: Prisma.AnyNull } },
        { details: { path: ["orgOnly"], equals: actor.orgId } },
      ],
    },
  });
  // Addresses and browsers of people are for audit readers, not for every case member.
  const rows = can(actor, "audit.read") ? page.rows : page.rows.map((row) => ({ ...row, ip: null, userAgent: null }));
  return { ...page, rows, filters };
}
