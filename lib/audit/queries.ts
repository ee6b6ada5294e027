import "server-only";
import { z } from "zod";
import { getDb, type Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { parseId, requireCaseAccess, requireGlobal } from "@/lib/auth/guards";
import { can } from "@/lib/auth/permissions";
import { ValidationError } from "@/lib/errors";
import type { TActor } from "@/lib/auth/session";

export const AUDIT_PAGE_SIZE = 50;
const MAX_LIMIT = 500;
const CURSOR = /^\d{1,18}$/;

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
  caseId: z.string().uuid().optional().catch(undefined),
  /** UTC days, both inclusive. */
  from: day,
  to: day,
  /** Keyset cursor: the page starts below this id. */
  cursor: z.string().regex(CURSOR).optional().catch(undefined),
});
export type TAuditFilters = z.infer<typeof ZAuditFilters>;

type TSearchParams = Record<string, string | string[] | undefined>;

/** Filters from URL search params, plus the names of those that were given but invalid. */
export function parseAuditFilters(params: TSearchParams): { filters: TAuditFilters; ignored: string[] } {
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
  return { filters, ignored };
}

export type TAuditEventRow = {
  id: string;
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
  /** Rows with a smaller id than this one (the previous page's nextCursor). */
  cursor?: string | null;
  limit?: number;
  /** Extra conditions ANDed with the rest (so they can only narrow), e.g. excluding some actions. */
  where?: Prisma.AuditEventWhereInput;
};

/**
 * The admin audit log: every event, filtered. Audit readers only; to anyone else it does not
 * exist. Reading the log is itself audited (the first page of a listing, with its filters).
 */
export async function listAuditEvents(actor: TActor, filters: TAuditFilters): Promise<TAuditPage> {
  requireGlobal(actor, "audit.read");
  const { cursor, ...rest } = filters;
  const page = await fetchAuditPage({ filters: rest, cursor, limit: AUDIT_PAGE_SIZE });
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
 * The building block for other audit views (a case's Activity tab). Audit readers may query
 * everything; anyone else only one case's events, and only if they may read that case
 * (requireCaseAccess: NotFound otherwise, as for a case that does not exist).
 */
export async function queryAuditEvents(actor: TActor, query: TAuditQuery): Promise<TAuditPage> {
  if (query.caseId !== undefined) {
    if (!can(actor, "audit.read")) await requireCaseAccess(actor, query.caseId, "case.read");
    const caseId = parseId(query.caseId);
    return fetchAuditPage({ ...query, where: { AND: [{ caseId }, query.where ?? {}] } });
  }
  requireGlobal(actor, "audit.read");
  return fetchAuditPage(query);
}

// One keyset page, newest first. No authorization here: the two functions above decide.
// Never selects the chain hashes, and masks secret-looking keys in details.
async function fetchAuditPage(query: Omit<TAuditQuery, "caseId">): Promise<TAuditPage> {
  const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? AUDIT_PAGE_SIZE)), MAX_LIMIT);
  const conditions = await filterConditions(query.filters ?? {});
  if (!conditions) return { rows: [], nextCursor: null };
  if (query.cursor) {
    if (!CURSOR.test(query.cursor)) throw new ValidationError("That page link is not valid.");
    conditions.push({ id: { lt: BigInt(query.cursor) } });
  }
  if (query.where) conditions.push(query.where);

  const found = await getDb().auditEvent.findMany({
    where: { AND: conditions },
    orderBy: { id: "desc" },
    take: limit + 1,
    select: {
      id: true,
      occurredAt: true,
      actorId: true,
      action: true,
      targetType: true,
      targetId: true,
      caseId: true,
      ip: true,
      userAgent: true,
      details: true,
    },
  });
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
  const rows = page.map((r) => ({
    ...r,
    id: r.id.toString(),
    actor: (r.actorId && users.get(r.actorId)) || null,
    caseNumber: (r.caseId && cases.get(r.caseId)?.number) || null,
    details: redact(r.details),
  }));
  return { rows, nextCursor: found.length > limit ? rows[rows.length - 1]!.id : null };
}

/** Prisma conditions for the filters; null when they cannot match anything (unknown email). */
async function filterConditions(filters: Omit<TAuditFilters, "cursor">): Promise<Prisma.AuditEventWhereInput[] | null> {
  const conditions: Prisma.AuditEventWhereInput[] = [];
  if (filters.action) conditions.push({ action: { startsWith: filters.action } });
  if (filters.caseId) conditions.push({ caseId: filters.caseId });
  if (filters.from) conditions.push({ occurredAt: { gte: new Date(`${filters.from}T00:00:00Z`) } });
  if (filters.to) conditions.push({ occurredAt: { lt: new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000) } });
  if (filters.actor) {
    if (z.string().uuid().safeParse(filters.actor).success) {
      conditions.push({ actorId: filters.actor });
    } else {
      const users = await getDb().user.findMany({
        where: { email: { equals: filters.actor, mode: "insensitive" } },
        select: { id: true },
      });
      if (users.length === 0) return null;
      conditions.push({ actorId: { in: users.map((u) => u.id) } });
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
