import "server-only";
import { getDb, type Prisma } from "@/lib/db";
import { canOnEvidence, type TCaseFacts, type TEvidenceAction, type TItemFacts } from "@/lib/auth/permissions";
import { forbiddenRefusal, notFoundRefusal, loadCaseFacts, parseId, type TCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import type { CustodyAction } from "@/lib/generated/prisma/enums";

type Tx = Prisma.TransactionClient;

const EVIDENCE_FACTS = {
  id: true,
  caseId: true,
  orgId: true,
  addedById: true,
  visibility: true,
  privileged: true,
  privilegeBasis: true,
  kind: true,
  collectedAt: true,
  createdAt: true,
  sha256: true,
  size: true,
  mimeType: true,
  fileName: true,
  version: true,
  deletedAt: true,
  purgedAt: true,
} as const;

export type TEvidenceFacts = Prisma.EvidenceGetPayload<{ select: typeof EVIDENCE_FACTS }>;
export type TLoadedEvidence = {
  evidence: TEvidenceFacts;
  access: TCaseAccess;
  item: TItemFacts;
};

const itemFacts = (evidence: TEvidenceFacts): TItemFacts => ({
  orgId: evidence.orgId,
  visibility: evidence.visibility,
  authorId: evidence.addedById,
  privileged: evidence.privileged,
  privilegeBasis: evidence.privilegeBasis,
});

/**
 * What `actor` may do with an item, from the case's facts: "hidden" when they may not see it at
 * all (treated as absent), "forbidden" when they see it but may not do `action`. The one
 * sequence loadEvidence and mayReadEvidenceContent both decide by.
 */
function evidenceDecision(
  actor: TActor,
  facts: TCaseFacts,
  item: TItemFacts,
  action: TEvidenceAction,
): "allowed" | "hidden" | "forbidden" {
  if (!canOnEvidence(actor, "evidence.read", facts, item)) return "hidden";
  return canOnEvidence(actor, action, facts, item) ? "allowed" : "forbidden";
}

/**
 * True while the actor may open the item's file: it exists in the case, is not deleted, and
 * loadEvidence would allow "evidence.read_content". Takes the case's facts the caller already
 * loaded, and asks without recording a refusal, for what shows a file's cells besides its
 * download (an import in progress, lib/usage/imports.ts), asked on every look.
 */
export async function mayReadEvidenceContent(actor: TActor, evidenceId: string | null, access: TCaseAccess) {
  // visibility: one item by id, decided by evidenceDecision below; nothing of it is shown.
  const evidence = evidenceId
    ? await getDb().evidence.findUnique({ where: { id: evidenceId }, select: EVIDENCE_FACTS })
    : null;
  if (!evidence || evidence.caseId !== access.case.id || evidence.deletedAt) return false;
  return evidenceDecision(actor, access.facts, itemFacts(evidence), "evidence.read_content") === "allowed";
}

/**
 * One evidence item as `actor` sees it, checked against `action`. Unknown, of another case than
 * the URL says, or invisible to the actor (owner-organisation-only of another organisation, or
 * not a member) → NotFound, indistinguishable; visible but not allowed → Forbidden.
 */
export async function loadEvidence(
  actor: TActor,
  evidenceId: unknown,
  action: TEvidenceAction,
  caseId?: unknown,
): Promise<TLoadedEvidence> {
  const id = parseId(evidenceId);
  // visibility: one item by id, decided by evidenceDecision below (NotFound if not visible).
  const evidence = await getDb().evidence.findUnique({ where: { id }, select: EVIDENCE_FACTS });
  const refused = () => notFoundRefusal(actor, action, "evidence", id);
  if (!evidence || (caseId !== undefined && parseId(caseId) !== evidence.caseId)) throw await refused();
  const access = await loadCaseFacts(actor, evidence.caseId);
  if (!access) throw await refused();
  const item = itemFacts(evidence);
  const decision = evidenceDecision(actor, access.facts, item, action);
  if (decision === "hidden") throw await refused();
  if (decision === "forbidden")
    throw await forbiddenRefusal(actor, action, { type: "evidence", id, caseId: evidence.caseId }, FORBIDDEN[action]);
  return { evidence, access, item };
}

const FORBIDDEN: Record<TEvidenceAction, string> = {
  "evidence.read": "You cannot see this evidence.",
  // Says no more than the stub the reader already sees.
  "evidence.read_content":
    "This evidence is withheld as privileged: only its organisation's legal reviewers and leads can open it.",
  "evidence.edit": "Only the uploader, a lead or a legal reviewer of the evidence's organisation can edit it.",
  "evidence.flag_privilege": "Only a legal reviewer or lead of the evidence's organisation can flag it privileged.",
  "evidence.verify": "Your role on this case cannot run integrity checks.",
  "evidence.delete": "Only a lead of the evidence's organisation can delete it.",
  "evidence.purge": "Only an administrator can purge a deleted file.",
};

export async function addCustody(
  tx: Tx,
  evidenceId: string,
  actorId: string,
  action: CustodyAction,
  sha256: string | null,
  note = "",
): Promise<void> {
  await tx.custodyEvent.create({ data: { evidenceId, actorId, action, sha256, note: note.slice(0, 2000) } });
}
