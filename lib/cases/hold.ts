import "server-only";
import type { Prisma } from "@/lib/db";
import { ConflictError } from "@/lib/errors";

/**
 * A legal hold freezes every item of the case: no edit, no deletion, no purge. Called inside
 * the change's transaction; it row-locks the case, so a hold set after the caller's first check
 * still wins (setting the hold waits for this transaction, or this one sees it). Fails with
 * Conflict (409): the change is allowed, just not while the case is in this state.
 */
export async function requireNoLegalHold(tx: Prisma.TransactionClient, caseId: string, what: string): Promise<void> {
  const [c] = await tx.$queryRaw<
    { legalHold: boolean }[]
  >`SELECT "legalHold" FROM "Case" WHERE id = ${caseId}::uuid FOR UPDATE`;
  if (c?.legalHold) throw new ConflictError(`This case is under legal hold: ${what} until a lead lifts the hold.`);
}
