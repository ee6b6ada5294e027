import "server-only";
import { ITEM_FACTS_SELECT } from "@/lib/releases/items";
import { createHash } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { getDb } from "@/lib/db";
import { itemScope, recordAudit } from "@/lib/audit/record";
import { canOnEvidence, privilegeReader } from "@/lib/auth/permissions";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ValidationError } from "@/lib/errors";
import { getBlobStore } from "@/lib/storage";
import { addCustody, loadEvidence } from "@/lib/evidence/access";
import { readableItemWhere, visibleItemWhere } from "@/lib/auth/visibility";

export type TIntegrity = "INTACT" | "MISMATCH" | "MISSING";
export type TVerifyResult = { id: string; title: string; status: TIntegrity; actual: string | null };
export type TVerifySummary = {
  checked: number;
  intact: number;
  mismatch: number;
  missing: number;
  failures: TVerifyResult[];
};

async function hashBlob(sha256: string): Promise<string | null> {
  const stream = await getBlobStore().read(sha256);
  if (!stream) return null;
  const hash = createHash("sha256");
  await pipeline(stream, hash);
  return hash.digest("hex");
}

type TTarget = { id: string; caseId: string; orgId: string; visibility: string; sha256: string; title: string };

/** Re-hashes one stored file, records the outcome on the item, in custody and in the audit log. */
async function check(actor: TActor, e: TTarget): Promise<TVerifyResult> {
  const actual = await hashBlob(e.sha256);
  const status: TIntegrity = actual === null ? "MISSING" : actual === e.sha256 ? "INTACT" : "MISMATCH";
  const note = {
    INTACT: "The stored file matches its recorded SHA-256.",
    MISMATCH: `The stored file has changed: it now hashes to ${actual}.`,
    MISSING: "The stored file is missing.",
  }[status];
  await getDb().$transaction(async (tx) => {
    await tx.evidence.update({ where: { id: e.id }, data: { integrity: status, lastVerifiedAt: new Date() } });
    await addCustody(tx, e.id, actor.id, status === "INTACT" ? "VERIFIED" : "VERIFICATION_FAILED", actual, note);
    await recordAudit(
      {
        actorId: actor.id,
        action: status === "INTACT" ? "evidence.verified" : "evidence.integrity_failed",
        targetType: "evidence",
        targetId: e.id,
        caseId: e.caseId,
        scope: itemScope(e),
        details: { status, expected: e.sha256, actual },
      },
      tx,
    );
  });
  return { id: e.id, title: e.title, status, actual };
}

export async function verifyEvidence(actor: TActor, caseId: unknown, evidenceId: unknown): Promise<TVerifyResult> {
  const { evidence: e } = await loadEvidence(actor, evidenceId, "evidence.verify", caseId);
  if (e.purgedAt) throw new ValidationError("This file was purged: there is nothing left to verify.");
  // visibility: re-reads the item loadEvidence just authorized.
  const { title } = await getDb().evidence.findUniqueOrThrow({ where: { id: e.id }, select: { title: true } });
  return check(actor, { ...e, title });
}

/**
 * Verifies every unpurged item of the case the actor can see, one at a time (bounded memory).
 * Synchronous for now: a case with many gigabytes of evidence belongs in a background job.
 */
export async function verifyCaseEvidence(actor: TActor, caseId: unknown): Promise<TVerifySummary> {
  const { case: c, facts } = await requireCaseAccess(actor, caseId, "evidence.verify");
  const items = await getDb().evidence.findMany({
    // Withheld items are left out: a result would name them (canOnEvidence refuses them too).
    where: {
      caseId: c.id,
      purgedAt: null,
      ...visibleItemWhere(actor),
      AND: [readableItemWhere(privilegeReader(actor, facts))],
    },
    orderBy: { createdAt: "asc" },
    select: { id: true, ...ITEM_FACTS_SELECT, sha256: true, title: true, addedById: true },
  });
  const results: TVerifyResult[] = [];
  for (const e of items) {
    if (
      !canOnEvidence(actor, "evidence.verify", facts, {
        orgId: e.orgId,
        visibility: e.visibility,
        authorId: e.addedById,
        privileged: e.privileged,
        privilegeBasis: e.privilegeBasis,
      })
    )
      continue;
    results.push(await check(actor, e));
  }
  const count = (s: TIntegrity) => results.filter((r) => r.status === s).length;
  return {
    checked: results.length,
    intact: count("INTACT"),
    mismatch: count("MISMATCH"),
    missing: count("MISSING"),
    failures: results.filter((r) => r.status !== "INTACT"),
  };
}
