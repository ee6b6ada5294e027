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
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The chained hash of one audit row: covers every column but the id and the hash itself. */
export function hashAuditEvent(prevHash: string, event: TAuditContent): string {
  return createHash("sha256")
    .update(
      canonical([
        prevHash,
        event.occurredAt.toISOString(),
        event.actorId,
        event.action,
        event.targetType,
        event.targetId,
        event.caseId,
        event.ip,
        event.userAgent,
        event.details ?? {},
      ]),
    )
    .digest("hex");
}
