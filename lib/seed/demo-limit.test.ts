// The demo seed under an evidence size limit smaller than its usage log: refused before anything
// is written, saying what to change. The limit is set through the environment (this file runs in
// its own process, so the change is local to it).
import { expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { DEMO_ACCOUNTS, seedDemoData } from "@/lib/seed/demo";

// eslint-disable-next-line no-restricted-properties -- the limit under test comes from the environment
process.env.EVIDENCE_MAX_BYTES = "1024";

it("refuses to seed under an EVIDENCE_MAX_BYTES below the demo's files, and writes nothing", async () => {
  const counts = async () => ({
    orgs: await getDb().organization.count({ where: { slug: { in: ["microsoft", "openai"] } } }),
    users: await getDb().user.count({ where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } }),
    cases: await getDb().case.count({ where: { title: { startsWith: "Suspected distillation via API" } } }),
  });
  const before = await counts();
  await expect(seedDemoData()).rejects.toThrow(
    /^The demo's usage log \([\d.]+ [KM]iB\) is over EVIDENCE_MAX_BYTES \(1\.0 KiB\)\. Raise the limit, or set CASEBRIDGE_SEED_DEMO=false/,
  );
  expect(await counts()).toEqual(before);
});
