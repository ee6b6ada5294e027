import { expect, test } from "@playwright/test";
import { DEMO_CASE_TITLE, DEMO_PASSWORD, signIn, signInAs, signInError } from "./helpers";

test("an investigator signs in, sees the seeded case, and signs out", async ({ page }) => {
  await page.goto("/cases");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fcases/);

  await signInAs(page, "investigator@openai.demo");
  await expect(page.getByRole("link", { name: DEMO_CASE_TITLE })).toBeVisible();
  await expect(page.getByText("OpenAI Investigator")).toBeVisible();

  await page.getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/cases");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("an executive who is not a member sees that the case exists, but not its contents", async ({ page }) => {
  await signInAs(page, "executive@microsoft.demo");
  await page.goto("/cases");
  await expect(page.getByText(DEMO_CASE_TITLE)).toBeVisible();
  await expect(page.getByRole("link", { name: DEMO_CASE_TITLE })).toHaveCount(0);
  // (Other specs add cases of their own to this server: look at the demo case's row.)
  const row = page.getByRole("row").filter({ hasText: DEMO_CASE_TITLE });
  await expect(row.getByRole("cell", { name: "Not a member" })).toBeVisible();
  // No dead end: the list says what these rows are and what is coming.
  await expect(page.getByText(/show their status, severity, TLP and last update only/)).toBeVisible();
  await expect(page.getByText(/Its one-page brief shows the figures and the leads' findings/)).toBeVisible();
});

test("a wrong password gets one generic message, the same as an unknown email", async ({ page }) => {
  await signIn(page, "investigator@microsoft.demo", "not-the-password");
  await expect(signInError(page)).toHaveText("Incorrect email or password.");
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, "nobody@microsoft.demo", "not-the-password");
  await expect(signInError(page)).toHaveText("Incorrect email or password.");

  // A password longer than any accepted is said to be so, not taken for a missing one.
  await signIn(page, "nobody@microsoft.demo", "x".repeat(1_100));
  await expect(signInError(page)).toHaveText("A password is at most 1,024 characters: this one is longer.");
});

test("five failed attempts lock the account, even against the right password", async ({ page }) => {
  const email = "legal@openai.demo";
  for (let attempt = 1; attempt <= 4; attempt++) {
    await signIn(page, email, `wrong-${attempt}`);
    await expect(signInError(page)).toHaveText("Incorrect email or password.");
  }
  await signIn(page, email, "wrong-5");
  await expect(signInError(page)).toContainText("locked for 15 minutes");
  await signIn(page, email);
  await expect(signInError(page)).toContainText("locked for 15 minutes");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the form's sign-in is one same-origin request: another site's is refused and sets no cookie", async ({
  page,
  request,
}) => {
  const posts: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" || r.url().includes("/api/auth/"))
      posts.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  await signInAs(page, "investigator@openai.demo");
  expect(posts).toEqual(["POST /api/auth/sign-in"]);

  const forged = await request.post("/api/auth/sign-in", {
    data: { email: "investigator@openai.demo", password: DEMO_PASSWORD },
    headers: { origin: "https://evil.example" },
  });
  expect(forged.status()).toBe(403);
  expect(forged.headers()["set-cookie"]).toBeUndefined();
  expect((await request.get("/api/cases")).status()).toBe(401);
});

test("the API answers 401 JSON to anonymous callers, and health is public", async ({ request }) => {
  const cases = await request.get("/api/cases");
  expect(cases.status()).toBe(401);
  expect(cases.headers()["content-type"]).toContain("application/problem+json");
  expect(await cases.json()).toMatchObject({ status: 401, code: "unauthorized" });

  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({
    status: "ok",
    database: "reachable",
    latestMigration: expect.stringMatching(/^\d{14}_\w+$/),
  });
});
