import { describe, expect, it } from "vitest";
import { NotFoundError } from "@/lib/errors";
import { listCaseActivity } from "@/lib/cases/activity";
import { createNote } from "@/lib/notes/mutations";
import { createJointCase, createOrg, createUser } from "@/tests/helpers/factories";

describe("case activity", () => {
  it("members see the case's events, except those about the other organisation's private items", async () => {
    const w = await createJointCase();
    await createNote(w.investigator, w.caseId, { body: "shared", visibility: "ALL_CASE_ORGS" });
    await createNote(w.investigator, w.caseId, { body: "private", visibility: "OWNER_ORG_ONLY" });
    const own = await listCaseActivity(w.lead, w.caseId, {});
    const partner = await listCaseActivity(w.partnerLead, w.caseId, {});
    expect(own.rows.filter((r) => r.action === "note.created")).toHaveLength(2);
    expect(partner.rows.filter((r) => r.action === "note.created")).toHaveLength(1);
    expect(partner.rows.every((r) => r.caseId === w.caseId)).toBe(true);
  });

  it("non-members get 404, whatever their global role short of audit reader", async () => {
    const w = await createJointCase();
    const stranger = await createUser({ orgId: (await createOrg()).id, role: "EXECUTIVE" });
    await expect(listCaseActivity(w.outsider, w.caseId, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(listCaseActivity(stranger, w.caseId, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(listCaseActivity(w.lead, "not-a-case", {})).rejects.toBeInstanceOf(NotFoundError);
  });
});
