import { expect, test, type Browser } from "@playwright/test";
import { signIn, signInAs, signInError } from "./helpers";

// Server-side sessions through the real app: a copied session cookie stops working the moment
// its session ends, whoever ends it.

async function signedInPage(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, email);
  return { context, page };
}

test("a session cookie replayed after sign-out is refused, by pages and by the API", async ({ browser }) => {
  const { context, page } = await signedInPage(browser, "legal@microsoft.demo");
  const cookies = await context.cookies();
  expect((await page.request.get("/api/cases")).status()).toBe(200);

  await page.getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  // An attacker who copied the cookie before sign-out.
  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const stolen = await replay.newPage();
  await stolen.goto("/cases");
  await expect(stolen).toHaveURL(/\/sign-in/);
  const api = await stolen.request.get("/api/cases");
  expect(api.status()).toBe(401);
  expect(await api.text()).not.toContain("Subject cluster");
});

test("a user sees their sessions and ends another one, which is signed out at its next request", async ({
  browser,
}) => {
  const laptop = await signedInPage(browser, "legal@microsoft.demo");
  const phone = await signedInPage(browser, "legal@microsoft.demo");

  await laptop.page.getByRole("link", { name: "Sessions" }).click();
  await expect(laptop.page.getByRole("heading", { name: "Your sessions", level: 1 })).toBeVisible();
  await expect(laptop.page.getByText("This session")).toHaveCount(1);
  await laptop.page.getByRole("button", { name: "End all other sessions" }).click();
  await expect(laptop.page.getByText(/other sessions? ended/)).toBeVisible();

  await phone.page.reload();
  await expect(phone.page).toHaveURL(/\/sign-in/);
  await laptop.page.goto("/cases");
  await expect(laptop.page.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();
});

test("an admin ends all of a user's sessions; another organisation's admin cannot reach that user", async ({
  browser,
}) => {
  const user = await signedInPage(browser, "legal@microsoft.demo");
  const admin = await signedInPage(browser, "admin@microsoft.demo");
  await admin.page.getByRole("link", { name: "Users" }).click();
  await admin.page.getByRole("link", { name: "Microsoft Legal" }).click();
  await expect(admin.page.getByRole("heading", { name: "Microsoft Legal reviewer", level: 1 })).toBeVisible();
  const userUrl = admin.page.url();
  await expect(admin.page.getByText(/\d+ active sessions?/)).toBeVisible();
  await admin.page.getByRole("button", { name: "End all sessions" }).click();
  await expect(admin.page.getByText(/sessions? ended\./)).toBeVisible();

  await user.page.reload();
  await expect(user.page).toHaveURL(/\/sign-in/);

  const foreign = await signedInPage(browser, "admin@openai.demo");
  expect((await foreign.page.goto(userUrl))?.status()).toBe(404);
});

test("a locked account is unlocked by its organisation's admin", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  for (let attempt = 1; attempt <= 4; attempt++) {
    await signIn(page, "executive@microsoft.demo", `wrong-${attempt}`);
    await expect(signInError(page)).toHaveText("Incorrect email or password.");
  }
  await signIn(page, "executive@microsoft.demo", "wrong-5");
  await expect(signInError(page)).toContainText("locked for 15 minutes");

  const admin = await signedInPage(browser, "admin@microsoft.demo");
  await admin.page.getByRole("link", { name: "Users" }).click();
  await admin.page.getByRole("link", { name: "Microsoft Executive" }).click();
  await expect(admin.page.getByText(/Sign-in is locked/)).toBeVisible();
  await admin.page.getByRole("button", { name: "Unlock sign-in" }).click();
  await expect(admin.page.getByText("Sign-in unlocked.")).toBeVisible();

  await signInAs(page, "executive@microsoft.demo");
});
