import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { canonical } from "@/lib/audit/hash";
import { visibleItemSql, visibleItemWhere } from "@/lib/auth/visibility";
import { sampleRows, type TUsageSample } from "@/lib/usage/analytics";
import { computeSignals } from "@/lib/usage/signals";
import { ZSignalSettings, type TSignal, type TSignalSettings } from "@/lib/usage/signals-schema";

// Which usage imports an organisation may see, and the signals stored per organisation. One
// rule: a usage import is seen where its evidence item is seen (visibleItemWhere on the item,
// not deleted, not privileged), and only once loaded. Everything derived (rows, rollups,
// signals, linkage mentions) follows it. These views are per organisation, and a privileged
// item's content is for some of its people only: so usage from a privileged item feeds no view.

/** The loaded usage imports of the case whose evidence the organisation may see. */
export async function usageImportIdsFor(
  orgId: string,
  caseId: string,
  db: Pick<Prisma.TransactionClient, "importJob"> = getDb(),
): Promise<string[]> {
  const jobs = await db.importJob.findMany({
    where: {
      caseId,
      kind: "USAGE",
      status: "COMMITTED",
      evidence: { deletedAt: null, privileged: false, ...visibleItemWhere({ orgId }) },
    },
    select: { id: true },
  });
  return jobs.map((j) => j.id);
}

/**
 * usageImportIdsFor as SQL, for queries over many cases at once (the summary): the loaded usage
 * imports (`id`, `caseId`) whose evidence the organisation may see. The summary test checks
 * that the two agree.
 */
export function usageImportsSql(orgId: string): Prisma.Sql {
  return Prisma.sql`SELECT j.id, j."caseId" FROM "ImportJob" j JOIN "Evidence" ev ON ev.id = j."evidenceId"
    WHERE j.kind = 'USAGE' AND j.status = 'COMMITTED' AND ev."deletedAt" IS NULL AND NOT ev.privileged
      AND ${visibleItemSql({ orgId }, "ev")}`;
}

/** Whether usage was loaded from the evidence item (then its visibility feeds the case's views). */
export async function hasLoadedUsage(
  evidenceId: string,
  db: Pick<Prisma.TransactionClient, "importJob"> = getDb(),
): Promise<boolean> {
  const job = await db.importJob.findFirst({
    where: { evidenceId, kind: "USAGE", status: "COMMITTED" },
    select: { id: true },
  });
  return job !== null;
}

/**
 * In the transaction that takes an evidence item carrying loaded usage out of some view: the
 * signals stored for those viewers were computed over it, so they go in the same commit, and no
 * one reads them in between or ever, should the refresh fail. `keep`: the organisation whose
 * signals stay (a release withdrawn keeps the owner's); null, no one's (an item flagged
 * privileged feeds no view). The refresh that follows the commit (refreshUsageAfterItemChange,
 * lib/usage/imports.ts) computes them again over what each may see.
 */
export async function forgetSignalsOver(
  tx: Prisma.TransactionClient,
  item: { id: string; caseId: string },
  keep: string | null,
): Promise<void> {
  if (!(await hasLoadedUsage(item.id, tx))) return;
  await tx.usageSignal.deleteMany({
    where: { caseId: item.caseId, ...(keep ? { viewerOrgId: { not: keep } } : {}) },
  });
}

export async function signalSettings(caseId: string): Promise<TSignalSettings> {
  const row = await getDb().usageSettings.findUnique({ where: { caseId }, select: { settings: true } });
  return ZSignalSettings.parse(row?.settings ?? {});
}

/** What a stored signal says (everything but its id, its case and viewer, its time and event). */
const SIGNAL_CONTENT = {
  rule: true,
  subject: true,
  accounts: true,
  score: true,
  summary: true,
  params: true,
  aggregates: true,
  samples: true,
  periodStart: true,
  periodEnd: true,
} as const;

/** True when both sets say the same, in any order (dates and JSON compared as their JSON text). */
function sameContent(stored: object[], computed: object[]): boolean {
  const texts = (set: object[]) =>
    set.map((s) => canonical(JSON.parse(JSON.stringify({ ...s, id: undefined, timelineEventId: undefined })))).sort();
  const [a, b] = [texts(stored), texts(computed)];
  return a.length === b.length && a.every((text, i) => text === b[i]);
}

/**
 * Recomputes the case's signals for each of its organisations, over what that organisation may
 * see (and the account groups its accepted links cluster, `clusters` by organisation), and
 * replaces its stored set in one transaction. While the same rule still fires for the same
 * subject, a signal keeps its id and the timeline event it was turned into.
 */
export async function refreshSignals(caseId: string, clusters = new Map<string, string[][]>()): Promise<void> {
  const db = getDb();
  const kase = await db.case.findUnique({
    where: { id: caseId },
    select: { ownerOrgId: true, sharedWith: { select: { orgId: true } } },
  });
  if (!kase) return;
  const settings = await signalSettings(caseId);
  // Organisations that see the same imports and cluster the same accounts get the same signals:
  // computed once for them.
  const computed = new Map<string, [TSignal[], TUsageSample[][]]>();
  for (const orgId of [kase.ownerOrgId, ...kase.sharedWith.map((s) => s.orgId)]) {
    const scope = { caseId, importIds: await usageImportIdsFor(orgId, caseId), linked: clusters.get(orgId) ?? [] };
    // Everything the computation reads: the case and its settings are the same for all.
    const key = JSON.stringify([[...scope.importIds].sort(), scope.linked]);
    if (!computed.has(key)) {
      const found = await computeSignals(scope, settings);
      computed.set(key, [found, await Promise.all(found.map((s) => sampleRows(scope, s.accounts, s.from, s.to)))]);
    }
    const [signals, samples] = computed.get(key)!;
    const rows = signals.map((s, i) => ({
      rule: s.rule,
      subject: s.subject,
      accounts: s.accounts,
      score: s.score,
      summary: s.summary,
      params: s.params,
      aggregates: s.aggregates as Prisma.InputJsonObject,
      samples: samples[i]!,
      periodStart: s.from,
      periodEnd: s.to,
    }));
    await db.$transaction(async (tx) => {
      const stored = await tx.usageSignal.findMany({
        where: { caseId, viewerOrgId: orgId },
        select: { ...SIGNAL_CONTENT, id: true, timelineEventId: true },
      });
      // Unchanged for this organisation (another's import came or went): left as they are, ids
      // and computedAt included, which would otherwise tell it when the other worked.
      if (sameContent(stored, rows)) return;
      // The same rule firing for the same subject is the same signal: it keeps its timeline event
      // and its id (a link to its rows, `signal=<id>`, still opens them, with its accounts as
      // they are now). An id goes to the first such signal only.
      const same = (s: { rule: string; subject: string }) => `${s.rule}\0${s.subject}`;
      const before = new Map(stored.map((s) => [same(s), s]));
      const taken = new Set<string>();
      await tx.usageSignal.deleteMany({ where: { caseId, viewerOrgId: orgId } });
      await tx.usageSignal.createMany({
        data: rows.map((row) => {
          const was = before.get(same(row));
          const id = was && !taken.has(was.id) ? was.id : undefined;
          if (id) taken.add(id);
          return { ...row, id, caseId, viewerOrgId: orgId, timelineEventId: was?.timelineEventId ?? null };
        }),
      });
    });
  }
}
