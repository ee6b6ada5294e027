import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { DEMO_CASE_TITLE, signIn, signInAs } from "./helpers";

// The executive's journey: sign in, land on the summary with its charts drawn, open the demo
// case's brief (aggregates only: not a member), download its PDF — one page, with the case
// number and TLP in its text. And the refusals: a legal reviewer has no summary; an outsider
// organisation's brief is a 404.

test("an executive lands on the summary, opens a brief and downloads its one-page PDF", async ({ page }) => {
  await signIn(page, "executive@microsoft.demo");
  await expect(page).toHaveURL(/\/summary$/);
  await expect(page.getByRole("heading", { name: "Portfolio summary", level: 1 })).toBeVisible();
  await expect(page.getByRole("list", { name: "Key figures" }).getByRole("listitem").first()).toBeVisible();

  // Charts drawn: SVG with data points (line dots, bars), titled and with a table behind them.
  const status = page.getByRole("figure", { name: "Cases by status over time" });
  await expect(status.locator("svg .recharts-line-dots circle").first()).toBeVisible();
  const tokens = page.getByRole("figure", { name: "Attributed tokens per cluster" });
  await expect(tokens.locator("svg .recharts-bar-rectangle").first()).toBeAttached();
  await status.getByText("View as table").click();
  await expect(status.getByRole("table")).toBeVisible();
  // Statuses in words, in the legend and the table alike.
  await expect(status.getByRole("columnheader", { name: "On hold" })).toBeVisible();
  await expect(status.locator(".recharts-legend-item-text").getByText("On hold", { exact: true })).toBeVisible();
  // Keyboard focus reaches the plot (Recharts' accessibility layer).
  const plot = status.locator('[tabindex="0"]').first();
  await plot.focus();
  await expect(plot).toBeFocused();

  // The demo case's brief: aggregates and the leads' findings; no entity values, no events.
  const row = page.getByRole("row").filter({ hasText: DEMO_CASE_TITLE });
  await row.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: DEMO_CASE_TITLE, level: 1 })).toBeVisible();
  await expect(page.getByText("TLP:AMBER").first()).toBeVisible();
  await expect(page.getByText(/Version 2, by/)).toBeVisible();
  await expect(page.getByText("Aggregates only", { exact: false })).toBeVisible();
  await expect(page.getByText("acct_a1")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Last timeline events" })).toHaveCount(0);
  const number = (await page.locator("header p.font-mono").first().textContent())!.trim();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download PDF (A4)" }).click(),
  ]);
  const file = (await download.path())!;
  expect(download.suggestedFilename()).toBe(`${number}-brief.pdf`);
  expect(execFileSync("pdfinfo", [file]).toString()).toMatch(/Pages:\s+1\n/);
  const text = execFileSync("pdftotext", [file, "-"]).toString();
  expect(text).toContain(number);
  expect(text).toContain("TLP:AMBER");
  expect(text).not.toContain("acct_a1");
});

test("the summary is not for a legal reviewer; another organisation's brief is a 404", async ({ browser }) => {
  const legal = await (await browser.newContext()).newPage();
  await signInAs(legal, "legal@microsoft.demo");
  expect((await legal.goto("/summary"))?.status()).toBe(404);
  // A member (legal reviewer) reads the demo case's brief in full.
  await legal.goto("/cases");
  await legal.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await legal.getByRole("link", { name: "One-page brief" }).click();
  await expect(legal.getByRole("heading", { name: "Last timeline events" })).toBeVisible();
  const briefUrl = legal.url();
  // The lead of the owner organisation sees the summary too.
  const lead = await (await browser.newContext()).newPage();
  await signInAs(lead, "investigator@microsoft.demo");
  expect((await lead.goto("/summary"))?.status()).toBe(200);
  expect((await lead.goto(briefUrl))?.status()).toBe(200);
  // An executive of the partner organisation: aggregates; a made-up case id: 404.
  const partner = await (await browser.newContext()).newPage();
  await signInAs(partner, "executive@openai.demo");
  expect((await partner.goto(briefUrl))?.status()).toBe(200);
  expect((await partner.goto("/briefs/00000000-0000-4000-8000-000000000000"))?.status()).toBe(404);
  expect((await partner.request.get("/api/briefs/00000000-0000-4000-8000-000000000000/pdf")).status()).toBe(404);
});
