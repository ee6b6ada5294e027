import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_CASE_TITLE, ORIGIN, signInAs } from "./helpers";

async function as(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email);
  return page;
}

test("a lead opens a case, shares it, adds a partner; the partner sees it, a non-member does not", async ({
  browser,
}) => {
  const title = `Joint case ${Date.now()}`;
  const lead = await as(browser, "investigator@microsoft.demo");
  await lead.getByRole("link", { name: "New case" }).click();
  await lead.getByLabel("Title").fill(title);
  await lead
    .getByRole("textbox", { name: "Summary" })
    .fill("Accounts **acct_7f3** and acct_9c1 share a payment instrument.");
  await lead.getByLabel("Severity").selectOption("CRITICAL");
  await lead.getByRole("button", { name: "Open case" }).click();
  await expect(lead.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(lead.getByText("acct_7f3", { exact: true })).toBeVisible();

  await lead.getByLabel("Share with organisation").selectOption({ label: "OpenAI" });
  await lead.getByRole("button", { name: "Share", exact: true }).click();
  await expect(lead.getByText("Shared. You can now add its people as members.")).toBeVisible();

  await lead.getByRole("link", { name: "Members" }).click();
  await lead.getByLabel("Person").selectOption({ label: "OpenAI Investigator — OpenAI (Investigator)" });
  await lead.getByRole("button", { name: "Add member" }).click();
  await expect(lead.getByRole("cell", { name: /^OpenAI Investigator/ })).toBeVisible();
  const caseUrl = lead.url().replace(/\/members$/, "");

  const partner = await as(browser, "investigator@openai.demo");
  await partner.getByRole("link", { name: title }).click();
  await expect(partner.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await partner.getByRole("link", { name: "Notes" }).click();
  await partner.getByLabel("New note").fill("Seen from the OpenAI side: same key prefix.");
  await partner.getByRole("button", { name: "Add note" }).click();
  await expect(partner.getByText("Seen from the OpenAI side: same key prefix.")).toBeVisible();

  // The notes API: an owner-organisation-only note exists for its organisation only.
  const notesApi = `/api/cases/${caseUrl.split("/").at(-1)}/notes`;
  const internal = "Internal: billing contact confirmed the card is shared.";
  const made = await lead.request.post(notesApi, {
    headers: { Origin: ORIGIN },
    data: { body: internal, visibility: "OWNER_ORG_ONLY" },
  });
  expect(made.status()).toBe(201);
  const bodies = async (page: Page) =>
    ((await (await page.request.get(notesApi)).json()) as { items: { body: string }[] }).items.map((n) => n.body);
  expect(await bodies(lead)).toContain(internal);
  expect(await bodies(partner)).toEqual(["Seen from the OpenAI side: same key prefix."]);
  const forged = await partner.request.post(notesApi, {
    headers: { Origin: "https://evil.example" },
    data: { body: "x" },
  });
  expect(forged.status()).toBe(403);

  const outsider = await as(browser, "legal@microsoft.demo");
  await expect(outsider.getByText(title)).toHaveCount(0);
  expect((await outsider.request.get(notesApi)).status()).toBe(404);
  const response = await outsider.goto(caseUrl);
  expect(response?.status()).toBe(404);
  await expect(outsider.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("a conflicting edit is shown, and the typed text is kept", async ({ browser }) => {
  const first = await as(browser, "investigator@microsoft.demo");
  await first.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await expect(first.getByRole("heading", { level: 1 })).toHaveText(DEMO_CASE_TITLE);
  const caseUrl = first.url();
  const second = await as(browser, "investigator@microsoft.demo");
  await second.goto(caseUrl);
  await expect(second.getByRole("heading", { level: 1 })).toHaveText(DEMO_CASE_TITLE);

  await first.getByLabel("Title").fill("Suspected distillation via API — Subject cluster A (confirmed)");
  await first.getByRole("button", { name: "Save changes" }).click();
  await expect(first.getByRole("heading", { level: 1 })).toHaveText(/\(confirmed\)/);

  await second.getByRole("textbox", { name: "Summary" }).fill("My unsaved analysis that must not be lost.");
  await second.getByRole("button", { name: "Save changes" }).click();
  await expect(second.getByRole("alert").filter({ hasText: "Someone else changed this case" })).toBeVisible();
  await expect(second.getByRole("textbox", { name: "Summary" })).toHaveValue(
    "My unsaved analysis that must not be lost.",
  );
});

test("a page past the end of the case list says so, with the way back", async ({ browser }) => {
  const page = await as(browser, "investigator@microsoft.demo");
  await page.goto(`${ORIGIN}/cases?page=999`);
  await expect(page.getByText("No cases on this page")).toBeVisible();
  await expect(page.getByText("No cases yet")).toHaveCount(0);
  await page.goto(`${ORIGIN}/cases`);
  await expect(page.getByRole("table", { name: "Cases you can see" }).getByText(DEMO_CASE_TITLE)).toBeVisible();
});

test("a legal hold is set at once, and lifting it asks a second time (Escape keeps it)", async ({ browser }) => {
  const title = `Hold case ${Date.now()}`;
  const lead = await as(browser, "investigator@microsoft.demo");
  await lead.getByRole("link", { name: "New case" }).click();
  await lead.getByLabel("Title").fill(title);
  await lead.getByRole("button", { name: "Open case" }).click();
  await expect(lead.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await lead.getByRole("button", { name: "Set legal hold" }).click();
  await expect(lead.getByText("On: nothing in this case may be deleted or purged.")).toBeVisible();

  await lead.getByRole("button", { name: "Lift legal hold…" }).click();
  const keep = lead.getByRole("button", { name: "Keep" });
  await expect(keep).toBeFocused();
  await lead.keyboard.press("Escape");
  await expect(lead.getByRole("button", { name: "Lift legal hold…" })).toBeFocused();
  await lead.reload();
  await expect(lead.getByText("On: nothing in this case may be deleted or purged.")).toBeVisible();

  await lead.getByRole("button", { name: "Lift legal hold…" }).click();
  await lead.getByRole("button", { name: "Lift legal hold", exact: true }).click();
  await expect(lead.getByRole("button", { name: "Set legal hold" })).toBeVisible();
  await lead.reload();
  await expect(lead.getByRole("button", { name: "Set legal hold" })).toBeVisible();
});
