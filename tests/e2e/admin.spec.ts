import { expect, test } from "@playwright/test";
import { createUserAsAdmin, signIn, signInAs } from "./helpers";

// The subject is a user the admin creates here: resetting a shared demo account's password would
// lock every later spec out of it.
test("an admin resets a password: the user's open session ends and only the new password works", async ({
  browser,
}) => {
  const email = `reset-${Date.now()}@openai.demo`;
  const [first, second] = ["violet-harbour-kestrel-2026", "a-brand-new-password-2026"];
  const admin = await createUserAsAdmin(browser, "admin@openai.demo", {
    email,
    name: "Reset Subject",
    password: first,
  });

  const user = await (await browser.newContext()).newPage();
  await signIn(user, email, first);
  await expect(user.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();

  await admin.getByLabel("New password", { exact: true }).fill(second);
  await admin.getByLabel("Confirm new password").fill(second);
  await admin.getByRole("button", { name: "Reset password" }).click();
  await expect(admin.getByText(/password (was )?reset/i).first()).toBeVisible();

  await user.reload();
  await expect(user).toHaveURL(/\/sign-in/);
  await signIn(user, email, first);
  await expect(user.locator("form").getByRole("alert")).toHaveText("Incorrect email or password.");
  await signIn(user, email, second);
  await expect(user.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();
});

test("the admin pages do not exist for non-admins", async ({ page }) => {
  await signInAs(page, "investigator@microsoft.demo");
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  expect((await page.goto("/admin/users"))?.status()).toBe(404);
  expect((await page.goto("/admin/audit"))?.status()).toBe(404);
});
