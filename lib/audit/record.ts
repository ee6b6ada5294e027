import "server-only";
import { getDb, type Prisma } from "@/lib/db";
import { contentTail, type TAuditContent } from "@/lib/audit/hash";
import { getRequestMeta } from "@/lib/request-meta";

type Tx = Prisma.TransactionClient;
type TDb = ReturnType<typeof getDb>;

/**
 * Who may see a case's audit row in its Activity tab. One rule (lib/cases/activity.ts): a row
 * scoped to an organisation is shown only to that organisation's people; a "case" row to every
 * member who may read the case. A row is scoped to an organisation whenever anything in it
 * derives from what not every organisation on the case can see: an owner-org-only item, a count
 * or list over what the actor's organisation sees, words the actor typed (filters, search
 * terms, file names), a refused attempt. The scope is stored as details.orgOnly (the key older
 * rows already carry), so the Activity filter is one JSON condition.
 */
export type TAuditScope = "case" | { org: string };

/** The key of details that holds an organisation scope. */
export const ORG_SCOPE_KEY = "orgOnly";

/** The scope of a row about one item: its organisation's when the item is owner-org-only. */
export function itemScope(item: { visibility: string; orgId: string }): TAuditScope {
  return item.visibility === "OWNER_ORG_ONLY" ? { org: item.orgId } : "case";
}

type TAuditBase = {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** The scope is given as `scope`, never written here by hand. */
  details?: Record<string, unknown> & { [ORG_SCOPE_KEY]?: never };
};

/**
 * A row in a case must say who may see it (`scope`), so a new call site cannot forget; a row
 * outside any case (sign-in, user management, the log itself) has none.
 */
export type TAuditInput = TAuditBase & ({ caseId?: null; scope?: undefined } | { caseId: string; scope: TAuditScope });

// One chain for the whole table. A transaction-scoped advisory lock serialises writers between
// "read the last hash" and "insert", so concurrent requests (or app instances) cannot fork the
// chain; the lock is released at commit, so the caller should write the audit row last.
const AUDIT_CHAIN_LOCK = 0x0ca5eb; // arbitrary, fixed key

/** A row's content, fixed when it is recorded (its time, the request's address and browser). */
async function contentOf(input: TAuditInput): Promise<TAuditContent> {
  // Address and user agent come from the current request unless the caller passes them.
  const meta = input.ip === undefined && input.userAgent === undefined ? await getRequestMeta() : input;
  return {
    occurredAt: new Date(),
    actorId: input.actorId,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    caseId: input.caseId ?? null,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    // Stored as JSON, so hashed as JSON: a Date (or anything with toJSON) would otherwise hash
    // differently from what the table keeps and fail verification forever.
    details: JSON.parse(JSON.stringify(withScope(input))) as Prisma.InputJsonObject,
  };
}

/**
 * Appends rows, in order, to the chain, in one statement (migration audit_append): under the
 * chain lock, after the last committed row. `db` is the caller's transaction, or the client
 * itself for a batch that is its own transaction.
 */
async function appendRows(db: Tx | TDb, contents: TAuditContent[]): Promise<void> {
  const entries = contents.map((c) => ({ ...c, occurredAt: c.occurredAt.toISOString(), tail: contentTail(c) }));
  await db.$executeRaw`SELECT audit_append(${AUDIT_CHAIN_LOCK}::bigint, ${JSON.stringify(entries)}::jsonb)`;
}

async function appendAudit(tx: Tx, input: TAuditInput): Promise<void> {
  await appendRows(tx, [await contentOf(input)]);
}

function withScope(input: TAuditInput): Record<string, unknown> {
  const details = input.details ?? {};
  return input.scope && input.scope !== "case" ? { ...details, [ORG_SCOPE_KEY]: input.scope.org } : details;
}

// Rows recorded outside a caller's transaction (every audited read) are appended in batches:
// whatever arrived while the previous batch was being written goes in the next, in one
// statement that is its own transaction. The chain lock is held through each commit, and so
// through its WAL flush; one row per transaction capped the whole instance at one flush per
// audited request (36–80 rows/s on this machine under load, issue 16). Each caller still returns only once its row is
// committed, and a failed batch fails every caller in it, as a failed insert did.
type TPending = { content: TAuditContent; resolve: () => void; reject: (error: unknown) => void };
const MAX_BATCH = 500;
const pending: TPending[] = [];
let flushing: Promise<void> | null = null;

async function flush(): Promise<void> {
  while (pending.length > 0) {
    const batch = pending.splice(0, MAX_BATCH);
    try {
      await appendRows(
        getDb(),
        batch.map((p) => p.content),
      );
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
  flushing = null;
}

/** Writes an audit row inside the caller's transaction, or in the next batch when none is given. */
export async function recordAudit(input: TAuditInput, tx?: Tx): Promise<void> {
  if (tx) return appendAudit(tx, input);
  const content = await contentOf(input);
  await new Promise<void>((resolve, reject) => {
    pending.push({ content, resolve, reject });
    flushing ??= flush();
  });
}

export type TAuditRateLimit = {
  windowMs: number;
  /** Within the window, a row of the same action for which this is true stops this one. */
  sameAs: (row: { caseId: string | null; targetId: string | null }) => boolean;
  /** And at most this many rows of the action per actor, whatever their target. */
  maxPerActor: number;
};

/**
 * Writes the row unless the rate limit says the actor has had enough of this action lately; true
 * if written. The limit is read from the table itself, again under the chain lock, so it holds
 * across requests and app instances; the first read, without the lock, keeps a flood of repeats
 * from queueing on it.
 */
export async function recordAuditRateLimited(
  input: TAuditInput & { actorId: string },
  limit: TAuditRateLimit,
): Promise<boolean> {
  const allowed = async (tx: Tx | ReturnType<typeof getDb>) => {
    const recent = await tx.auditEvent.findMany({
      where: {
        actorId: input.actorId,
        action: input.action,
        occurredAt: { gt: new Date(Date.now() - limit.windowMs) },
      },
      orderBy: { id: "desc" },
      take: limit.maxPerActor,
      select: { caseId: true, targetId: true },
    });
    return recent.length < limit.maxPerActor && !recent.some(limit.sameAs);
  };
  if (!(await allowed(getDb()))) return false;
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
    if (!(await allowed(tx))) return false;
    await appendAudit(tx, input);
    return true;
  });
}
