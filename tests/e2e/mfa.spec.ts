import { expect, test } from "@playwright/test";
import { generate } from "otplib";
import { signIn, signInAs, signInError } from "./helpers";

// Two-step sign-in, optional for an investigator (the e2e server sets MFA_REQUIRED_FOR=none so
// the other journeys sign in with the password; the required path is in lib/auth/mfa.test.ts).
const EMAIL = "investigator@openai.demo";
const nextStepCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

test("a user turns on two-step sign-in, signs in with a code and a recovery code; their admin resets it", async ({
  browser,
}) => {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, EMAIL);
  await page.getByRole("link", { name: "Sessions" }).click();
  await page.getByRole("link", { name: "Two-step sign-in" }).click();
  await expect(page.getByRole("heading", { name: "Set up two-step sign-in" })).toBeVisible();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await page.locator("code").textContent())!.trim();

  await page.getByLabel("Code from your app").fill("000000");
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not right" })).toBeVisible();
  await page.getByLabel("Code from your app").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.getByText("Two-step sign-in is on.")).toBeVisible();
  const recovery = await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allTextContents();
  expect(recovery).toHaveLength(10);

  // Password alone is not enough any more.
  const other = await (await browser.newContext()).newPage();
  await signIn(other, EMAIL);
  await expect(other.getByLabel("Authentication code")).toBeVisible();
  await other.getByLabel("Authentication code").fill("123456");
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(signInError(other)).toContainText("That code is not right");
  await other.getByLabel("Authentication code").fill(await nextStepCode(secret));
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();

  const third = await (await browser.newContext()).newPage();
  await signIn(third, EMAIL);
  await third.getByLabel("Authentication code").fill(recovery[0]!);
  await third.getByRole("button", { name: "Sign in" }).click();
  await expect(third.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();

  // Lost phone: the organisation's admin resets it; the user signs in with the password again.
  const admin = await (await browser.newContext()).newPage();
  await signInAs(admin, "admin@openai.demo");
  await admin.getByRole("link", { name: "Users" }).click();
  await admin.getByRole("link", { name: "OpenAI Investigator" }).click();
  await expect(admin.getByText("Two-step sign-in is on.")).toBeVisible();
  await admin.getByRole("button", { name: "Reset two-step sign-in" }).click();
  await expect(admin.getByText("Two-step sign-in reset")).toBeVisible();
  await third.reload();
  await expect(third).toHaveURL(/\/sign-in/);
  await signInAs(third, EMAIL);
});
