import "server-only";
import { withholdAuditDetails } from "@/lib/privilege/audit";
import { z } from "zod";
import { getDb, Prisma } from "@/lib/db";
import { ORG_SCOPE_KEY, recordAudit } from "@/lib/audit/record";
import { visibleCasesSql } from "@/lib/cases/queries";
import { requireCaseAccess, requireGlobal } from "@/lib/auth/guards";
import { seal, unseal } from "@/lib/auth/sealed";
import { ValidationError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";
import { CASE_NUMBER } from "@/lib/cases/numbers";

export const AUDIT_PAGE_SIZE = 50;
const MAX_LIMIT = 500;
// A page link carries the last row's id sealed (lib/auth/sealed.ts): ids come from one sequence
// for the whole instance, so their gaps would count what the other organisation did.
const CURSOR = /^[\w-]{1,64}\.[\w-]{1,64}\.[\w-]{1,64}$/;
const CURSOR_DIGITS = 20; // a bigint's

// URL filters of the audit log. Each invalid value is dropped on its own (and reported by
// parseAuditFilters), so a mistyped field never breaks a shared link.
const text = (max: number) => z.string().trim().max(max).optional().catch(undefined);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => {
    const date = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(v); // rejects 2026-02-30
  })
  .optional()
  .catch(undefined);

export const ZAuditFilters = z.object({
  /** Prefix: "case." matches every case action. */
  action: text(100),
  /** A user id, or a user's email (exact, case-insensitive). */
  actor: text(320),
  /** A case's id, or its number as people quote it (CB-2026-7KQ4M2). */
  caseId: z
    .string()
    .trim()
    .refine((v) => z.string().uuid().safeParse(v).success || CASE_NUMBER.test(v))
    .transform((v) => (CASE_NUMBER.test(v) ? v.toUpperCase() : v.toLowerCase()))
    .optional()
    .catch(undefined),
  /** UTC days, both inclusive. */
  from: day,
  to: day,
  /** Keyset cursor: the page starts below the row it names (an opaque, sealed value). */
  cursor: z
    .string()
    .refine((v) => cursorId(v) !== null)
    .optional()
    .catch(undefined),
});
export type TAuditFilters = z.infer<typeof ZAuditFilters>;

type TSearchParams = Record<string, string | string[] | undefined>;

/**
 * Filters from URL search params, plus the names of those that were given but invalid, and what
 * was typed in each (so the form shows an ignored value back, to correct).
 */
export function parseAuditFilters(params: TSearchParams): {
  filters: TAuditFilters;
  ignored: string[];
  typed: Record<string, string>;
} {
  const raw = Object.fromEntries(
    Object.keys(ZAuditFilters.shape).map((key) => {
      const value = params[key];
      return [key, (Array.isArray(value) ? value[0] : value)?.trim() || undefined];
    }),
  );
  const filters = ZAuditFilters.parse(raw);
  const ignored = Object.keys(raw).filter(
    (key) => raw[key] !== undefined && filters[key as keyof TAuditFilters] === undefined,
  );
  const typed = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => e[1] !== undefined));
  return { filters, ignored, typed };
}

export type TAuditEventRow = {
  occurredAt: Date;
  action: string;
  /** Null for system events; `actorId` without `actor` for an id that matches no user. */
  actor: { id: string; name: string; email: string } | null;
  actorId: string | null;
  targetType: string;
  targetId: string | null;
  caseId: string | null;
  caseNumber: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
};

export type TAuditPage = { rows: TAuditEventRow[]; nextCursor: string | null };

export type TAuditQuery = {
  /** Only this case's events: then members who may read the case may see them, not just audit readers. */
  caseId?: string;
  filters?: Omit<TAuditFilters, "cursor">;
  /** Rows older than the one this names (the previous page's nextCursor). */
  cursor?: string | null;
  limit?: number;
  /** An extra SQL condition on the audit row `a`, ANDed with the rest (so it can only narrow). */
  where?: Prisma.Sql;
};

/**
 * What an organisation's admin sees of the audit log, the one rule: rows written by their own
 * organisation's people, and rows of the cases their organisation may list (visibleCasesSql:
 * owned or shared into, a TLP:RED case only if owned) that are not scoped to another
 * organisation. So the partner's people, private items, counts and RED cases stay out.
 * Refused attempts on hidden things carry no case and show only to the actor's organisation.
 */
export function auditOrgScopeSql(actor: TActor): Prisma.Sql {
  return Prisma.sql`(
    a."actorId" IN (SELECT u.id FROM "User" u WHERE u."orgId" = ${actor.orgId}::uuid)
    OR (a."caseId" IN (SELECT c.id FROM "Case" c WHERE ${visibleCasesSql(actor)})
        AND (a.details->>${ORG_SCOPE_KEY} IS NULL OR a.details->>${ORG_SCOPE_KEY} = ${actor.orgId})))`;
}

/**
 * The admin audit log: what the admin's organisation may see of it (auditOrgScopeSql), filtered.
 * Audit readers only; to anyone else it does not exist. Reading the log is itself audited (the
 * first page of a listing, with its filters).
 */
export async function listAuditEvents(actor: TActor, filters: TAuditFilters): Promise<TAuditPage> {
  requireGlobal(actor, "audit.read");
  const { cursor, ...rest } = filters;
  const fetched = await fetchAuditPage({
    filters: rest,
    cursor,
    limit: AUDIT_PAGE_SIZE,
    where: auditOrgScopeSql(actor),
  });
  // An admin audits their own organisation's items; another's privileged items keep their details.
  const page = { ...fetched, rows: await withholdAuditDetails(fetched.rows, (item) => item.orgId === actor.orgId) };
  if (!cursor)
    await recordAudit({
      actorId: actor.id,
      action: "audit.viewed",
      targetType: "audit_log",
      details: { filters: rest },
    });
  return page;
}

/**
 * One case's events, for its Activity tab: only for those who may read the case
 * (requireCaseAccess: NotFound otherwise, as for a case that does not exist). Being an audit
 * reader grants nothing here: an admin reads a case's activity through the audit log, scoped
 * to their organisation.
 */
export async function queryAuditEvents(
  actor: TActor,
  query: Omit<TAuditQuery, "caseId"> & { caseId: unknown },
): Promise<TAuditPage> {
  const { case: c } = await requireCaseAccess(actor, query.caseId, "case.read");
  const scope = Prisma.sql`a."caseId" = ${c.id}::uuid`;
  return fetchAuditPage({ ...query, where: query.where ? Prisma.sql`${scope} AND ${query.where}` : scope });
}

// One keyset page, newest first. No authorization here: the two functions above decide.
// Never selects the chain hashes, and masks secret-looking keys in details.
async function fetchAuditPage(query: Omit<TAuditQuery, "caseId">): Promise<TAuditPage> {
  const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? AUDIT_PAGE_SIZE)), MAX_LIMIT);
  const conditions = await filterConditions(query.filters ?? {});
  if (!conditions) return { rows: [], nextCursor: null };
  if (query.cursor) conditions.push(Prisma.sql`a.id < ${openCursor(query.cursor)}`);
  if (query.where) conditions.push(query.where);

  const found = await getDb().$queryRaw<
    {
      id: bigint;
      occurredAt: Date;
      actorId: string | null;
      action: string;
      targetType: string;
      targetId: string | null;
      caseId: string | null;
      ip: string | null;
      userAgent: string | null;
      details: Prisma.JsonValue;
    }[]
  >`
    SELECT a.id, a."occurredAt", a."actorId", a.action, a."targetType", a."targetId", a."caseId", a.ip, a."userAgent", a.details
    FROM "AuditEvent" a
    WHERE ${conditions.length ? Prisma.join(conditions, " AND ") : Prisma.sql`TRUE`}
    ORDER BY a.id DESC LIMIT ${limit + 1}`;
  const page = found.slice(0, limit);
  const [users, cases] = await Promise.all([
    lookup(
      page.map((r) => r.actorId),
      (ids) => getDb().user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true } }),
    ),
    lookup(
      page.map((r) => r.caseId),
      (ids) => getDb().case.findMany({ where: { id: { in: ids } }, select: { id: true, number: true } }),
    ),
  ]);
  const rows = page.map(({ id: _id, ...r }) => ({
    ...r,
    actor: (r.actorId && users.get(r.actorId)) || null,
    caseNumber: (r.caseId && cases.get(r.caseId)?.number) || null,
    details: r.action === "audit.verify" ? verifyDetails(redact(r.details)) : redact(r.details),
  }));
  return { rows, nextCursor: found.length > limit ? auditCursor(page.at(-1)!.id) : null };
}

/** The page link that lists the rows older than the row with this id. */
export function auditCursor(id: bigint): string {
  // Fixed width: the sealed text is as long as the plain one, and a length would tell the digits.
  return seal("audit-cursor", id.toString().padStart(CURSOR_DIGITS, "0"));
}

/** The row id a page link names; null for a forged or damaged link, or one sealed under another key. */
function cursorId(cursor: string): bigint | null {
  const id = CURSOR.test(cursor) ? unseal("audit-cursor", cursor) : null;
  return id !== null && id.length === CURSOR_DIGITS && /^\d+$/.test(id) ? BigInt(id) : null;
}

function openCursor(cursor: string): bigint {
  const id = cursorId(cursor);
  if (id === null) throw new ValidationError("That page link is not valid.");
  return id;
}

/** SQL conditions for the filters; null when they cannot match anything (unknown email). */
async function filterConditions(filters: Omit<TAuditFilters, "cursor">): Promise<Prisma.Sql[] | null> {
  const conditions: Prisma.Sql[] = [];
  if (filters.action) conditions.push(Prisma.sql`starts_with(a.action, ${filters.action})`);
  if (filters.caseId)
    conditions.push(
      CASE_NUMBER.test(filters.caseId)
        ? Prisma.sql`a."caseId" = (SELECT c.id FROM "Case" c WHERE c.number = ${filters.caseId})`
        : Prisma.sql`a."caseId" = ${filters.caseId}::uuid`,
    );
  if (filters.from) conditions.push(Prisma.sql`a."occurredAt" >= ${new Date(`${filters.from}T00:00:00Z`)}`);
  if (filters.to)
    conditions.push(Prisma.sql`a."occurredAt" < ${new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000)}`);
  if (filters.actor) {
    if (z.string().uuid().safeParse(filters.actor).success) {
      conditions.push(Prisma.sql`a."actorId" = ${filters.actor}::uuid`);
    } else {
      const users = await getDb().user.findMany({
        where: { email: { equals: filters.actor, mode: "insensitive" } },
        select: { id: true },
      });
      if (users.length === 0) return null;
      conditions.push(Prisma.sql`a."actorId" = ANY(${users.map((u) => u.id)}::uuid[])`);
    }
  }
  return conditions;
}

async function lookup<T extends { id: string }>(
  ids: (string | null)[],
  load: (ids: string[]) => Promise<T[]>,
): Promise<Map<string, T>> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  if (unique.length === 0) return new Map();
  return new Map((await load(unique)).map((item) => [item.id, item]));
}

// Defence in depth: callers of recordAudit must never put secrets in details, but if one
// slips in, the log viewer does not display it.
// Matches "password", "tokenHash", "api_key", "sessionToken"; not "inputTokens" or "tokenCount".
const SECRET_KEY = /(password|passphrase|secret|token|apikey|privatekey|credentials?|cookie|authorization)(hash)?$/i;
const isSecretKey = (key: string) => SECRET_KEY.test(key.replace(/[_-]/g, ""));

// "Verify chain" rows written before TVerifyView also hold the chain's size and row ids, which
// count the other organisation's rows too: only what an admin is told today is shown of them.
const VERIFY_SHOWN = new Set(["ok", "headHash", "reason", "brokenAt"]);
const verifyDetails = (details: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(details).filter(([key]) => VERIFY_SHOWN.has(key)));

function redact(details: Prisma.JsonValue): Record<string, unknown> {
  const masked = mask(details, 0);
  return masked && typeof masked === "object" && !Array.isArray(masked)
    ? (masked as Record<string, unknown>)
    : { value: masked };
}

function mask(value: unknown, depth: number): unknown {
  if (depth > 8) return "[…]";
  if (Array.isArray(value)) return value.map((v) => mask(v, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? "[redacted]" : mask(v, depth + 1)]),
    );
  }
  return value;
}
