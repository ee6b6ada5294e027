import "server-only";
import { Prisma } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { visibleItemSql } from "@/lib/auth/visibility";
import { ValidationError } from "@/lib/errors";
import { ZQueryDate } from "@/lib/validation";
import type { TTimelineFilters } from "@/lib/timeline/schemas";

// The SQL form of the timeline's read rules, shared by the list, the histogram and the export
// so they cannot disagree: the case, not deleted, and canOnItem's visibility rule (another
// organisation's owner-org-only events do not exist), then the user's filters.
// Timestamps are `timestamp(3)` holding UTC; parameters are cast from ISO strings with
// ::timestamp (the zone suffix is ignored) so the session's TimeZone setting never shifts them.

export const ts = (d: Date) => Prisma.sql`${d.toISOString()}::timestamp`;

export function timelineWhere(actor: TActor, caseId: string, f: TTimelineFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [
    Prisma.sql`e."caseId" = ${caseId}::uuid`,
    Prisma.sql`e."deletedAt" IS NULL`,
    visibleItemSql(actor, "e"),
  ];
  if (f.category.length) parts.push(Prisma.sql`e.category::text IN (${Prisma.join(f.category)})`);
  if (f.customCategory) parts.push(Prisma.sql`e."customCategory" = ${f.customCategory}`);
  if (f.confidence) parts.push(Prisma.sql`e.confidence::text = ${f.confidence}`);
  if (f.source) parts.push(Prisma.sql`e.source = ${f.source}`);
  if (f.orgId) parts.push(Prisma.sql`e."orgId" = ${f.orgId}::uuid`);
  if (f.from) parts.push(Prisma.sql`e."occurredAt" >= ${ts(f.from)}`);
  if (f.to) parts.push(Prisma.sql`e."occurredAt" < ${ts(f.to)}`);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // Attributes (an imported file's extra columns) are searched by their values, as stored.
    parts.push(
      Prisma.sql`(e.title ILIKE ${like} OR e.description ILIKE ${like} OR e.source ILIKE ${like} OR e."customCategory" ILIKE ${like}
        OR (e.attributes IS NOT NULL AND EXISTS (SELECT 1 FROM jsonb_each_text(e.attributes) a WHERE a.value ILIKE ${like})))`,
    );
  }
  return Prisma.join(parts, " AND ");
}

/** Keyset cursors: the (occurredAt, id) of the last row of a page, opaque to clients. */
export function encodeCursor(occurredAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([occurredAt.toISOString(), id])).toString("base64url");
}

export function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const occurredAt = ZQueryDate.parse(at);
    if (!occurredAt || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error("bad cursor");
    return { occurredAt, id };
  } catch {
    throw new ValidationError("The page cursor is not valid: start again from the first page.");
  }
}
