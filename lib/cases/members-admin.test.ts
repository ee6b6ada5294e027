// Issue 9, defect 1: an admin of one organisation took over the other's cases by adding their
// own user as Lead and removing the real lead. Admins are organisation admins: they manage the
// membership of cases their organisation owns or is shared into (a RED case only if they own
// it), and only for their own organisation's people. Each step from the partner admin's side
// (refused, nothing written) and from the owner admin's side (allowed where it should be).
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { addMember, removeMember } from "@/lib/cases/mutations";
import { getCaseHeader, getCaseOverview, listCaseMembers, listMemberCandidates } from "@/lib/cases/queries";
import type { Tlp } from "@/lib/generated/prisma/enums";
import { createCase, createJointCase, createUser } from "@/tests/helpers/factories";

/** The joint case plus an admin of each organisation, who are not members. */
async function jointCaseWithAdmins(opts: { tlp?: Tlp } = {}) {
  const w = await createJointCase(opts);
  const [ownerAdmin, partnerAdmin] = await Promise.all([
    createUser({ orgId: w.ownerOrg.id, role: "ADMIN" }),
    createUser({ orgId: w.partnerOrg.id, role: "ADMIN" }),
  ]);
  return { ...w, ownerAdmin, partnerAdmin };
}

const members = async (caseId: string) =>
  Object.fromEntries(
    (await getDb().caseMember.findMany({ where: { caseId }, select: { userId: true, role: true } })).map((m) => [
      m.userId,
      m.role,
    ]),
  );
const membershipAudits = (caseId: string, actorId: string) =>
  getDb().auditEvent.count({ where: { caseId, actorId, action: { startsWith: "case.member" } } });

describe("the partner organisation's admin, on a case shared with them", () => {
  it("cannot add an owner-organisation user as lead (403), whose admin can", async () => {
    const w = await jointCaseWithAdmins();
    const before = await members(w.caseId);
    await expect(addMember(w.partnerAdmin, w.caseId, { userId: w.outsider.id, role: "LEAD" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await members(w.caseId)).toEqual(before);
    expect(await membershipAudits(w.caseId, w.partnerAdmin.id)).toBe(0);

    await addMember(w.ownerAdmin, w.caseId, { userId: w.outsider.id, role: "LEAD" });
    expect((await members(w.caseId))[w.outsider.id]).toBe("LEAD");
  });

  it("cannot change the role of, nor remove, the owner's lead (403), whose admin can", async () => {
    const w = await jointCaseWithAdmins();
    const before = await members(w.caseId);
    await expect(addMember(w.partnerAdmin, w.caseId, { userId: w.lead.id, role: "VIEWER" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(removeMember(w.partnerAdmin, w.caseId, { userId: w.lead.id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(removeMember(w.partnerAdmin, w.caseId, { userId: w.investigator.id })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await members(w.caseId)).toEqual(before);

    // The owner's admin may, keeping a lead: first the last lead is refused, then with a second one allowed.
    await expect(removeMember(w.ownerAdmin, w.caseId, { userId: w.lead.id })).rejects.toBeInstanceOf(ValidationError);
    await addMember(w.ownerAdmin, w.caseId, { userId: w.investigator.id, role: "LEAD" });
    await removeMember(w.ownerAdmin, w.caseId, { userId: w.lead.id });
    expect((await members(w.caseId))[w.lead.id]).toBeUndefined();
  });

  it("manages their own organisation's people on it: add, change role, remove", async () => {
    const w = await jointCaseWithAdmins();
    const colleague = await createUser({ orgId: w.partnerOrg.id });
    await addMember(w.partnerAdmin, w.caseId, { userId: colleague.id, role: "INVESTIGATOR" });
    await addMember(w.partnerAdmin, w.caseId, { userId: colleague.id, role: "VIEWER" });
    expect((await members(w.caseId))[colleague.id]).toBe("VIEWER");
    await removeMember(w.partnerAdmin, w.caseId, { userId: colleague.id });
    await removeMember(w.partnerAdmin, w.caseId, { userId: w.partnerInvestigator.id });
    expect(await members(w.caseId)).not.toHaveProperty(colleague.id);
    expect(await membershipAudits(w.caseId, w.partnerAdmin.id)).toBe(4);
  });

  it("is offered only their own organisation's active non-members, never themself", async () => {
    const w = await jointCaseWithAdmins();
    const [partnerPerson, ownerPerson] = await Promise.all([
      createUser({ orgId: w.partnerOrg.id }),
      createUser({ orgId: w.ownerOrg.id }),
      createUser({ orgId: w.partnerOrg.id, disabled: true }),
    ]);
    const ids = async (actor: typeof w.lead) => (await listMemberCandidates(actor, w.caseId)).map((c) => c.id).sort();
    expect(await ids(w.partnerAdmin)).toEqual([partnerPerson.id].sort());
    expect(await ids(w.ownerAdmin)).toEqual([w.outsider.id, ownerPerson.id].sort());
    // An owner-organisation lead may bring in anyone of the case's organisations, themself excluded as a member.
    expect(await ids(w.lead)).toEqual(
      [w.outsider.id, ownerPerson.id, partnerPerson.id, w.ownerAdmin.id, w.partnerAdmin.id].sort(),
    );
    // A partner lead, like a partner admin, only their own organisation's people.
    expect(await ids(w.partnerLead)).toEqual([partnerPerson.id, w.partnerAdmin.id].sort());
  });

  it("cannot add themself (403) nor, once a viewer, make themself lead", async () => {
    const w = await jointCaseWithAdmins();
    await expect(
      addMember(w.partnerAdmin, w.caseId, { userId: w.partnerAdmin.id, role: "LEAD" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await addMember(w.partnerLead, w.caseId, { userId: w.partnerAdmin.id, role: "VIEWER" });
    await expect(
      addMember(w.partnerAdmin, w.caseId, { userId: w.partnerAdmin.id, role: "LEAD" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await members(w.caseId))[w.partnerAdmin.id]).toBe("VIEWER");
  });

  it("sees the members to manage them, but never the case contents", async () => {
    const w = await jointCaseWithAdmins();
    const rows = await listCaseMembers(w.partnerAdmin, w.caseId);
    // Controls only on the rows the admin may manage: their own organisation's people.
    expect(
      rows
        .filter((m) => m.canManage)
        .map((m) => m.userId)
        .sort(),
    ).toEqual([w.partnerLead.id, w.partnerInvestigator.id].sort());
    expect((await listCaseMembers(w.lead, w.caseId)).every((m) => m.canManage)).toBe(true);
    expect(await getCaseHeader(w.partnerAdmin, w.caseId)).toMatchObject({ canRead: false });
    await expect(getCaseOverview(w.partnerAdmin, w.caseId)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("cases the admin's organisation does not take part in, and the other's TLP:RED cases", () => {
  it("do not exist for the other organisation's admin (404), and their owner's admin manages them", async () => {
    const shared = await jointCaseWithAdmins({ tlp: "RED" });
    // The owner's private case: not shared with the partner at all.
    const privateCase = await createCase({
      ownerOrgId: shared.ownerOrg.id,
      createdById: shared.lead.id,
      members: [{ userId: shared.lead.id, role: "LEAD" }],
    });
    const { partnerAdmin, ownerAdmin, outsider, lead } = shared;
    for (const caseId of [shared.caseId, privateCase.id]) {
      const before = await members(caseId);
      await expect(getCaseHeader(partnerAdmin, caseId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(listCaseMembers(partnerAdmin, caseId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(listMemberCandidates(partnerAdmin, caseId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(addMember(partnerAdmin, caseId, { userId: outsider.id, role: "LEAD" })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(addMember(partnerAdmin, caseId, { userId: partnerAdmin.id, role: "LEAD" })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(removeMember(partnerAdmin, caseId, { userId: lead.id })).rejects.toBeInstanceOf(NotFoundError);
      expect(await members(caseId)).toEqual(before);

      await addMember(ownerAdmin, caseId, { userId: outsider.id, role: "INVESTIGATOR" });
      expect((await members(caseId))[outsider.id]).toBe("INVESTIGATOR");
    }
  });

  it("a partner admin may not manage even their own people on the owner's RED case (404)", async () => {
    const w = await jointCaseWithAdmins({ tlp: "RED" });
    await expect(removeMember(w.partnerAdmin, w.caseId, { userId: w.partnerInvestigator.id })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await members(w.caseId))[w.partnerInvestigator.id]).toBe("INVESTIGATOR");
  });
});

describe("recovering a case whose leads all left", () => {
  it("goes through the owner organisation's admin, who makes an owner-organisation user lead", async () => {
    const w = await jointCaseWithAdmins({ tlp: "RED" });
    await getDb().user.update({ where: { id: w.lead.id }, data: { disabledAt: new Date() } });
    // The partner's lead cannot step in for the owner, nor can the partner's admin.
    await expect(
      addMember(w.partnerLead, w.caseId, { userId: w.investigator.id, role: "LEAD" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      addMember(w.partnerAdmin, w.caseId, { userId: w.investigator.id, role: "LEAD" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await addMember(w.ownerAdmin, w.caseId, { userId: w.investigator.id, role: "LEAD" });
    expect(await getCaseHeader(w.investigator, w.caseId)).toMatchObject({ canRead: true, myRole: "LEAD" });
    expect((await getCaseHeader(w.investigator, w.caseId)).permissions.setStatus).toBe(true);
  });
});
