import "server-only";
import { getDb, type Prisma } from "@/lib/db";
import { GENESIS_HASH, hashAuditEvent } from "@/lib/audit/hash";
import { getRequestMeta } from "@/lib/request-meta";

type Tx = Prisma.TransactionClient;

/**
 * Audit details that keep an owner-org-only item's events out of the partner's activity view
 * (lib/cases/activity.ts filters on details.orgOnly).
 */
export function orgOnly(item: { visibility: string; orgId: string }): { orgOnly?: string } {
  return item.visibility === "OWNER_ORG_ONLY" ? { orgOnly: item.orgId } : {};
}

export type TAuditInput = {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  caseId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
};

// One chain for the whole table. A transaction-scoped advisory lock serialises writers between
// "read the last hash" and "insert", so concurrent requests (or app instances) cannot fork the
// chain; the lock is released at commit, so the caller should write the audit row last.
const AUDIT_CHAIN_LOCK = 0x0ca5eb; // arbitrary, fixed key

async function appendAudit(tx: Tx, input: TAuditInput): Promise<void> {
  // Address and user agent come from the current request unless the caller passes them.
  const meta = input.ip === undefined && input.userAgent === undefined ? await getRequestMeta() : input;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const content = {
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
    details: JSON.parse(JSON.stringify(input.details ?? {})) as Prisma.InputJsonObject,
  };
  await tx.auditEvent.create({ data: { ...content, prevHash, hash: hashAuditEvent(prevHash, content) } });
}

/** Writes an audit row inside the caller's transaction, or in its own when none is given. */
export async function recordAudit(input: TAuditInput, tx?: Tx): Promise<void> {
  if (tx) return appendAudit(tx, input);
  await getDb().$transaction((own) => appendAudit(own, input));
}
