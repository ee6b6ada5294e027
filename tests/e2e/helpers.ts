import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "casebridge-demo";
export const DEMO_CASE_TITLE = "Suspected distillation via API — Subject cluster A";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signInAs(page: Page, email: string) {
  await signIn(page, email);
  await expect(page.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();
}

/** The sign-in form's error (Next's route announcer is an alert too, outside the form). */
export const signInError = (page: Page) => page.locator("form").getByRole("alert");
