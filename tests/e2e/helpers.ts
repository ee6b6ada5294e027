import { expect, type Browser, type ConsoleMessage, type Page } from "@playwright/test";

/** Where the app under test listens (playwright.config.ts and server.ts read the same variable). */
// eslint-disable-next-line no-restricted-properties -- the harness chooses its port
export const ORIGIN = `http://localhost:${process.env.E2E_PORT ?? 3100}`;

export const DEMO_PASSWORD = "casebridge-demo";
export const DEMO_CASE_TITLE = "Suspected distillation via API — Subject cluster A";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in and waits for the landing page: the case list, or the summary for executives. */
export async function signInAs(page: Page, email: string) {
  await signIn(page, email);
  await expect(page.getByRole("heading", { name: /^(Cases|Portfolio summary)$/, level: 1 })).toBeVisible();
}

/** The sign-in form's error (Next's route announcer is an alert too, outside the form). */
export const signInError = (page: Page) => page.locator("form").getByRole("alert");

// The timeline list is virtualised (only rows on screen exist), so counts come from its status line.
export const timelineLoaded = (page: Page) => page.getByRole("status").filter({ hasText: "events loaded" });

/** The server renders times in UTC; the zone picker shows the browser's zone once React runs. */
export async function timelineHydrated(page: Page, timezoneId = "America/Los_Angeles") {
  // The first render of a freshly started server can take a while on a busy machine.
  // (The events' region is hidden while the list is empty, so the time zone picker is waited for.)
  const zone = page.getByLabel("Time zone", { exact: true });
  await expect(zone).toBeVisible({ timeout: 30_000 });
  await expect(zone).toHaveValue(timezoneId);
}

/** Signs in (a new context in `timezoneId`) and opens the demo case's Timeline tab. */
export async function openTimeline(
  browser: Browser,
  email: string,
  timezoneId = "America/Los_Angeles",
): Promise<{ page: Page; caseId: string }> {
  const page = await (await browser.newContext({ timezoneId, acceptDownloads: true })).newPage();
  await signInAs(page, email);
  await page.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO_CASE_TITLE);
  const caseId = page.url().split("/cases/")[1]!.split("/")[0]!;
  await page.getByRole("link", { name: "Timeline" }).click();
  await timelineHydrated(page, timezoneId);
  // Loaded whole (not by client navigation), the server-rendered page must hydrate as is: a
  // mismatch (React error 418) makes React throw the server's HTML away and redraw the page.
  const errors: string[] = [];
  const onError = (e: Error) => errors.push(e.message);
  const onConsole = (m: ConsoleMessage) =>
    m.type() === "error" && /hydrat|#418|#423|#425/i.test(m.text()) && errors.push(m.text());
  page.on("pageerror", onError);
  page.on("console", onConsole);
  await page.reload();
  await timelineHydrated(page, timezoneId);
  await page.waitForLoadState("networkidle");
  page.off("pageerror", onError);
  page.off("console", onConsole);
  expect(errors, "errors while the timeline page hydrated").toEqual([]);
  return { page, caseId };
}

/**
 * A new investigator, created through the admin UI by `adminEmail` (in a context of its own), for
 * journeys that change a user's password: a shared demo account must keep its own. Returns the
 * admin's page, on the new user's page.
 */
export async function createUserAsAdmin(
  browser: Browser,
  adminEmail: string,
  user: { email: string; name: string; password: string },
): Promise<Page> {
  const admin = await (await browser.newContext()).newPage();
  await signInAs(admin, adminEmail);
  await admin.getByRole("link", { name: "Users" }).click();
  await admin.getByRole("link", { name: "New user" }).click();
  await admin.getByLabel("Email").fill(user.email);
  await admin.getByLabel("Full name").fill(user.name);
  await admin.getByLabel("Global role").selectOption("INVESTIGATOR");
  await admin.getByLabel("Initial password").fill(user.password);
  await admin.getByLabel("Confirm password").fill(user.password);
  await admin.getByRole("button", { name: "Create user" }).click();
  await expect(admin.getByRole("heading", { name: user.name, level: 1 })).toBeVisible();
  return admin;
}
