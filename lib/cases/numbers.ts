import "server-only";
import type { Prisma } from "@/lib/db";

/**
 * Hands out the next case number of an organisation for the year, inside the caller's
 * transaction: its slug, the year and its own count (MICROSOFT-2026-0001, …). Each organisation
 * counts on its own, so a partner who is shown a case cannot tell from its number how many
 * cases the owner, or anyone else, opened meanwhile. Unique without a retry: slugs are unique
 * and the number after the year has no hyphen, so no two organisations' numbers can meet.
 */
export async function nextCaseNumber(tx: Prisma.TransactionClient, orgId: string, now = new Date()): Promise<string> {
  const year = now.getUTCFullYear();
  const [row] = await tx.$queryRaw<{ slug: string; last: number }[]>`
    WITH counter AS (
      INSERT INTO "CaseNumberCounter" ("orgId", year, last) VALUES (${orgId}::uuid, ${year}, 1)
      ON CONFLICT ("orgId", year) DO UPDATE SET last = "CaseNumberCounter".last + 1
      RETURNING last)
    SELECT o.slug, counter.last FROM counter, "Organization" o WHERE o.id = ${orgId}::uuid`;
  if (!row) throw new Error(`No organisation ${orgId} to number a case for.`);
  return `${row.slug.toUpperCase()}-${year}-${String(row.last).padStart(4, "0")}`;
}
