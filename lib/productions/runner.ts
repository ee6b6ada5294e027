import "server-only";
import { getDb, type Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { failureMessage, STALE_MS } from "@/lib/jobs/job";
import { buildBundle } from "@/lib/productions/bundle";
import { privilegeLog, scopedEvidence } from "@/lib/productions/content";
import { ZStartProduction, type TProductionOptions, type TProductionScope } from "@/lib/productions/schemas";

// The production job, on the import jobs' machinery (lib/jobs/job.ts): claimed by stamping
// heartbeatAt, progress written throttled outside any transaction, a run whose heartbeat is
// older than STALE_MS taken over by the next status poll.
//
// Bates numbers are per producing organisation and prefix: one organisation's productions never
// wait for, conflict with or reveal the other's. An organisation's productions sharing a prefix
// run one at a time: the claim, under a transaction-scoped advisory lock on (organisation,
// prefix), refuses while another of them is RUNNING with a fresh heartbeat (the caller waits
// and tries again). So the running one may read its organisation's counter at its start, number
// its natives last + 1 onwards, and write the counter in the same transaction that marks it
// COMPLETE: two concurrent exports get disjoint contiguous ranges, and a failed one consumes no
// number. No transaction stays open during the build (the embedded database serialises open
// transactions).

const PROGRESS_MS = 500;
const HEARTBEAT_MS = 10_000;
const WAIT_MS = 1_000;

type TClaim = { id: string; attempt: number } | "busy" | null;

const batesLock = (tx: Prisma.TransactionClient, orgId: string, prefix: string) =>
  tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`bates:${orgId}:${prefix}`}, 0))`;

async function claim(productionId: string): Promise<TClaim> {
  return getDb().$transaction(async (tx) => {
    // FOR UPDATE: two claims at once (the start action and a status poll) queue here, and the
    // second sees the first's RUNNING with a fresh heartbeat instead of a QUEUED it would take too.
    const [p] = await tx.$queryRaw<
      { status: string; orgId: string; batesPrefix: string; heartbeatAt: Date | null; deletedAt: Date | null }[]
    >`SELECT status::text AS status, "orgId", "batesPrefix", "heartbeatAt", "deletedAt"
      FROM "Production" WHERE id = ${productionId}::uuid FOR UPDATE`;
    if (!p || p.deletedAt) return null;
    const stale = !p.heartbeatAt || Date.now() - p.heartbeatAt.getTime() > STALE_MS;
    if (!(p.status === "QUEUED" || (p.status === "RUNNING" && stale))) return null;
    await batesLock(tx, p.orgId, p.batesPrefix);
    const busy = await tx.production.count({
      where: {
        id: { not: productionId },
        orgId: p.orgId,
        batesPrefix: p.batesPrefix,
        status: "RUNNING",
        heartbeatAt: { gt: new Date(Date.now() - STALE_MS) },
      },
    });
    if (busy > 0) return "busy";
    const claimed = await tx.production.update({
      where: { id: productionId },
      data: { status: "RUNNING", heartbeatAt: new Date(), attempts: { increment: 1 }, error: null },
      select: { attempts: true },
    });
    return { id: productionId, attempt: claimed.attempts };
  });
}

/** Runs a queued production (or one whose runner died); waits while its organisation runs another of the prefix. */
export async function runProduction(productionId: string): Promise<void> {
  let claimed = await claim(productionId);
  while (claimed === "busy") {
    await new Promise((r) => setTimeout(r, WAIT_MS));
    claimed = await claim(productionId);
  }
  if (!claimed) return;
  const mine = { id: productionId, attempts: claimed.attempt };
  const heartbeat = setInterval(() => {
    void getDb()
      .production.updateMany({ where: { ...mine, status: "RUNNING" }, data: { heartbeatAt: new Date() } })
      .catch((e: unknown) => console.error("[production] heartbeat failed:", e));
  }, HEARTBEAT_MS);
  try {
    await produce(mine);
  } catch (error) {
    console.error(`[production] ${productionId} failed:`, error);
    await getDb().production.updateMany({
      where: { ...mine, status: "RUNNING" },
      data: { status: "FAILED", heartbeatAt: null, error: failureMessage(error) },
    });
  } finally {
    clearInterval(heartbeat);
  }
}

async function produce(mine: { id: string; attempts: number }): Promise<void> {
  const db = getDb();
  const p = await db.production.findUniqueOrThrow({ where: { id: mine.id } });
  const options = p.options as unknown as TProductionOptions;
  const scope = ZStartProduction.shape.scope.parse(p.scope) as TProductionScope;
  const [user, c] = await Promise.all([
    db.user.findUniqueOrThrow({
      where: { id: p.createdById },
      select: { id: true, name: true, orgId: true, org: { select: { name: true } } },
    }),
    db.case.findUniqueOrThrow({
      where: { id: p.caseId },
      select: {
        id: true,
        number: true,
        title: true,
        summary: true,
        status: true,
        severity: true,
        tlp: true,
        ownerOrgId: true,
        ownerOrg: { select: { name: true } },
        sharedWith: { select: { org: { select: { id: true, name: true } } } },
        members: { select: { role: true, user: { select: { name: true, orgId: true } } }, orderBy: { addedAt: "asc" } },
      },
    }),
  ]);
  const producer = { id: user.id, orgId: p.orgId, name: user.name, orgName: user.org.name };
  const evidence = await scopedEvidence(producer, p.caseId, scope);
  const produced = evidence.filter((e) => !e.privileged);
  const withheld = await privilegeLog(producer, p.caseId, scope, evidence);
  const counterKey = { orgId_prefix: { orgId: p.orgId, prefix: p.batesPrefix } };
  const counter = await db.batesCounter.findUnique({ where: counterKey });
  const batesStart = Math.max(options.requestedStart, (counter?.last ?? 0) + 1);
  const bytesTotal = produced.reduce((s, e) => s + e.size, 0);
  await db.production.updateMany({
    where: { ...mine, status: "RUNNING" },
    data: { itemsTotal: produced.length, bytesTotal, itemsDone: 0, bytesDone: 0 },
  });
  let last = 0;
  const onProgress = (items: number, bytes: number) => {
    const now = Date.now();
    if (now - last < PROGRESS_MS && items < produced.length) return;
    last = now;
    void db.production
      .updateMany({
        where: { ...mine, status: "RUNNING" },
        data: { itemsDone: items, bytesDone: bytes, heartbeatAt: new Date() },
      })
      .catch((e: unknown) => console.error("[production] progress update failed:", e));
  };
  const orgs = [
    { id: c.ownerOrgId, name: c.ownerOrg.name, role: "Owner" },
    ...c.sharedWith.map((s) => ({ ...s.org, role: "Partner" })),
  ];
  const bundle = await buildBundle({
    producer,
    productionId: p.id,
    generatedAt: p.createdAt,
    receivingParty: p.receivingParty,
    legalHold: p.legalHold,
    scope,
    case: {
      ...c,
      parties: orgs.map((o) => ({
        org: o.name,
        role: o.role,
        people: c.members
          .filter((m) => m.user.orgId === o.id)
          .map((m) => `${m.user.name} (${m.role.toLowerCase().replace("_", " ")})`),
      })),
    },
    produced,
    withheld,
    batesPrefix: p.batesPrefix,
    batesStart,
    delimiters: options.delimiters,
    onProgress,
  });
  await bundle.staged.commit();
  const batesEnd = bundle.batesEnd;
  await db.$transaction(async (tx) => {
    await batesLock(tx, p.orgId, p.batesPrefix);
    const now = await tx.batesCounter.findUnique({ where: counterKey });
    if (batesEnd !== null && (now?.last ?? 0) >= batesStart)
      throw new Error(`Bates numbers from ${batesStart} were taken by another production meanwhile; export again.`);
    if (batesEnd !== null)
      await tx.batesCounter.upsert({
        where: counterKey,
        create: { orgId: p.orgId, prefix: p.batesPrefix, last: batesEnd },
        update: { last: batesEnd },
      });
    const { count } = await tx.production.updateMany({
      where: { ...mine, status: "RUNNING" },
      data: {
        status: "COMPLETE",
        batesStart: batesEnd === null ? null : batesStart,
        batesEnd,
        itemsDone: produced.length,
        bytesDone: bytesTotal,
        size: bundle.staged.size,
        sha256: bundle.staged.sha256,
        completedAt: new Date(),
        heartbeatAt: null,
        options: { ...options, producedIds: produced.map((e) => e.id), withheld: withheld.length } as object,
      },
    });
    if (count === 0) throw new Error("Another runner took this production over; its result stands.");
    await recordAudit(
      {
        actorId: p.createdById,
        action: "production.completed",
        targetType: "production",
        targetId: p.id,
        caseId: p.caseId,
        ip: null,
        userAgent: null,
        scope: { org: p.orgId },
        details: {
          sha256: bundle.staged.sha256,
          size: bundle.staged.size,
          batesStart,
          batesEnd,
          natives: produced.length,
          withheld: withheld.length,
        },
      },
      tx,
    );
  });
}
