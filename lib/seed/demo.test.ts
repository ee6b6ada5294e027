import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { DEMO_ACCOUNTS, seedDemoData } from "@/lib/seed/demo";

describe("seedDemoData", () => {
  it("creates two organisations, a user per role in each, and the demo case, once", async () => {
    await seedDemoData();
    const counts = async () => ({
      orgs: await getDb().organization.count({ where: { slug: { in: ["microsoft", "openai"] } } }),
      users: await getDb().user.count({ where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } }),
      cases: await getDb().case.count({ where: { title: { startsWith: "Suspected distillation via API" } } }),
    });
    const first = await counts();
    expect(first).toEqual({ orgs: 2, users: 8, cases: 1 });
    expect(await seedDemoData()).toEqual({ created: false });
    expect(await counts()).toEqual(first);
  });
});
