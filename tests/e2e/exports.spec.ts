import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type Browser } from "@playwright/test";
import { DEMO_CASE_TITLE, signInAs } from "./helpers";

// A legal reviewer exports the demo case, watches the progress, downloads the ZIP and verifies
// it in the app; someone who may not export finds no Exports tab, and its address is a 404.

async function openDemoCase(browser: Browser, email: string) {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signInAs(page, email);
  await page.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO_CASE_TITLE);
  return page;
}

test("a legal reviewer exports, sees progress, downloads and verifies", async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await openDemoCase(browser, "legal@microsoft.demo");
  await page.getByRole("navigation", { name: "Case sections" }).getByRole("link", { name: "Exports" }).click();
  // The seeded production is listed with its Bates range.
  await expect(page.getByRole("table", { name: "Finished and running exports" })).toContainText("MSFT-CB000001");

  const prefix = `E2E${randomBytes(3).toString("hex").toUpperCase()}-`;
  const form = page.getByRole("form", { name: "New export" });
  // A range that ends before it starts: said under its last day, which is marked.
  await form.getByLabel("A date range of the timeline").check();
  await form.getByLabel("From (UTC day)").fill("2026-12-10");
  await form.getByLabel("To (UTC day, included)").fill("2026-12-01");
  await form.getByLabel("Bates prefix").fill(prefix);
  await form.getByLabel("Receiving party").fill("Counsel for OpenAI");
  await form.getByRole("button", { name: "Start export" }).click();
  await expect(form.getByText("The range must end on or after its first day.")).toBeVisible();
  await expect(form.getByLabel("To (UTC day, included)")).toHaveAttribute("aria-invalid", "true");
  // An error reported under another key (scope.to) goes too once its field is edited.
  await form.getByLabel("To (UTC day, included)").fill("2026-12-11");
  await expect(form.getByText("The range must end on or after its first day.")).toBeHidden();
  await form.getByLabel("The whole case").check();
  await form.getByLabel("Bates prefix").fill("CB1");
  await form.getByLabel("Receiving party").fill("Counsel for OpenAI");
  await form.getByRole("button", { name: "Start export" }).click();
  await expect(form.getByText(/^The prefix must not end in a digit or a space/)).toBeVisible();
  await expect(form.getByLabel("Bates prefix")).toHaveAttribute("aria-invalid", "true");
  // Corrected, the field's error goes at once: it no longer describes what is there.
  await form.getByLabel("Bates prefix").fill(prefix);
  await expect(form.getByText(/^The prefix must not end in a digit or a space/)).toBeHidden();
  await expect(form.getByLabel("Bates prefix")).toHaveAttribute("aria-invalid", "false");
  await form.getByRole("button", { name: "Start export" }).click();

  await expect(page.getByRole("heading", { name: "Legal review export" })).toBeVisible();
  await expect(page.getByText("complete", { exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText(`${prefix}000001`)).toBeVisible();
  const shown = (await page.locator("dd.font-mono.text-xs").textContent())!.trim();

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download ZIP" }).click();
  const file = await (await download).path();
  const bytes = await readFile(file);
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(shown);

  await page.getByRole("link", { name: "← Exports" }).click();
  const verify = page.getByRole("form", { name: "Verify a production" });
  await verify
    .getByLabel("Production ZIP")
    .setInputFiles({ name: "bundle.zip", mimeType: "application/zip", buffer: bytes });
  await verify.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Verified:" })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("byte for byte one of this case's exports")).toBeVisible();

  // One flipped byte in the ZIP's stored data: not verified, and the file is named.
  const tampered = Buffer.from(bytes);
  const at = tampered.indexOf(Buffer.from("NATIVES/")) + 200;
  tampered[at] = tampered[at]! ^ 0x01;
  await verify
    .getByLabel("Production ZIP")
    .setInputFiles({ name: "bundle.zip", mimeType: "application/zip", buffer: tampered });
  await verify.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText(/Not verified|not a readable ZIP/)).toBeVisible({ timeout: 60_000 });

  // Not a ZIP at all: said in plain words, with no hash of it.
  await verify
    .getByLabel("Production ZIP")
    .setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a production\n") });
  await verify.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("status").filter({ hasText: "cannot be read as a ZIP" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Verify a production" }).getByText(/ZIP SHA-256/)).toHaveCount(0);
});

test("an investigator has no Exports tab, and the page is a 404", async ({ browser }) => {
  const page = await openDemoCase(browser, "investigator@openai.demo");
  const caseUrl = page.url();
  await expect(
    page.getByRole("navigation", { name: "Case sections" }).getByRole("link", { name: "Exports" }),
  ).toHaveCount(0);
  const response = await page.goto(`${caseUrl}/exports`);
  expect(response?.status()).toBe(404);
});
