import { describe, expect, it } from "vitest";
import { listCases } from "@/lib/cases/queries";
import { ZCaseFilters } from "@/lib/cases/schemas";
import { createCase, createOrg, createUser } from "@/tests/helpers/factories";

describe("listCases", () => {
  it("lists only the cases the user is a member of, with their role", async () => {
    const org = await createOrg();
    const lead = await createUser({ orgId: org.id });
    const outsider = await createUser({ orgId: org.id });
    const mine = await createCase({
      ownerOrgId: org.id,
      createdById: lead.id,
      members: [{ userId: lead.id, role: "LEAD" }],
    });
    await createCase({
      ownerOrgId: org.id,
      createdById: outsider.id,
      members: [{ userId: outsider.id, role: "LEAD" }],
    });

    const { items, total } = await listCases(lead, ZCaseFilters.parse({}));
    expect(items.map((c) => c.id)).toEqual([mine.id]);
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({
      myRole: "LEAD",
      access: "member",
      ownerOrgName: org.name,
      number: expect.stringMatching(/^CB-\d{4}-\d{4}$/),
    });
  });
});
