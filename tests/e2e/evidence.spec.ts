import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_CASE_TITLE, signInAs, ORIGIN } from "./helpers";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const meta = (m: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ kind: "OTHER", mimeType: "application/octet-stream", ...m })).toString("base64url");
// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

async function openDemoCase(browser: Browser, email: string): Promise<{ page: Page; caseUrl: string }> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signInAs(page, email);
  await page.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  // Contains, not equals: tests/e2e/cases.spec.ts renames the demo case on the same server.
  await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO_CASE_TITLE);
  return { page, caseUrl: page.url() };
}

test("upload with progress, preview, download identical bytes, verify", async ({ browser }) => {
  const { page } = await openDemoCase(browser, "investigator@microsoft.demo");
  await page.getByRole("link", { name: "Evidence" }).click();
  const csv = Buffer.from(
    `timestamp,account,api_key,tokens\n2026-01-02T03:04:05Z,acct_${randomBytes(3).toString("hex")},sk-…a1,1200\n2026-01-02T03:04:06Z,acct_9c1,sk-…b2,900\n`,
  );
  await page.getByLabel("Files").setInputFiles([
    { name: "usage-export.csv", mimeType: "text/csv", buffer: csv },
    { name: "dashboard.png", mimeType: "image/png", buffer: Buffer.concat([PNG, randomBytes(0)]) },
  ]);
  const form = page.getByRole("form", { name: "Upload evidence" });
  await form.getByLabel("Kind").selectOption("API_LOG_EXPORT");
  await form.getByLabel("Tags").fill("usage, e2e");
  await page.getByRole("button", { name: "Upload 2 files" }).click();
  const list = page.getByRole("list", { name: "Files to upload" });
  await expect(list.getByText("Done")).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByRole("progressbar", { name: "Upload of usage-export.csv" })).toHaveAttribute("value", "100");
  // The next file starts from a fresh form, and the list agrees the upload was verified.
  await expect(form.getByLabel("Tags")).toHaveValue("");
  await expect(form.getByLabel("Kind")).not.toHaveValue("API_LOG_EXPORT");

  await list.getByRole("link", { name: "usage-export.csv" }).click();
  await expect(page.getByRole("heading", { name: "usage-export.csv", level: 2 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Evidence details" }).getByText(sha256(csv))).toBeVisible();
  await expect(
    page.getByRole("region", { name: "Evidence details" }).getByText("Intact", { exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole("table", { name: "First rows of the CSV file" }).getByRole("cell", { name: "api_key" }),
  ).toBeVisible();
  await expect(
    page.getByRole("table", { name: "Chain of custody" }).getByRole("cell", { name: "Uploaded", exact: true }),
  ).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("usage-export.csv");
  expect(sha256(await readFile((await download.path())!))).toBe(sha256(csv));

  await page.getByRole("button", { name: "Verify integrity" }).click();
  await expect(page.getByText("Intact: the stored file matches its recorded SHA-256.")).toBeVisible();
  await page.reload();
  await expect(
    page
      .getByRole("table", { name: "Chain of custody" })
      .getByRole("cell", { name: "Verified: intact", exact: true })
      .first(),
  ).toBeVisible();

  // The collection time is picked, not typed, and read in the UTC its label names.
  const edit = page.getByRole("region", { name: "Edit metadata" });
  await edit.getByLabel("Collected at (UTC)").fill("2026-01-31T12:00:07");
  await edit.getByRole("button", { name: "Save metadata" }).click();
  await expect(edit.getByText("Saved.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Evidence details" })).toContainText("2026-01-31 12:00:07 UTC");
  await page.reload();
  await expect(page.getByRole("region", { name: "Edit metadata" }).getByLabel("Collected at (UTC)")).toHaveValue(
    "2026-01-31T12:00:07",
  );

  await page.getByRole("link", { name: "← All evidence" }).click();
  await page.getByRole("link", { name: "dashboard.png" }).click();
  const image = page.getByRole("img", { name: "Preview of dashboard.png" });
  await expect(image).toBeVisible();
  // Visible is not yet decoded: its width is 0 until the bytes have arrived.
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : -1))).toBe(1);
});

test("a file over 10 MB streams through the real server intact; downloads are sandboxed attachments", async ({
  browser,
}) => {
  const { page, caseUrl } = await openDemoCase(browser, "investigator@microsoft.demo");
  const caseId = caseUrl.split("/cases/")[1]!;
  const bytes = randomBytes(12 * 1024 * 1024 + 7);
  const response = await page.request.post(`/api/cases/${caseId}/evidence`, {
    data: bytes,
    headers: {
      Origin: ORIGIN,
      "Content-Type": "application/octet-stream",
      "X-Evidence-Metadata": meta({ title: "Large capture", fileName: "capture.bin" }),
      "X-Content-SHA256": sha256(bytes),
    },
  });
  expect(response.status()).toBe(201);
  const { id, sha256: stored, size } = await response.json();
  expect(stored).toBe(sha256(bytes));
  expect(size).toBe(bytes.length);

  const file = await page.request.get(`/api/cases/${caseId}/evidence/${id}/download`);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-disposition"]).toMatch(/^attachment; filename="capture.bin"/);
  expect(file.headers()["x-content-type-options"]).toBe("nosniff");
  expect(file.headers()["content-security-policy"]).toMatch(/^sandbox/);
  expect(sha256(await file.body())).toBe(sha256(bytes));
});

test("refused uploads: cross-site, wrong content type, bad hash, interrupted — nothing is kept", async ({
  browser,
}) => {
  const { page, caseUrl } = await openDemoCase(browser, "investigator@microsoft.demo");
  const caseId = caseUrl.split("/cases/")[1]!;
  const api = `/api/cases/${caseId}/evidence`;
  const count = async () => (await (await page.request.get(api)).json()).total as number;
  const before = await count();
  const bytes = randomBytes(4096);
  const headers = {
    Origin: ORIGIN,
    "Content-Type": "application/octet-stream",
    "X-Evidence-Metadata": meta({ title: "Refused", fileName: "refused.bin" }),
  };

  expect(
    (await page.request.post(api, { data: bytes, headers: { ...headers, Origin: "https://evil.example" } })).status(),
  ).toBe(403);
  expect(
    (
      await page.request.post(api, {
        data: bytes,
        headers: { ...headers, "Content-Type": "multipart/form-data; boundary=x" },
      })
    ).status(),
  ).toBe(415);
  const badHash = await page.request.post(api, {
    data: bytes,
    headers: { ...headers, "X-Content-SHA256": sha256(Buffer.from("other")) },
  });
  expect(badHash.status()).toBe(400);
  expect(badHash.headers()["content-type"]).toContain("application/problem+json");
  expect((await badHash.json()).title).toMatch(/does not match the SHA-256/);
  const badName = await page.request.post(api, {
    data: bytes,
    headers: { ...headers, "X-Evidence-Metadata": meta({ title: "x", fileName: "../../etc/passwd" }) },
  });
  expect(badName.status()).toBe(400);

  // Announce 8 MiB, send 1 MiB, drop the connection.
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  await new Promise<void>((resolve) => {
    const req = httpRequest(`${ORIGIN}${api}`, {
      method: "POST",
      headers: { ...headers, Cookie: cookie, "Content-Length": String(8 * 1024 * 1024) },
    });
    req.on("error", () => resolve());
    req.on("close", () => resolve());
    req.write(randomBytes(1024 * 1024), () => setTimeout(() => req.destroy(), 200));
  });
  await page.waitForTimeout(500);
  expect(await count()).toBe(before);
});

test("someone outside the case gets 404 for the evidence page, item and download", async ({ browser }) => {
  const { page, caseUrl } = await openDemoCase(browser, "investigator@microsoft.demo");
  const caseId = caseUrl.split("/cases/")[1]!;
  const upload = await page.request.post(`/api/cases/${caseId}/evidence`, {
    data: Buffer.from(`outsider check ${Date.now()}`),
    headers: {
      Origin: ORIGIN,
      "Content-Type": "application/octet-stream",
      "X-Evidence-Metadata": meta({ title: "Members only", fileName: "members.txt", mimeType: "text/plain" }),
    },
  });
  const { id } = await upload.json();
  const outsider = await (await browser.newContext()).newPage();
  await signInAs(outsider, "executive@microsoft.demo"); // lists the case (same org), is no member
  expect((await outsider.goto(`${caseUrl}/evidence`))?.status()).toBe(404);
  expect((await outsider.goto(`${caseUrl}/evidence/${id}`))?.status()).toBe(404);
  expect((await outsider.request.get(`/api/cases/${caseId}/evidence/${id}/download`)).status()).toBe(404);
  expect((await outsider.request.get(`/api/cases/${caseId}/evidence`)).status()).toBe(404);
});
