import { expect, test } from "@playwright/test";
import { signIn, signInAs } from "./helpers";

test("an admin resets a password: the user's open session ends and only the new password works", async ({
  browser,
}) => {
  const user = await (await browser.newContext()).newPage();
  await signInAs(user, "executive@openai.demo");

  const admin = await (await browser.newContext()).newPage();
  await signInAs(admin, "admin@openai.demo");
  await admin.getByRole("link", { name: "Users" }).click();
  await admin.getByRole("link", { name: "OpenAI Executive" }).click();
  await admin.getByLabel("New password", { exact: true }).fill("a-brand-new-password-2026");
  await admin.getByLabel("Confirm new password").fill("a-brand-new-password-2026");
  await admin.getByRole("button", { name: "Reset password" }).click();
  await expect(admin.getByText(/password (was )?reset/i).first()).toBeVisible();

  await user.reload();
  await expect(user).toHaveURL(/\/sign-in/);
  await signIn(user, "executive@openai.demo");
  await expect(user.locator("form").getByRole("alert")).toHaveText("Incorrect email or password.");
  await signIn(user, "executive@openai.demo", "a-brand-new-password-2026");
  await expect(user.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();
});

test("the admin pages do not exist for non-admins", async ({ page }) => {
  await signInAs(page, "investigator@microsoft.demo");
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  expect((await page.goto("/admin/users"))?.status()).toBe(404);
  expect((await page.goto("/admin/audit"))?.status()).toBe(404);
});
