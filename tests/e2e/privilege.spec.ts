import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_CASE_TITLE, signInAs } from "./helpers";

// Issue 12, "privilege that means something": a legal reviewer of the owner organisation flags an
// evidence item privileged; the partner's investigator sees that it exists (the withheld stub)
// and nothing more, and the download is refused.

async function openDemoCase(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email);
  await page.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO_CASE_TITLE);
  return page;
}

test("a legal reviewer flags evidence privileged; the partner's investigator sees only the stub", async ({
  browser,
}) => {
  // The owner's lead uploads a memo every organisation on the case sees.
  const lead = await openDemoCase(browser, "investigator@microsoft.demo");
  await lead.getByRole("link", { name: "Evidence" }).click();
  const name = `counsel-memo-${randomBytes(3).toString("hex")}.txt`;
  await lead
    .getByLabel("Files")
    .setInputFiles([{ name, mimeType: "text/plain", buffer: Buffer.from("Advice on notice duties, synthetic.\n") }]);
  await lead.getByRole("form", { name: "Upload evidence" }).getByLabel("Who can see it").selectOption("ALL_CASE_ORGS");
  await lead.getByRole("button", { name: "Upload 1 file" }).click();
  const list = lead.getByRole("list", { name: "Files to upload" });
  await expect(list.getByText("Done")).toHaveCount(1, { timeout: 30_000 });
  await list.getByRole("link", { name }).click();
  await expect(lead.getByRole("heading", { name, level: 2 })).toBeVisible();
  const itemUrl = lead.url();
  const itemPath = new URL(itemUrl).pathname;

  // The owner's legal reviewer flags it, from the keyboard.
  const reviewer = await (await browser.newContext()).newPage();
  await signInAs(reviewer, "legal@microsoft.demo");
  await reviewer.goto(itemPath);
  const flag = reviewer.getByRole("form", { name: "Privilege flag", exact: true });
  await flag.getByLabel("Basis").focus();
  await flag.getByLabel("Basis").selectOption("ATTORNEY_CLIENT");
  await flag.getByLabel("Description for the privilege log").fill("Memo from in-house counsel on notice duties");
  await flag.getByLabel("Description for the privilege log").press("Tab");
  await reviewer.keyboard.press("Enter");
  // Saved: the control now offers to remove the flag (it re-renders at the new version).
  await expect(reviewer.getByRole("button", { name: "Remove privilege flag" })).toBeVisible();
  await reviewer.reload();
  await expect(reviewer.getByText("Privileged · Attorney–client")).toBeVisible();
  await expect(reviewer.getByRole("button", { name: "Remove privilege flag" })).toBeVisible();

  // The partner's investigator: the list shows a stub, the item page the stub, the download 403.
  const partner = await openDemoCase(browser, "investigator@openai.demo");
  await partner.getByRole("link", { name: "Evidence" }).click();
  await expect(partner.getByText(name)).toHaveCount(0);
  const id = itemPath.split("/").at(-1)!;
  const stubLink = partner.getByRole("link", { name: new RegExp(`Withheld item ${id.slice(0, 8)}`) });
  await expect(stubLink).toBeVisible();
  await stubLink.click();
  await expect(partner.getByText("Withheld — privileged (Attorney–client)")).toBeVisible();
  await expect(partner.getByText(`ID ${id}`)).toBeVisible();
  await expect(partner.getByText(name)).toHaveCount(0);
  await expect(partner.getByRole("link", { name: "Download" })).toHaveCount(0);
  const download = await partner.request.get(`/api${itemPath}/download`);
  expect(download.status()).toBe(403);
  expect(await download.text()).not.toContain("notice duties");
  // The owner's lead still reads and downloads it.
  const own = await lead.request.get(`/api${itemPath}/download`);
  expect(own.status()).toBe(200);
  expect(await own.text()).toContain("notice duties");
});
