import "server-only";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { startProduction } from "@/lib/productions/mutations";
import { runProduction } from "@/lib/productions/runner";

// The demo case's legal review export: the whole case produced by Microsoft's legal reviewer to
// OpenAI's counsel, run through the real job, so the Exports tab (and the case summary and brief
// that list production history) show a finished production on first sign-in.

export async function seedDemoProduction(reviewer: TActor, caseId: string): Promise<void> {
  const { id } = await startProduction(reviewer, caseId, {
    scope: { kind: "case" },
    batesPrefix: "MSFT-CB",
    batesStart: 1,
    receivingParty: "Outside counsel for OpenAI (common-interest review)",
  });
  await runProduction(id);
  const p = await getDb().production.findUniqueOrThrow({ where: { id }, select: { status: true, error: true } });
  if (p.status !== "COMPLETE") throw new Error(`The demo production did not complete: ${p.error}`);
}
