import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_CASE_TITLE, signInAs } from "./helpers";

async function openCase(browser: Browser, email: string): Promise<{ page: Page; caseUrl: string }> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signInAs(page, email);
  await page.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO_CASE_TITLE);
  return { page, caseUrl: page.url() };
}

test("import usage, review the proposals it makes, and see the new cluster", async ({ browser }) => {
  const { page, caseUrl } = await openCase(browser, "investigator@microsoft.demo");
  const tag = randomBytes(3).toString("hex");
  const csv = [
    "time,account_id,api_key_id,client_ip,model,input_tokens,output_tokens,status_code,payment_fingerprint",
    `2026-11-05T10:00:00Z,acct_${tag}_1,key_${tag}_1,192.0.2.10,gpt-4o,100,2000,200,pf_${tag}`,
    `2026-11-05T10:05:00Z,acct_${tag}_2,key_${tag}_2,192.0.2.11,gpt-4o,100,2000,200,pf_${tag}`,
  ].join("\n");
  await page.goto(`${caseUrl}/evidence`);
  await page
    .getByLabel("Files")
    .setInputFiles([{ name: `linkage-${tag}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv) }]);
  await page.getByRole("button", { name: "Upload 1 file" }).click();
  await expect(page.getByRole("list", { name: "Files to upload" }).getByText("Done")).toHaveCount(1, {
    timeout: 30_000,
  });
  await page.goto(`${caseUrl}/usage`);
  const start = page.getByRole("form", { name: "Import API usage" });
  const select = start.getByLabel("Evidence file");
  await select.selectOption(
    (await select
      .locator("option", { hasText: `linkage-${tag}.csv` })
      .first()
      .getAttribute("value"))!,
  );
  await start.getByRole("button", { name: "Import as API usage" }).click();
  await page.getByRole("form", { name: "Map columns" }).getByRole("button", { name: "Validate and stage" }).click();
  await page.getByRole("button", { name: "Load 2 rows" }).click({ timeout: 30_000 });
  await expect(page.getByText("Loaded 2 rows.")).toBeVisible({ timeout: 30_000 });

  // The rules run just after the load (signals first): the proposals follow within seconds.
  const proposals = page.getByRole("region", { name: /Proposals to review/ });
  await expect(async () => {
    await page.goto(`${caseUrl}/linkages`);
    await expect(proposals.getByRole("form", { name: `Accept acct_${tag}_1 to pf_${tag}` })).toBeVisible({
      timeout: 1_000,
    });
  }).toPass({ timeout: 30_000 });
  for (const n of [1, 2]) {
    const accept = proposals.getByRole("form", { name: `Accept acct_${tag}_${n} to pf_${tag}` });
    await accept.getByRole("button", { name: "Accept" }).click();
    await expect(accept).toHaveCount(0); // decided: the row leaves the list
  }
  await page.reload();
  const clusters = page.getByRole("region", { name: /Clusters/ });
  await expect(clusters.getByRole("link", { name: `Cluster of acct_${tag}_1` })).toBeVisible();

  // Rejecting is remembered: the office accounts' organisation-id proposal goes and stays gone.
  const office = proposals.getByRole("form", { name: /^Reject acct_office_1 to / });
  const before = await proposals.getByRole("form", { name: /^Reject acct_office_/ }).count();
  await office.first().getByRole("button", { name: "Reject" }).click();
  await expect(proposals.getByRole("form", { name: /^Reject acct_office_/ })).toHaveCount(before - 1);
  await page.reload();
  await expect(proposals.getByRole("form", { name: /^Reject acct_office_/ })).toHaveCount(before - 1);

  // A link by hand, to an entity named as the log writes it (no id to copy).
  await page.goto(`${caseUrl}/linkages/entities?q=acct_${tag}_1`);
  await page.getByRole("link", { name: `acct_${tag}_1`, exact: true }).click();
  const addLink = page.getByRole("form", { name: "Add a link" });
  await addLink.getByLabel("To: the other entity's kind").selectOption("ACCOUNT");
  await addLink.getByLabel("Its value (or its id)").fill(`acct_${tag}_2`);
  await addLink.getByLabel("Why do we believe this?").fill("Same support ticket signature");
  await addLink.getByRole("button", { name: "Add link" }).click();
  await expect(page).toHaveURL(/\/linkages\/links\/[0-9a-f-]{36}$/);
  await expect(
    page.getByRole("region", { name: "Why do we believe this?" }).getByText("Same support ticket signature"),
  ).toBeVisible();
});

test("the named cluster's graph draws, a path shows the evidence of each hop, the picture exports", async ({
  browser,
}) => {
  test.setTimeout(150_000); // a bounded layout on a software WebGL renderer
  const { page } = await openCase(browser, "investigator@openai.demo");
  await page.getByRole("link", { name: "Linkages", exact: true }).click();
  // The floor the clusters are drawn at is one of the choices, and shown as the current one.
  const floors = page.getByRole("navigation", { name: "Confidence floor" });
  await expect(floors.getByRole("link", { name: "50 and above (this case's setting)" })).toHaveAttribute(
    "aria-current",
    "true",
  );

  // How is acct_A1 linked to acct_A6? Through what they share, hop by hop, with the evidence.
  await page.getByLabel("From", { exact: true }).fill("acct_A1");
  await page.getByLabel("To", { exact: true }).fill("ACCT_A6");
  await page.getByRole("button", { name: "Find path" }).click();
  const path = page.getByRole("list", { name: "Path from acct_a1 to acct_a6" });
  await expect(path.getByRole("listitem")).toHaveCount(2);
  await expect(path.getByRole("link", { name: /^Gateway request log, .+ \(synthetic\)$/ }).first()).toBeVisible();
  await path.getByRole("link", { name: "Why do we believe this?" }).first().click();
  await expect(page.getByRole("region", { name: "Why do we believe this?" })).toContainText(/seen on 6 accounts/);
  await page.goBack();

  await page.getByRole("link", { name: "Subject cluster A" }).click();
  await expect(page.getByRole("heading", { name: "Subject cluster A", exact: true })).toBeVisible();
  // The keys the accounts used are counted from the usage logs; a key of one account is not drawn.
  await expect(page.getByLabel("Cluster totals").getByText("API keys used")).toBeVisible();
  await expect(page.getByText(/counted here but not drawn/)).toBeVisible();
  await expect(page.locator('[data-rendered="true"]')).toBeVisible({ timeout: 30_000 });
  // Laid out, every node and label is in the frame: a band inside the canvas's edge stays blank.
  const graph = page.locator('[role="application"][data-layout="done"]');
  await expect(graph).toBeVisible({ timeout: 60_000 });
  const shot = await graph.screenshot();
  const blank = await page.context().newPage(); // decoded outside the app's content security policy
  const edgeInk = await blank.evaluate(async (base64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext("2d")!;
    ctx.drawImage(bitmap, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    let inked = 0;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const band = Math.min(x, y, width - 1 - x, height - 1 - y);
        if (band < 4 || band > 8) continue; // inside the border, outside the stage's padding
        const i = (y * width + x) * 4;
        if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) inked++;
      }
    return inked;
  }, shot.toString("base64"));
  await blank.close();
  expect(edgeInk).toBe(0);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: /PNG/ }).click();
  expect((await download).suggestedFilename()).toMatch(/\.png$/);
  const stix = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export as STIX 2.1" }).click();
  expect((await stix).suggestedFilename()).toMatch(/\.stix\.json$/);
});

test("someone outside the case gets 404 on the linkage pages", async ({ browser }) => {
  const { caseUrl } = await openCase(browser, "investigator@microsoft.demo");
  const outsider = await (await browser.newContext()).newPage();
  await signInAs(outsider, "executive@microsoft.demo");
  expect((await outsider.goto(`${caseUrl}/linkages`))?.status()).toBe(404);
  expect((await outsider.goto(`${caseUrl}/linkages/entities`))?.status()).toBe(404);
});
