import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export type TAuditContent = {
  occurredAt: Date;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  caseId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
};

// jsonb does not keep key order, so objects are hashed with sorted keys.
/** JSON with object keys sorted (and undefined left out), so equal content reads as equal text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The part of a row's hashed text that is its own content (every column but the id, the hashes):
 * the canonical array `[prevHash, occurredAt, …, details]` without its first item. The database
 * completes it with the chain's head under the chain lock (migration audit_append), as chainHash does.
 */
export function contentTail(event: TAuditContent): string {
  return canonical([
    event.occurredAt.toISOString(),
    event.actorId,
    event.action,
    event.targetType,
    event.targetId,
    event.caseId,
    event.ip,
    event.userAgent,
    event.details ?? {},
  ]).slice(1);
}

/** sha256 of the canonical `[prevHash, …content]`: `["<prevHash>",` then the content tail. */
export function chainHash(prevHash: string, tail: string): string {
  return createHash("sha256")
    .update(`[${JSON.stringify(prevHash)},${tail}`)
    .digest("hex");
}

/** The chained hash of one audit row: covers every column but the id and the hash itself. */
export function hashAuditEvent(prevHash: string, event: TAuditContent): string {
  return chainHash(prevHash, contentTail(event));
}
