import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { startProduction } from "@/lib/productions/mutations";
import { openProductionDownload } from "@/lib/productions/queries";
import { runProduction } from "@/lib/productions/runner";
import { createUser } from "@/tests/helpers/factories";

/** A legal reviewer (global LEGAL) of `orgId`, made a member of the case. */
export async function addLegalReviewer(caseId: string, orgId: string): Promise<TActor> {
  const reviewer = await createUser({ orgId, role: "LEGAL" });
  await getDb().caseMember.create({ data: { caseId, userId: reviewer.id, role: "LEGAL_REVIEWER" } });
  return reviewer;
}

/** Starts a production and runs it to its end; answers its id. */
export async function produce(actor: TActor, caseId: string, input: Record<string, unknown>): Promise<string> {
  const { id } = await startProduction(actor, caseId, {
    scope: { kind: "case" },
    receivingParty: "Counsel for the partner",
    batesStart: 1,
    ...input,
  });
  await runProduction(id);
  return id;
}

/** Downloads a finished production into a temporary folder; answers the ZIP's path. */
export async function downloadTo(actor: TActor, caseId: string, productionId: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "casebridge-production-"));
  const file = path.join(dir, "bundle.zip");
  const { stream } = await openProductionDownload(actor, caseId, productionId);
  await pipeline(stream, createWriteStream(file));
  return file;
}

/** Unzips into a fresh folder; answers the bag's root folder. */
export function unzipBag(zip: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "casebridge-bag-"));
  execFileSync("unzip", ["-q", zip, "-d", dir]);
  const [bag] = execFileSync("ls", [dir], { encoding: "utf8" }).trim().split("\n");
  return path.join(dir, bag!);
}

/** Zips a bag folder again (after a test changed it); answers the new ZIP's path. */
export function rezip(bagDir: string): string {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "casebridge-rezip-")), "bundle.zip");
  execFileSync("zip", ["-qr", out, path.basename(bagDir)], { cwd: path.dirname(bagDir) });
  return out;
}
