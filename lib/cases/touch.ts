import "server-only";
import type { Prisma } from "@/lib/db";

/**
 * Marks the case as active just now (its "updated" time, which orders the case list), in the
 * writer's transaction. A case row that another transaction holds at this moment is skipped, not
 * waited for: that writer stamps the same moment, give or take its commit. Waiting made every
 * note, upload or share on one case queue on its row until the one before committed (32 people
 * adding notes to one case, issue 16). The lock taken is an UPDATE's own (NO KEY), so inserts
 * whose foreign key checks the case row go on past it.
 */
export async function touchCase(tx: Prisma.TransactionClient, caseId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE "Case" SET "updatedAt" = ${new Date()}::timestamp
    WHERE id = (SELECT id FROM "Case" WHERE id = ${caseId}::uuid FOR NO KEY UPDATE SKIP LOCKED)`;
}

/**
 * touchCase for a new item, or one whose visibility was `was` before this write, when every
 * organisation on the case now sees what it did not: every organisation reads the "updated" time
 * (the case list, to the millisecond), so an owner-only item (or an edit of one) that moved it
 * would tell the partner when the owner worked on what it cannot see.
 */
export async function touchCaseFor(
  tx: Prisma.TransactionClient,
  caseId: string,
  item: { visibility: string; was?: string },
): Promise<void> {
  if (item.visibility === "ALL_CASE_ORGS" && item.was !== "ALL_CASE_ORGS") await touchCase(tx, caseId);
}
