import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { requireCaseAccess } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { ConflictError } from "@/lib/errors";
import { ZSaveBrief } from "@/lib/summary/schemas";
import { parseInput } from "@/lib/validation";

// The leads' written brief: key findings and recommended next steps. Each save is a new version
// (never an update), so every version stays; a save from a version that is no longer the latest
// is refused with a visible conflict, and the unique (case, version) index settles a race.

const CONFLICT =
  "Someone saved a newer version of the brief while you were writing. Your text is still here: reload to see theirs, then save again.";

export async function saveBriefText(actor: TActor, caseId: unknown, input: unknown): Promise<{ version: number }> {
  const { case: c } = await requireCaseAccess(actor, caseId, "brief.write");
  const data = parseInput(ZSaveBrief, input);
  const version = data.baseVersion + 1;
  try {
    return await getDb().$transaction(async (tx) => {
      const latest = await tx.caseBrief.findFirst({
        where: { caseId: c.id },
        orderBy: { version: "desc" },
        select: { version: true },
      });
      if ((latest?.version ?? 0) !== data.baseVersion) throw new ConflictError(CONFLICT);
      await tx.caseBrief.create({
        data: {
          caseId: c.id,
          version,
          findings: data.findings,
          nextSteps: data.nextSteps,
          authorId: actor.id,
          orgId: actor.orgId,
        },
      });
      // Every organisation on the case (and its executives) reads the brief: a "case" row.
      await recordAudit(
        {
          actorId: actor.id,
          action: "brief.saved",
          targetType: "case",
          targetId: c.id,
          caseId: c.id,
          scope: "case",
          details: { version },
        },
        tx,
      );
      return { version };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      throw new ConflictError(CONFLICT);
    throw error;
  }
}
