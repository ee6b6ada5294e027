import "server-only";
import { randomInt } from "node:crypto";
import type { Prisma } from "@/lib/db";

// Digits and capitals without 0/O, 1/I/L and U: a number read aloud or typed again comes out
// the same. Six of them: 30^6, about 729 million numbers a year.
const SYMBOLS = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 6;

/** What a case number looks like, as typed (any case): CB-, the year, and its tail (older cases' were counted, CB-2026-0001). */
export const CASE_NUMBER = /^CB-\d{4}-[0-9A-Z]{1,12}$/i;

/** A fresh random number for the year: CB-2026-7KQ4M2. */
function randomCaseNumber(now = new Date()): string {
  const tail = Array.from({ length: LENGTH }, () => SYMBOLS[randomInt(SYMBOLS.length)]).join("");
  return `CB-${now.getUTCFullYear()}-${tail}`;
}

/**
 * A case number no case has yet, inside the caller's transaction. Random, not counted: a partner
 * shown two numbers, or the same organisation's numbers a month apart, learns nothing of how
 * many cases were opened between them, by anyone. Two transactions that draw the same unused
 * number at the same moment (1 in 729 million for a pair) meet the unique index: the second fails.
 */
export async function nextCaseNumber(tx: Prisma.TransactionClient, now = new Date()): Promise<string> {
  for (;;) {
    const number = randomCaseNumber(now);
    if (!(await tx.case.findUnique({ where: { number }, select: { id: true } }))) return number;
  }
}
