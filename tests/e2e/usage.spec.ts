import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_CASE_TITLE, signInAs } from "./helpers";

/** Chooses the evidence option whose text holds `name` (its label is "title (file name)"). */
async function chooseEvidence(form: ReturnType<Page["getByRole"]>, name: string) {
  const select = form.getByLabel("Evidence file");
  const value = await select.locator("option", { hasText: name }).first().getAttribute("value");
  await select.selectOption(value!);
}

async function openUsage(browser: Browser, email: string): Promise<{ page: Page; caseUrl: string }> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email);
  await page.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO_CASE_TITLE);
  const caseUrl = page.url();
  await page.getByRole("link", { name: "Usage", exact: true }).click();
  return { page, caseUrl };
}

test("the demo usage log shows its charts and signals; a signal goes to the timeline in one click", async ({
  browser,
}) => {
  const { page, caseUrl } = await openUsage(browser, "investigator@microsoft.demo");
  await expect(
    page.getByRole("region", { name: "Requests over time" }).locator(".recharts-bar-rectangle").first(),
  ).toBeVisible();
  await expect(
    page
      .getByRole("table", { name: "Accounts" })
      .getByRole("link", { name: /^acct_A\d$/ })
      .first(),
  ).toBeVisible();
  const signals = page.getByRole("region", { name: "Signals" });
  const evasion = signals.getByRole("region", { name: "Limit evasion signals" }).locator("li").first();
  await evasion.locator("summary").first().click();
  // Why it fired, in words: the threshold it was computed with, then the same as JSON.
  await expect(
    evasion.getByLabel("Thresholds").locator('dt:text-is("Per-account limit (requests an hour)") + dd'),
  ).toHaveText("1,000");
  await evasion.getByText(/^Rule limit_evasion, version \d+: as JSON$/).click();
  await expect(evasion.getByText('"accountHourlyRequestLimit": 1000')).toBeVisible();
  await expect(
    evasion
      .getByRole("list", { name: "Rows behind this signal" })
      .getByRole("link", { name: /, line \d+$/ })
      .first(),
  ).toBeVisible();
  await evasion.getByRole("button", { name: "Add to timeline" }).click();
  await expect(evasion.getByText(/On the timeline/)).toBeVisible({ timeout: 15_000 });
  await evasion.getByRole("link", { name: "See it there" }).click();
  await expect(page).toHaveURL(/\/timeline\?from=[^&]+&to=/);
  await expect(page.getByText(/Signal: Limit evasion/).first()).toBeVisible({ timeout: 15_000 });

  // A bar by keyboard: Tab to the chart, a bucket with the arrow keys, Enter opens its rows.
  // The first bucket has rows (the axis starts there); the ones after it may be empty.
  await page.goto(`${caseUrl}/usage`);
  const plot = page.getByRole("region", { name: "Requests over time" }).locator("svg.recharts-surface[tabindex='0']");
  // Named for screen readers, with how to use it.
  await expect(plot).toHaveAccessibleName(/^Requests over time: arrow keys move between buckets/);
  await plot.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowLeft");
  await expect(page.locator(".recharts-tooltip-wrapper").first()).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]from=[^&]+.*[?&]to=[^&]+.*view=rows/);
  await expect(page.getByRole("table", { name: "Usage rows" })).toBeVisible();

  // A signal about a group of accounts opens those accounts' rows, and no one else's; the
  // filters keep them when applied, and one link shows every account again.
  await page.goto(`${caseUrl}/usage`);
  const group = page.getByRole("region", { name: "Limit evasion signals" }).locator("li").first();
  await group.locator("summary").first().click();
  const size = Number((await group.locator("summary").first().innerText()).match(/(\d+) accounts tied/)?.[1]);
  await group.getByRole("link", { name: "their rows from the period’s start" }).click();
  // By the signal's id: its accounts are looked up on the server, however many.
  await expect(page).toHaveURL(/[?&]signal=[0-9a-f-]{36}&.*view=rows/);
  const named = page.getByRole("status").filter({ hasText: "accounts of a limit evasion signal" });
  await expect(named).toContainText(`Only the ${size} accounts`);
  await page.getByText("Which accounts").click();
  const groupAccounts = (await page.getByLabel("The signal's accounts").innerText()).split(", ");
  expect(groupAccounts).toHaveLength(size);
  const shown = page.getByRole("table", { name: "Usage rows" }).locator("tbody tr td:nth-child(2)");
  await expect(shown.first()).toBeVisible();
  for (const account of await shown.allInnerTexts()) expect(groupAccounts).toContain(account);
  await page.getByRole("form", { name: "Usage filters" }).getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/[?&]signal=/);
  await expect(named).toBeVisible();
  await page.goBack();
  await named.getByRole("link", { name: "Show every account" }).click();
  await expect(page).toHaveURL(/view=rows/);
  await expect(page).not.toHaveURL(/signal=/);
  await expect(page.getByRole("status").filter({ hasText: "accounts of a" })).toHaveCount(0);

  // A time the filters cannot read is left out, said to be, and kept in its field to mend.
  await page.goto(`${caseUrl}/usage`);
  const filtersForm = page.getByRole("form", { name: "Usage filters" });
  await filtersForm.getByLabel("From").fill("yesterday");
  await filtersForm.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Not applied" })).toContainText("From “yesterday”");
  await expect(filtersForm.getByLabel("From")).toHaveValue("yesterday");
  await expect(filtersForm.getByLabel("From")).toHaveAttribute("aria-invalid", "true");

  // Drill down from the top accounts table to that account's rows, with file lines.
  await page.goto(`${caseUrl}/usage`);
  // Each click is a client-side navigation: wait for it, or the next click lands on the old page
  // (whose rows link has no account filter).
  await page.getByRole("table", { name: "Accounts" }).getByRole("link", { name: "acct_A1" }).click();
  await expect(page).toHaveURL(/[?&]account=acct_A1/);
  await page.getByRole("link", { name: "See the rows behind these charts" }).click();
  await expect(page).toHaveURL(/[?&]account=acct_A1.*view=rows|view=rows.*[?&]account=acct_A1/);
  const rows = page.getByRole("table", { name: "Usage rows" });
  await expect(rows.getByRole("cell", { name: "acct_A1" }).first()).toBeVisible();
  // Only that account's rows.
  const accounts = await rows.locator("tbody tr td:nth-child(2)").allTextContents();
  expect(new Set(accounts)).toEqual(new Set(["acct_A1"]));
  // Each row's request count: a bucketed or aggregated row stands for more than one request.
  await expect(rows.getByRole("columnheader", { name: "Requests" })).toBeVisible();
  const requests = await rows.locator("tbody tr td:nth-child(6)").allTextContents();
  expect(requests.every((r) => /^[\d,]+$/.test(r) && Number(r.replace(/,/g, "")) >= 1)).toBe(true);
  // From a row to its source: the evidence item, at that line of the stored file.
  const source = rows.getByRole("link", { name: /, line \d+$/ }).first();
  const line = Number((await source.textContent())!.match(/line ([\d,]+)$/)![1]!.replace(/,/g, ""));
  await source.click();
  const cited = page.getByRole("region", { name: `Source, line ${line.toLocaleString("en")}` });
  await expect(cited.locator('li[aria-current="true"]')).toContainText("acct_A1");
  await expect(cited.getByText(/From the stored file with SHA-256 [0-9a-f]{64}/)).toBeVisible();
});

test("import a usage log from evidence: map, validate with refused rows by line, load", async ({ browser }) => {
  const { page, caseUrl } = await openUsage(browser, "investigator@microsoft.demo");
  // A fresh file (a unique account), so the same-file refusal does not apply.
  const fixture = await readFile(path.resolve(import.meta.dirname, "../fixtures/usage/gateway.csv"), "utf8");
  const csv = fixture.replace(/acct_101/g, `acct_${randomBytes(3).toString("hex")}`);
  await page.goto(`${caseUrl}/evidence`);
  await page
    .getByLabel("Files")
    .setInputFiles([{ name: "gateway-e2e.csv", mimeType: "text/csv", buffer: Buffer.from(csv) }]);
  await page.getByRole("button", { name: "Upload 1 file" }).click();
  await expect(page.getByRole("list", { name: "Files to upload" }).getByText("Done")).toHaveCount(1, {
    timeout: 30_000,
  });

  await page.goto(`${caseUrl}/usage`);
  const start = page.getByRole("form", { name: "Import API usage" });
  await chooseEvidence(start, "gateway-e2e.csv");
  await start.getByLabel("Its shape").selectOption("gateway");
  await start.getByRole("button", { name: "Import as API usage" }).click();

  const mapping = page.getByRole("form", { name: "Map columns" });
  await expect(mapping.getByLabel("Client IP")).toHaveValue("client_ip");
  // Without a time column the form refuses, and says so beside that field.
  const time = mapping.getByLabel("Time, or bucket start (required)");
  const timeColumn = await time.inputValue();
  await time.selectOption("");
  await mapping.getByRole("button", { name: "Validate and stage" }).click();
  await expect(time).toHaveAttribute("aria-invalid", "true");
  await expect(mapping.getByText("Map a column to the time.")).toBeVisible();
  await time.selectOption(timeColumn);
  await mapping.getByRole("button", { name: "Validate and stage" }).click();
  await expect(page.getByText(/6 rows ready to load/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("region", { name: /Refused rows \(5\)/ }).getByText("line 7:")).toBeVisible();
  await page.getByRole("button", { name: "Load 6 rows" }).click();
  await expect(page.getByText("Loaded 6 rows.")).toBeVisible({ timeout: 30_000 });

  // Importing the same file again is refused with a pointer to the first import.
  await page.goto(`${caseUrl}/usage`);
  await chooseEvidence(start, "gateway-e2e.csv");
  await start.getByRole("button", { name: "Import as API usage" }).click();
  await expect(start.getByRole("alert")).toContainText("already imported into this case");
  await start.getByRole("alert").getByRole("link", { name: "Open that import" }).click();
  await expect(page.getByText("Loaded 6 rows.")).toBeVisible();
});

test("the partner sees the shared usage; someone outside the case gets 404", async ({ browser }) => {
  const { page, caseUrl } = await openUsage(browser, "investigator@openai.demo");
  await expect(page.getByRole("region", { name: "Signals" }).getByText("Limit evasion").first()).toBeVisible();
  const outsider = await (await browser.newContext()).newPage();
  await signInAs(outsider, "executive@microsoft.demo");
  expect((await outsider.goto(`${caseUrl}/usage`))?.status()).toBe(404);
});
