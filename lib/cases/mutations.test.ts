import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import {
  addMember,
  createCase,
  removeMember,
  setCaseStatus,
  setLegalHold,
  shareCase,
  unshareCase,
  updateCase,
} from "@/lib/cases/mutations";
import { CASE_NUMBER } from "@/lib/cases/numbers";
import { getCaseOverview } from "@/lib/cases/queries";
import { TITLE_MAX } from "@/lib/cases/schemas";
import { createJointCase, createOrg, createUser } from "@/tests/helpers/factories";

const VALID = { title: "Key rotation ring", summary: "", severity: "HIGH", tlp: "AMBER", releaseMode: "DIRECT" };
const caseRow = (id: string) =>
  getDb().case.findUniqueOrThrow({ where: { id }, include: { members: true, sharedWith: true } });

describe("opening a case", () => {
  it("gives each case a random number of the year, so no number counts the cases before it", async () => {
    const [mine, theirs] = [await createOrg(), await createOrg()];
    const me = await createUser({ orgId: mine.id, role: "INVESTIGATOR" });
    const them = await createUser({ orgId: theirs.id, role: "INVESTIGATOR" });
    const numbers = [];
    for (const user of [me, me, them, them, them, me]) numbers.push((await createCase(user, VALID)).number);
    const shape = new RegExp(`^CB-${new Date().getUTCFullYear()}-[2-9A-HJKMNP-TV-Z]{6}$`);
    expect(numbers.filter((n) => !shape.test(n))).toEqual([]);
    // As the audit log's case filter reads a number typed in.
    expect(numbers.filter((n) => !CASE_NUMBER.test(n) || !CASE_NUMBER.test(n.toLowerCase()))).toEqual([]);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it("an investigator opens one, owned by their organisation, as its lead, with its number", async () => {
    const org = await createOrg();
    const user = await createUser({ orgId: org.id, role: "INVESTIGATOR" });
    const { id, number } = await createCase(user, VALID);
    const row = await caseRow(id);
    expect(number).toMatch(/^CB-\d{4}-[2-9A-Z]{6}$/);
    expect(row).toMatchObject({ ownerOrgId: org.id, title: VALID.title, version: 1 });
    expect(row.members).toEqual([expect.objectContaining({ userId: user.id, role: "LEAD" })]);
  });

  it.each(["LEGAL", "EXECUTIVE", "ADMIN"] as const)("a %s user may not open cases", async (role) => {
    const org = await createOrg();
    const user = await createUser({ orgId: org.id, role });
    await expect(createCase(user, VALID)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await getDb().case.count({ where: { createdById: user.id } })).toBe(0);
  });

  it.each([
    ["an empty title", { title: "  " }],
    ["an over-long title", { title: "x".repeat(TITLE_MAX + 1) }],
    ["an unknown severity", { severity: "APOCALYPTIC" }],
    ["an unknown TLP", { tlp: "PURPLE" }],
    ["a wrong type", { title: 42 }],
  ])("rejects %s with a field message and writes nothing", async (_label, patch) => {
    const org = await createOrg();
    const user = await createUser({ orgId: org.id });
    const error = await createCase(user, { ...VALID, ...patch }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(Object.keys((error as ValidationError).fieldErrors ?? {})).toEqual([Object.keys(patch)[0]]);
    expect(await getDb().case.count({ where: { createdById: user.id } })).toBe(0);
  });
});

describe("editing a case", () => {
  it("a lead edits; a stale version conflicts and changes nothing", async () => {
    const w = await createJointCase();
    await updateCase(w.lead, w.caseId, { ...VALID, version: 1, title: "First edit" });
    await expect(
      updateCase(w.lead, w.caseId, { ...VALID, version: 1, title: "Edit from a stale tab" }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await caseRow(w.caseId)).toMatchObject({ title: "First edit", version: 2 });
  });

  it("an investigator may not edit, a non-member gets 404, a malformed id 404", async () => {
    const w = await createJointCase();
    await expect(updateCase(w.investigator, w.caseId, { ...VALID, version: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateCase(w.outsider, w.caseId, { ...VALID, version: 1 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateCase(w.lead, "../../etc/passwd", { ...VALID, version: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await caseRow(w.caseId)).version).toBe(1);
  });

  it("status and legal hold are lead actions, versioned and audited", async () => {
    const w = await createJointCase();
    await setCaseStatus(w.lead, w.caseId, { version: 1, status: "ON_HOLD" });
    await setLegalHold(w.lead, w.caseId, { version: 2, legalHold: "on" });
    await expect(setLegalHold(w.lead, w.caseId, { version: 2, legalHold: "off" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(setCaseStatus(w.lead, w.caseId, { version: 3, status: "DELETED" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await caseRow(w.caseId)).toMatchObject({ status: "ON_HOLD", legalHold: true, version: 3 });
    const actions = await getDb().auditEvent.findMany({
      where: { caseId: w.caseId },
      select: { action: true },
      orderBy: { id: "asc" },
    });
    expect(actions.map((a) => a.action)).toEqual(["case.status_changed", "case.legal_hold_set"]);
  });
});

describe("the partner organisation's lead", () => {
  it("may not change the owner's case itself: details, status, legal hold, sharing", async () => {
    const w = await createJointCase();
    const third = await createOrg();
    await expect(updateCase(w.partnerLead, w.caseId, { ...VALID, version: 1, tlp: "CLEAR" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(setCaseStatus(w.partnerLead, w.caseId, { version: 1, status: "CLOSED" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(setLegalHold(w.partnerLead, w.caseId, { version: 1, legalHold: "on" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(shareCase(w.partnerLead, w.caseId, { orgId: third.id })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await caseRow(w.caseId)).toMatchObject({ version: 1, status: "OPEN", legalHold: false, tlp: "AMBER" });
  });

  it("manages only their own organisation's members, and cannot remove the owner's lead", async () => {
    const w = await createJointCase();
    const colleague = await createUser({ orgId: w.partnerOrg.id });
    await addMember(w.partnerLead, w.caseId, { userId: colleague.id, role: "INVESTIGATOR" });
    await expect(addMember(w.partnerLead, w.caseId, { userId: w.outsider.id, role: "VIEWER" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(removeMember(w.partnerLead, w.caseId, { userId: w.lead.id })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await caseRow(w.caseId)).members.map((m) => m.userId)).toEqual(
      expect.arrayContaining([w.lead.id, colleague.id]),
    );
  });
});

describe("roles that no longer fit", () => {
  it("a lead later made an executive acts as a viewer on the case", async () => {
    const w = await createJointCase();
    await getDb().user.update({ where: { id: w.lead.id }, data: { role: "EXECUTIVE" } });
    const demoted = { ...w.lead, role: "EXECUTIVE" as const };
    await expect(updateCase(demoted, w.caseId, { ...VALID, version: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(addMember(demoted, w.caseId, { userId: w.outsider.id, role: "VIEWER" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect((await getCaseOverview(demoted, w.caseId)).id).toBe(w.caseId);
  });
});

describe("sharing and membership", () => {
  it("a lead shares with another organisation, then adds one of its people", async () => {
    const w = await createJointCase();
    const third = await createOrg();
    const person = await createUser({ orgId: third.id });
    await expect(addMember(w.lead, w.caseId, { userId: person.id, role: "INVESTIGATOR" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await shareCase(w.lead, w.caseId, { orgId: third.id });
    await addMember(w.lead, w.caseId, { userId: person.id, role: "INVESTIGATOR" });
    expect((await getCaseOverview(person, w.caseId)).sharedOrgs.map((o) => o.id)).toContain(third.id);
  });

  it("unsharing removes that organisation's members with it", async () => {
    const w = await createJointCase();
    await unshareCase(w.lead, w.caseId, { orgId: w.partnerOrg.id });
    await expect(getCaseOverview(w.partnerLead, w.caseId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await caseRow(w.caseId)).members.map((m) => m.userId)).not.toContain(w.partnerLead.id);
  });

  it("refuses roles a user's global role cannot hold, and forged or disabled users", async () => {
    const w = await createJointCase();
    const exec = await createUser({ orgId: w.ownerOrg.id, role: "EXECUTIVE" });
    const disabled = await createUser({ orgId: w.ownerOrg.id, disabled: true });
    await expect(addMember(w.lead, w.caseId, { userId: exec.id, role: "LEAD" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await addMember(w.lead, w.caseId, { userId: exec.id, role: "VIEWER" });
    await expect(addMember(w.lead, w.caseId, { userId: disabled.id, role: "VIEWER" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      addMember(w.lead, w.caseId, { userId: "00000000-0000-4000-8000-000000000000", role: "VIEWER" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(addMember(w.lead, w.caseId, { userId: exec.id, role: "OWNER" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(addMember(w.investigator, w.caseId, { userId: exec.id, role: "LEAD" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it("keeps at least one lead", async () => {
    const org = await createOrg();
    const user = await createUser({ orgId: org.id });
    const { id } = await createCase(user, VALID);
    await expect(removeMember(user, id, { userId: user.id })).rejects.toBeInstanceOf(ValidationError);
    await expect(addMember(user, id, { userId: user.id, role: "VIEWER" })).rejects.toBeInstanceOf(ValidationError);
    expect((await caseRow(id)).members).toEqual([expect.objectContaining({ role: "LEAD" })]);
  });

  it("a member id from another case cannot be removed through this one", async () => {
    const a = await createJointCase();
    const b = await createJointCase();
    await expect(removeMember(a.lead, a.caseId, { userId: b.investigator.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeMember(a.lead, b.caseId, { userId: b.investigator.id })).rejects.toBeInstanceOf(NotFoundError);
    expect((await caseRow(b.caseId)).members).toHaveLength(5);
  });

  it("the owner organisation's admin, not a member, manages membership but may not read the case nor add themself", async () => {
    const w = await createJointCase({ tlp: "RED" });
    const admin = await createUser({ orgId: w.ownerOrg.id, role: "ADMIN" });
    await addMember(admin, w.caseId, { userId: w.outsider.id, role: "VIEWER" });
    await expect(addMember(admin, w.caseId, { userId: admin.id, role: "LEAD" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getCaseOverview(admin, w.caseId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getCaseOverview(w.outsider, w.caseId)).id).toBe(w.caseId);
  });
});
