import "server-only";
import { briefAccess } from "@/lib/auth/permissions";
import { loadCaseFacts, notFoundRefusal, parseId, type TCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";

export type TBriefAccess = TCaseAccess & { level: "full" | "aggregate" };

/**
 * The guard of a case's brief and enforcement log: members read them in full, executives and
 * admins of the case's organisations (not TLP:RED) as aggregates (briefAccess). Anyone else gets
 * NotFound, recorded as a refused attempt, exactly as for a case that does not exist.
 */
export async function requireBriefAccess(actor: TActor, caseId: unknown): Promise<TBriefAccess> {
  const id = parseId(caseId);
  const access = await loadCaseFacts(actor, id);
  const level = access ? briefAccess(actor, access.facts) : null;
  if (!access || !level) throw await notFoundRefusal(actor, "brief.read", "case", id);
  return { ...access, level };
}
