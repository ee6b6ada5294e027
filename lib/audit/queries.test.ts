import { describe, expect, it } from "vitest";
import { getDb, Prisma } from "@/lib/db";
import { seal } from "@/lib/auth/sealed";
import { recordAudit } from "@/lib/audit/record";
import { auditCursor, listAuditEvents, parseAuditFilters, queryAuditEvents } from "@/lib/audit/queries";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { createCase, createOrg, createUser, uid } from "@/tests/helpers/factories";

// Other files append audit rows in parallel: every query here is narrowed to a unique action prefix.
async function scenario() {
  const org = await createOrg();
  const admin = await createUser({ orgId: org.id, role: "ADMIN" });
  const investigator = await createUser({ orgId: org.id, role: "INVESTIGATOR" });
  const kase = await createCase({
    ownerOrgId: org.id,
    createdById: investigator.id,
    members: [{ userId: investigator.id, role: "INVESTIGATOR" }],
  });
  const prefix = `test.q${uid()}.`;
  await recordAudit({
    actorId: admin.id,
    action: `${prefix}user.disabled`,
    targetType: "user",
    targetId: investigator.id,
  });
  await recordAudit({
    actorId: investigator.id,
    action: `${prefix}case.read`,
    targetType: "case",
    targetId: kase.id,
    caseId: kase.id,
    scope: "case",
  });
  await recordAudit({
    actorId: investigator.id,
    action: `${prefix}case.update`,
    targetType: "case",
    targetId: kase.id,
    caseId: kase.id,
    scope: "case",
    ip: "192.0.2.7",
  });
  await recordAudit({
    actorId: null,
    action: `${prefix}system.tick`,
    targetType: "job",
    caseId: kase.id,
    scope: "case",
  });
  return { org, admin, investigator, kase, prefix };
}

const actions = (page: { rows: { action: string }[] }, prefix: string) =>
  page.rows.map((r) => r.action.slice(prefix.length));

describe("listAuditEvents", () => {
  it("lists events newest first, with the actor's name and email and no chain hashes", async () => {
    const { admin, investigator, kase, prefix } = await scenario();
    const page = await listAuditEvents(admin, { action: prefix });
    expect(actions(page, prefix)).toEqual(["system.tick", "case.update", "case.read", "user.disabled"]);
    expect(page.nextCursor).toBeNull();
    const [system, update] = page.rows;
    expect(system).toMatchObject({ actor: null, actorId: null });
    expect(update).toMatchObject({
      actor: { id: investigator.id, name: investigator.name, email: investigator.email },
      caseId: kase.id,
      caseNumber: kase.number,
      ip: "192.0.2.7",
    });
    expect(update).not.toHaveProperty("hash");
    expect(update).not.toHaveProperty("prevHash");
  });

  it.each(["INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const)("does not exist for %s", async (role) => {
    const org = await createOrg();
    const user = await createUser({ orgId: org.id, role });
    await expect(listAuditEvents(user, {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it("filters by action prefix, actor id or email, case and day", async () => {
    const { admin, investigator, kase, prefix } = await scenario();
    const list = (filters: Parameters<typeof listAuditEvents>[1]) =>
      listAuditEvents(admin, { action: prefix, ...filters }).then((p) => actions(p, prefix));

    expect(await list({ action: `${prefix}case.` })).toEqual(["case.update", "case.read"]);
    expect(await list({ actor: investigator.id })).toEqual(["case.update", "case.read"]);
    expect(await list({ actor: admin.email.toUpperCase() })).toEqual(["user.disabled"]);
    expect(await list({ actor: "nobody@test.example" })).toEqual([]);
    expect(await list({ caseId: kase.id })).toEqual(["system.tick", "case.update", "case.read"]);
    // By the case's number as people quote it, in any case; a number no case has matches nothing.
    const { filters, ignored } = parseAuditFilters({ caseId: ` ${kase.number.toLowerCase()} ` });
    expect([filters.caseId, ignored]).toEqual([kase.number, []]);
    expect(await list(filters)).toEqual(["system.tick", "case.update", "case.read"]);
    expect(await list({ caseId: "CB-1999-ZZZZZZ" })).toEqual([]);
    expect(parseAuditFilters({ caseId: "case 12" })).toEqual({
      filters: {},
      ignored: ["caseId"],
      typed: { caseId: "case 12" },
    });

    const [newest] = (await listAuditEvents(admin, { action: prefix })).rows;
    const day = newest!.occurredAt.toISOString().slice(0, 10);
    const dayAfter = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    const dayBefore = new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10);
    expect(await list({ from: day, to: day })).toContain("system.tick");
    expect(await list({ from: dayAfter })).toEqual([]);
    expect(await list({ to: dayBefore })).toEqual([]);
  });

  it("pages through every row exactly once", async () => {
    const org = await createOrg();
    const admin = await createUser({ orgId: org.id, role: "ADMIN" });
    const prefix = `test.page${uid()}.`;
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        recordAudit({ actorId: admin.id, action: `${prefix}${i}`, targetType: "test" }),
      ),
    );

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(admin, { action: prefix, cursor });
      sizes.push(page.rows.length);
      seen.push(...page.rows.map((r) => r.action));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([50, 50, 20]);
    expect(new Set(seen).size).toBe(120);
    const newestFirst = await getDb().auditEvent.findMany({
      where: { action: { startsWith: prefix } },
      orderBy: { id: "desc" },
      select: { action: true },
    });
    expect(seen).toEqual(newestFirst.map((r) => r.action));
  });

  it("shows of an old Verify chain row only what an admin is told today, not the chain's size", async () => {
    const admin = await createUser({ orgId: (await createOrg()).id, role: "ADMIN" });
    const details = { ok: false, checked: 41_210, firstBrokenId: "41211", reason: "chain_broken" };
    await recordAudit({ actorId: admin.id, action: "audit.verify", targetType: "audit_log", details });
    const { rows } = await listAuditEvents(admin, { action: "audit.verify", actor: admin.id });
    expect(rows.map((row) => row.details)).toEqual([{ ok: false, reason: "chain_broken" }]);
  });

  it("hands out page links that show no row id, and refuses forged or foreign ones", async () => {
    const org = await createOrg();
    const admin = await createUser({ orgId: org.id, role: "ADMIN" });
    const prefix = `test.cursor${uid()}.`;
    for (let i = 0; i < 51; i++) await recordAudit({ actorId: admin.id, action: `${prefix}${i}`, targetType: "test" });
    const first = await listAuditEvents(admin, { action: prefix });
    const cursor = first.nextCursor!;
    const [lastRow] = await getDb().auditEvent.findMany({
      where: { action: `${prefix}1` },
      select: { id: true },
    });
    expect(cursor).not.toContain(lastRow!.id.toString());
    // Of one length whatever the id: a sealed text is as long as its plain one.
    expect(auditCursor(1n).length).toBe(cursor.length);
    expect(auditCursor(9_223_372_036_854_775_807n).length).toBe(cursor.length);
    expect(first.rows.filter((row) => "id" in row)).toEqual([]);
    expect((await listAuditEvents(admin, { action: prefix, cursor })).rows.map((r) => r.action)).toEqual([
      `${prefix}0`,
    ]);

    const [iv, tag, body] = cursor.split(".");
    const bytes = Buffer.from(body!, "base64url");
    bytes[0]! ^= 1; // one bit of the sealed id changed
    const flipped = `${iv}.${tag}.${bytes.toString("base64url")}`;
    // The same bytes written otherwise: base64url's last character carries bits the decoder drops.
    const lastBits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = lastBits.indexOf(body!.at(-1)!);
    const respelled = `${iv}.${tag}.${body!.slice(0, -1)}${lastBits[last ^ 1]}`;
    const shortTag = `${iv}.${tag!.slice(0, 6)}.${body}`; // 4 bytes of tag: GCM alone would try it
    for (const forged of [
      flipped,
      respelled,
      shortTag,
      lastRow!.id.toString(),
      seal("mfa", lastRow!.id.toString()),
      `${cursor}.x`,
    ]) {
      await expect(listAuditEvents(admin, { action: prefix, cursor: forged })).rejects.toBeInstanceOf(ValidationError);
      // From a URL, such a link is dropped and named, as any invalid filter: the newest page shows.
      expect(parseAuditFilters({ cursor: forged })).toEqual({
        filters: {},
        ignored: ["cursor"],
        typed: { cursor: forged },
      });
    }
    expect(parseAuditFilters({ cursor }).filters).toEqual({ cursor });
  });
});

describe("queryAuditEvents", () => {
  it("gives a case member that case's events, narrowed by an extra where (the Activity tab)", async () => {
    const { investigator, kase, prefix } = await scenario();
    const page = await queryAuditEvents(investigator, {
      caseId: kase.id,
      filters: { action: prefix },
      where: Prisma.sql`a.action <> ${`${prefix}case.read`}`,
    });
    expect(actions(page, prefix)).toEqual(["system.tick", "case.update"]);
  });

  it("cannot be widened beyond the case by the extra where", async () => {
    const { investigator, kase, prefix } = await scenario();
    const page = await queryAuditEvents(investigator, {
      caseId: kase.id,
      filters: { action: prefix },
      where: Prisma.sql`(a."caseId" IS NULL OR a."actorId" IS NOT NULL)`,
    });
    expect(actions(page, prefix)).toEqual(["case.update", "case.read"]);
  });

  it("is NotFound to non-members of the case, admins included, and without a case", async () => {
    const { org, admin, investigator, kase } = await scenario();
    const outsider = await createUser({ orgId: org.id, role: "INVESTIGATOR" });
    await expect(queryAuditEvents(outsider, { caseId: kase.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(queryAuditEvents(admin, { caseId: kase.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(queryAuditEvents(investigator, { caseId: undefined })).rejects.toBeInstanceOf(NotFoundError);
    await expect(queryAuditEvents(investigator, { caseId: "not-a-uuid" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("masks secret-looking keys in details, keeping ordinary ones", async () => {
    const prefix = `test.secret${uid()}.`;
    const details = {
      password: "hunter2",
      tokenHash: "abc",
      nested: { api_key: "k", inputTokens: 12 },
      fields: ["title"],
    };
    const org = await createOrg();
    const admin = await createUser({ orgId: org.id, role: "ADMIN" });
    await recordAudit({ actorId: admin.id, action: `${prefix}x`, targetType: "test", details });
    const [row] = (await listAuditEvents(admin, { action: prefix })).rows;
    expect(row!.details).toEqual({
      password: "[redacted]",
      tokenHash: "[redacted]",
      nested: { api_key: "[redacted]", inputTokens: 12 },
      fields: ["title"],
    });
  });
});

describe("the admin audit log, from both organisations", () => {
  /** A case owned by one organisation and shared with another, each with an admin and people. */
  async function world(tlp: "AMBER" | "RED" = "AMBER") {
    const [owner, partner] = [await createOrg(), await createOrg()];
    const [ownerAdmin, partnerAdmin] = [
      await createUser({ orgId: owner.id, role: "ADMIN" }),
      await createUser({ orgId: partner.id, role: "ADMIN" }),
    ];
    const [ownerLead, partnerInv] = [
      await createUser({ orgId: owner.id, role: "INVESTIGATOR" }),
      await createUser({ orgId: partner.id, role: "INVESTIGATOR" }),
    ];
    const kase = await createCase({
      ownerOrgId: owner.id,
      createdById: ownerLead.id,
      tlp,
      sharedOrgIds: [partner.id],
      members: [
        { userId: ownerLead.id, role: "LEAD" },
        { userId: partnerInv.id, role: "INVESTIGATOR" },
      ],
    });
    const prefix = `test.orgs${uid()}.`;
    const write = (actorId: string | null, action: string, extra: Partial<Parameters<typeof recordAudit>[0]> = {}) =>
      recordAudit({ actorId, action: `${prefix}${action}`, targetType: "test", ...extra } as Parameters<
        typeof recordAudit
      >[0]);
    await write(ownerLead.id, "shared_row", { caseId: kase.id, scope: "case" });
    await write(ownerLead.id, "owner_private", { caseId: kase.id, scope: { org: owner.id } });
    await write(partnerInv.id, "partner_private", { caseId: kase.id, scope: { org: partner.id } });
    await write(ownerAdmin.id, "owner_user_change");
    await write(partnerAdmin.id, "partner_user_change");
    await write(null, "platform_event");
    const seen = async (admin: typeof ownerAdmin) =>
      actions(await listAuditEvents(admin, { action: prefix }), prefix).sort();
    return { ownerAdmin, partnerAdmin, seen };
  }

  it("each admin sees their own people's rows and the shared case's rows, never the other's private ones", async () => {
    const { ownerAdmin, partnerAdmin, seen } = await world();
    expect(await seen(ownerAdmin)).toEqual(["owner_private", "owner_user_change", "shared_row"]);
    expect(await seen(partnerAdmin)).toEqual(["partner_private", "partner_user_change", "shared_row"]);
  });

  it("a TLP:RED case of the other organisation does not appear in the partner admin's log at all", async () => {
    const { ownerAdmin, partnerAdmin, seen } = await world("RED");
    expect(await seen(ownerAdmin)).toEqual(["owner_private", "owner_user_change", "shared_row"]);
    // The partner's own people's rows stay theirs; nothing of the owner's in the RED case shows.
    expect(await seen(partnerAdmin)).toEqual(["partner_private", "partner_user_change"]);
  });

  it("an admin of an organisation outside the case sees none of it", async () => {
    const { seen } = await world();
    const outsider = await createUser({ orgId: (await createOrg()).id, role: "ADMIN" });
    expect(await seen(outsider)).toEqual([]);
  });
});

describe("parseAuditFilters", () => {
  it("keeps valid filters and names the invalid ones", () => {
    const { filters, ignored } = parseAuditFilters({
      action: [" case. ", "x"],
      caseId: "not-a-uuid",
      from: "2026-02-30",
      to: "2026-02-01",
      actor: "",
      cursor: "12", // a bare row id is no page link
    });
    expect(parseAuditFilters({ from: "2026-13-45", to: "tomorrow" }).ignored).toEqual(["from", "to"]);
    expect(filters).toEqual({ action: "case.", to: "2026-02-01" });
    expect(ignored.sort()).toEqual(["caseId", "cursor", "from"]);
  });
});
