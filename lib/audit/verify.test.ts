import { describe, expect, it } from "vitest";
import { getDb, type Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { listAuditEvents } from "@/lib/audit/queries";
import { verifyAuditChain, verifyAuditChainAs } from "@/lib/audit/verify";
import { NotFoundError } from "@/lib/errors";
import { createOrg, createUser, uid } from "@/tests/helpers/factories";

// Every whole-chain test lives in this one file: the tamper tests break the shared database's
// chain for a moment, so nothing else may verify it in parallel. Other files keep appending
// rows meanwhile, which verification must tolerate.

const TRIGGER = "audit_event_no_update_or_delete";

/**
 * Rewrites history as a database superuser would. The trigger is disabled and re-enabled inside
 * one transaction: other sessions never see it off (the append-only test in record.test.ts runs
 * in parallel), and a failure rolls everything back.
 */
async function asSuperuser(sql: string, ...params: unknown[]): Promise<void> {
  await getDb().$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER ${TRIGGER}`);
      expect(await tx.$executeRawUnsafe(sql, ...params)).toBe(1);
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER ${TRIGGER}`);
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
}

/** Appends `count` rows of our own and returns them, oldest first. */
async function appendRows(count: number, actorId: string | null = null) {
  const tag = uid();
  for (let i = 0; i < count; i++) {
    await recordAudit({
      actorId,
      action: `test.verify.${i}`,
      targetType: "test",
      targetId: tag,
      details: { i, nested: { b: 1, a: [i] } },
    });
  }
  return getDb().auditEvent.findMany({ where: { targetId: tag }, orderBy: { id: "asc" } });
}

describe("verifyAuditChain", () => {
  it("verifies an intact chain up to its head, reporting progress", async () => {
    await appendRows(5);
    const progress: number[] = [];
    const result = await verifyAuditChain({ batchSize: 3, onProgress: ({ checked }) => progress.push(checked) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.checked).toBeGreaterThanOrEqual(5);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(result.checked);
    const head = await getDb().auditEvent.findUniqueOrThrow({ where: { id: BigInt(result.headId!) } });
    expect(result.headHash).toBe(head.hash);
  });

  it("tolerates rows appended while it walks", async () => {
    const tag = uid();
    const writes = Array.from({ length: 30 }, (_, i) =>
      recordAudit({ actorId: null, action: "test.verify.during", targetType: "test", targetId: `${tag}-${i}` }),
    );
    const [result] = await Promise.all([verifyAuditChain({ batchSize: 2 }), ...writes]);
    expect(result.ok).toBe(true);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("reports an edited row as content_modified at its id", async () => {
    const admin = await createUser({ orgId: (await createOrg()).id, role: "ADMIN" });
    const [, victim] = await appendRows(3, admin.id); // rows of the admin's own: in their log
    await asSuperuser(`UPDATE "AuditEvent" SET action = 'test.verify.rewritten' WHERE id = $1`, victim!.id);
    try {
      const result = await verifyAuditChain({ batchSize: 50 });
      expect(result).toMatchObject({ ok: false, firstBrokenId: victim!.id.toString(), reason: "content_modified" });
      // The admin is told when, and gets a page link, not the row's id.
      const view = await verifyAuditChainAs(admin);
      expect(view).toEqual({
        ok: false,
        reason: "content_modified",
        brokenAt: victim!.occurredAt,
        cursor: expect.any(String),
      });
      // The link opens the admin's log at the broken row.
      const page = await listAuditEvents(admin, { cursor: view.ok ? undefined : view.cursor });
      expect(page.rows[0]).toMatchObject({ action: "test.verify.rewritten", occurredAt: victim!.occurredAt });
    } finally {
      await asSuperuser(`UPDATE "AuditEvent" SET action = $1 WHERE id = $2`, victim!.action, victim!.id);
    }
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("reports a deleted row as chain_broken at the row after it", async () => {
    const [, victim] = await appendRows(3);
    await asSuperuser(`DELETE FROM "AuditEvent" WHERE id = $1`, victim!.id);
    try {
      const next = await getDb().auditEvent.findFirstOrThrow({
        where: { id: { gt: victim!.id } },
        orderBy: { id: "asc" },
      });
      const result = await verifyAuditChain({ batchSize: 50 });
      expect(result).toMatchObject({ ok: false, firstBrokenId: next.id.toString(), reason: "chain_broken" });
    } finally {
      // The identical row (same id, every column); inserting is allowed even with the trigger on.
      await getDb().auditEvent.create({ data: { ...victim!, details: victim!.details as Prisma.InputJsonValue } });
    }
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("keeps one unforked chain under 200 concurrent writers", async () => {
    const tag = uid();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        recordAudit({
          actorId: null,
          action: "test.verify.concurrent",
          targetType: "test",
          targetId: tag,
          details: { i },
        }),
      ),
    );
    expect(await getDb().auditEvent.count({ where: { targetId: tag } })).toBe(200);
    expect((await verifyAuditChain()).ok).toBe(true);
    const forks = await getDb().$queryRaw<{ prevHash: string }[]>`
      SELECT "prevHash" FROM "AuditEvent" GROUP BY "prevHash" HAVING count(*) > 1`;
    expect(forks).toEqual([]);
  });
});

describe("verifyAuditChainAs", () => {
  it("lets an admin verify, and audits the run with its outcome", async () => {
    const org = await createOrg();
    const admin = await createUser({ orgId: org.id, role: "ADMIN" });
    const result = await verifyAuditChainAs(admin);
    // Neither a count nor an id: the chain holds the other organisation's rows too.
    expect(result).toEqual({ ok: true, headHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const run = await getDb().auditEvent.findFirstOrThrow({ where: { actorId: admin.id, action: "audit.verify" } });
    expect(run.details).toEqual(result);
  });

  it.each(["INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const)("is NotFound to %s", async (role) => {
    const org = await createOrg();
    const user = await createUser({ orgId: org.id, role });
    await expect(verifyAuditChainAs(user)).rejects.toBeInstanceOf(NotFoundError);
  });
});
