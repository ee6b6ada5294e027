import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { hashAuditEvent } from "@/lib/audit/hash";
import { uid } from "@/tests/helpers/factories";

describe("audit log", () => {
  it("chains each row to the one before it", async () => {
    const tag = uid();
    await recordAudit({
      actorId: null,
      action: "test.one",
      targetType: "test",
      targetId: tag,
      details: { b: 2, a: 1 },
    });
    await recordAudit({ actorId: null, action: "test.two", targetType: "test", targetId: tag });
    const [first, second] = await getDb().auditEvent.findMany({ where: { targetId: tag }, orderBy: { id: "asc" } });
    const before = await getDb().auditEvent.findFirst({ where: { id: { lt: second!.id } }, orderBy: { id: "desc" } });
    expect(second!.prevHash).toBe(before!.hash);
    expect(first!.hash).toBe(hashAuditEvent(first!.prevHash, { ...first!, details: first!.details }));
  });

  it("hashes details exactly as stored, so non-JSON values like dates still verify", async () => {
    const tag = uid();
    await recordAudit({
      actorId: null,
      action: "test.date",
      targetType: "test",
      targetId: tag,
      details: { at: new Date(0), skip: undefined },
    });
    const row = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: tag } });
    expect(row.details).toEqual({ at: "1970-01-01T00:00:00.000Z" });
    expect(row.hash).toBe(hashAuditEvent(row.prevHash, row));
  });

  it("hashes objects independently of key order (jsonb reorders keys)", () => {
    const base = {
      occurredAt: new Date(0),
      actorId: null,
      action: "a",
      targetType: "t",
      targetId: null,
      caseId: null,
      ip: null,
      userAgent: null,
    };
    expect(hashAuditEvent("x", { ...base, details: { a: 1, b: [1, { d: 1, c: 2 }] } })).toBe(
      hashAuditEvent("x", { ...base, details: { b: [1, { c: 2, d: 1 }], a: 1 } }),
    );
    expect(hashAuditEvent("x", { ...base, details: { a: 1 } })).not.toBe(
      hashAuditEvent("y", { ...base, details: { a: 1 } }),
    );
  });

  it("is append-only in the database itself", async () => {
    const tag = uid();
    await recordAudit({ actorId: null, action: "test.immutable", targetType: "test", targetId: tag });
    const row = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: tag } });
    await expect(
      getDb().auditEvent.update({ where: { id: row.id }, data: { action: "test.rewritten" } }),
    ).rejects.toThrow(/append-only/);
    await expect(getDb().auditEvent.delete({ where: { id: row.id } })).rejects.toThrow(/append-only/);
    await expect(getDb().$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    expect((await getDb().auditEvent.findUniqueOrThrow({ where: { id: row.id } })).action).toBe("test.immutable");
  });
});
