import "server-only";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ValidationError } from "@/lib/errors";
import { HashMeter } from "@/lib/storage/meter";
import { verifyProductionZip, type TVerifyReport } from "@/lib/productions/verify";

// "Verify a production": a ZIP uploaded by a legal reviewer or lead (what counsel sent back, or
// a copy from a shared drive), streamed to a temporary file, checked like the CLI does, and
// matched by its SHA-256 against the productions of the case their organisation made.

/** Bigger than any production a case makes; the limit only stops an endless upload. */
const VERIFY_MAX_BYTES = 64 * 1024 ** 3;

export type TUploadVerdict = TVerifyReport & { matches: { id: string; completedAt: string | null } | null };

export async function verifyUploadedProduction(
  actor: TActor,
  caseId: unknown,
  body: ReadableStream<Uint8Array> | null,
): Promise<TUploadVerdict> {
  const { case: c } = await requireCaseAccess(actor, caseId, "production.create");
  if (!body) throw new ValidationError("Send the production's ZIP file as the request body.");
  const dir = await mkdtemp(path.join(tmpdir(), "casebridge-verify-"));
  try {
    const file = path.join(dir, "upload.zip");
    const meter = new HashMeter(VERIFY_MAX_BYTES);
    await pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream), meter, createWriteStream(file));
    if (meter.size === 0) throw new ValidationError("The file is empty: choose the production's ZIP file.");
    const report = await verifyProductionZip(file);
    const match = report.zipSha256
      ? await getDb().production.findFirst({
          where: { caseId: c.id, orgId: actor.orgId, sha256: report.zipSha256, deletedAt: null },
          select: { id: true, completedAt: true },
        })
      : null;
    await recordAudit({
      actorId: actor.id,
      action: "production.verified",
      targetType: "production",
      targetId: match?.id ?? null,
      caseId: c.id,
      scope: { org: actor.orgId },
      details: { sha256: report.zipSha256, ok: report.ok, problems: report.problems.length },
    });
    return {
      ...report,
      matches: match ? { id: match.id, completedAt: match.completedAt?.toISOString() ?? null } : null,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
