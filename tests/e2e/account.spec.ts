import { expect, test } from "@playwright/test";
import { createUserAsAdmin, signIn } from "./helpers";

// A user changes their own password (ASVS 6.2.2, 6.2.3). The subject is a user an admin creates
// here: changing a shared demo account's password would lock every later spec out of it.
test("a user changes their own password: the current one is required, other sessions end, only the new one works", async ({
  browser,
}) => {
  const email = `own-password-${Date.now()}@microsoft.demo`;
  const [first, second] = ["amber-orchid-lighthouse-2026", "silver-meadow-compass-2026"];
  await createUserAsAdmin(browser, "admin@microsoft.demo", { email, name: "Password Subject", password: first });

  const signedInAs = async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email, first);
    await expect(page.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();
    return page;
  };
  const elsewhere = await signedInAs();
  const page = await signedInAs();
  await page.goto("/account/sessions");
  await page.getByRole("link", { name: "Change password" }).click();
  await expect(page.getByRole("heading", { name: "Change your password", level: 1 })).toBeVisible();

  // A wrong current password is refused under its field, and changes nothing.
  await page.getByLabel("Current password").fill("not-the-password-2026");
  await page.getByLabel("New password", { exact: true }).fill(second);
  await page.getByLabel("Confirm new password").fill(second);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("This is not your current password.")).toBeVisible();

  await page.getByLabel("Current password").fill(first);
  await page.getByLabel("New password", { exact: true }).fill(second);
  await page.getByLabel("Confirm new password").fill(second);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText(/Password changed\. Your 1 other session has ended\./)).toBeVisible();

  // This browser stays signed in; the other one is out at its next request.
  await page.goto("/account/sessions");
  await expect(page.getByRole("heading", { name: "Your sessions", level: 1 })).toBeVisible();
  await elsewhere.reload();
  await expect(elsewhere).toHaveURL(/\/sign-in/);
  await signIn(elsewhere, email, first);
  await expect(elsewhere.locator("form").getByRole("alert")).toHaveText("Incorrect email or password.");
  await signIn(elsewhere, email, second);
  await expect(elsewhere.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();
});
