import "server-only";
import type { Prisma } from "@/lib/db";

/** Hands out the next case number of the year (CB-2026-0001, …) inside the caller's transaction. */
export async function nextCaseNumber(tx: Prisma.TransactionClient, now = new Date()): Promise<string> {
  const year = now.getUTCFullYear();
  const counter = await tx.caseNumberCounter.upsert({
    where: { year },
    create: { year, last: 1 },
    update: { last: { increment: 1 } },
    select: { last: true },
  });
  return `CB-${year}-${String(counter.last).padStart(4, "0")}`;
}
