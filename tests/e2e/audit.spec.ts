import { createHash, randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_CASE_TITLE, ORIGIN, signInAs } from "./helpers";

// Issue 9, defects 2 and 9, through the real server: a HEAD is not a download, a refused attempt
// answers 404 and is recorded after the response, and an owner's typed filter never reaches the
// partner's Activity tab.

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email);
  return page;
}

async function demoCaseId(page: Page): Promise<string> {
  await page.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO_CASE_TITLE);
  return page.url().split("/cases/")[1]!.split("/")[0]!;
}

const activityRows = (page: Page) => page.getByRole("table").getByRole("row");

test("HEAD on a download answers its headers and records nothing; GET records the download", async ({ browser }) => {
  const page = await signedIn(browser, "investigator@microsoft.demo");
  const caseId = await demoCaseId(page);
  const bytes = randomBytes(1234);
  const meta = Buffer.from(JSON.stringify({ title: "Head check", kind: "OTHER", fileName: "head.bin" })).toString(
    "base64url",
  );
  const uploaded = await page.request.post(`/api/cases/${caseId}/evidence`, {
    data: bytes,
    headers: { Origin: ORIGIN, "Content-Type": "application/octet-stream", "X-Evidence-Metadata": meta },
  });
  expect(uploaded.status()).toBe(201);
  const { id } = await uploaded.json();
  const url = `/api/cases/${caseId}/evidence/${id}/download`;
  const downloads = async () => {
    await page.goto(`/cases/${caseId}/activity?action=evidence.downloaded`);
    return activityRows(page).filter({ hasText: id }).count();
  };

  const head = await page.request.head(url);
  expect(head.status()).toBe(200);
  expect(head.headers()["x-evidence-sha256"]).toBe(createHash("sha256").update(bytes).digest("hex"));
  expect((await head.body()).length).toBe(0);
  expect(head.headers()["content-disposition"]).toMatch(/^attachment; filename="head.bin"/);
  expect(await downloads()).toBe(0);

  expect((await page.request.get(url)).status()).toBe(200);
  expect(await downloads()).toBe(1);
  // The row's target is a link to the item's page.
  await activityRows(page).filter({ hasText: id }).getByRole("link", { name: id }).click();
  await expect(page).toHaveURL(new RegExp(`/cases/${caseId}/evidence/${id}$`));
  await expect(page.getByRole("heading", { level: 2, name: "Head check" })).toBeVisible();
});

test("a refused attempt answers 404 like a missing case, and is recorded once, without the case", async ({
  browser,
}) => {
  const lead = await signedIn(browser, "investigator@microsoft.demo");
  const caseId = await demoCaseId(lead);
  // Not a member. (admin.spec resets the OpenAI executive's password, and an admin's log shows
  // only their own organisation's people, so the refused attempts are Microsoft's executive's.)
  const outsider = await signedIn(browser, "executive@microsoft.demo");
  const missing = `00000000-0000-4000-8000-${randomBytes(6).toString("hex")}`;
  for (const id of [caseId, caseId, missing]) {
    const response = await outsider.goto(`/cases/${id}`);
    expect(response?.status()).toBe(404);
    await expect(outsider.getByRole("heading", { name: "Not found" })).toBeVisible();
  }
  const admin = await signedIn(browser, "admin@microsoft.demo");
  // Written after the response: look until it is there.
  await expect(async () => {
    await admin.goto(`/admin/audit?action=case.access_refused&actor=executive@microsoft.demo`);
    await expect(activityRows(admin).filter({ hasText: caseId })).toHaveCount(1);
    await expect(activityRows(admin).filter({ hasText: missing })).toHaveCount(1);
  }).toPass({ timeout: 15_000 });
});

test("the owner's export filter stays out of the partner's Activity tab", async ({ browser }) => {
  const owner = await signedIn(browser, "investigator@microsoft.demo");
  const caseId = await demoCaseId(owner);
  const secret = `private-${randomBytes(4).toString("hex")}`;
  expect((await owner.request.get(`/api/cases/${caseId}/timeline/export?format=csv&q=${secret}`)).status()).toBe(200);
  await owner.goto(`/cases/${caseId}/activity?action=timeline.exported`);
  await expect(activityRows(owner).filter({ hasText: secret })).toHaveCount(1);

  const partner = await signedIn(browser, "investigator@openai.demo");
  await partner.goto(`/cases/${caseId}/activity`);
  await expect(partner.getByRole("heading", { level: 1 })).toContainText(DEMO_CASE_TITLE);
  await expect(partner.getByText(secret)).toHaveCount(0);
  await partner.goto(`/cases/${caseId}/activity?action=timeline.exported`);
  await expect(partner.getByText(secret)).toHaveCount(0);
});
