import { expect, test, type Page } from "@playwright/test";
import { testIdpPort } from "@/tests/helpers/test-idp";
import { signInAs, signInError } from "./helpers";

// Single sign-on end to end, against the real OpenID Connect provider tests/e2e/server.ts starts
// (oidc-provider): the browser goes to the IdP, signs in there and comes back with a code that
// the app exchanges (PKCE) for a signed ID token (nonce), the state checked on return.

// Each journey crosses two servers (app and IdP) several times: more than the default minute on a
// loaded machine.
test.describe.configure({ timeout: 180_000 });

// eslint-disable-next-line no-restricted-properties -- the harness chooses its port
const IDP = `http://127.0.0.1:${testIdpPort(Number(process.env.E2E_PORT ?? 3100))}`;

/** From the sign-in page through the IdP's own sign-in and consent, as `login`. */
async function signInAtIdp(page: Page, login: string, provider = "Test IdP") {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: `Continue with ${provider}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${IDP}/interaction/`));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password at the test IdP");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

async function expectSignedOut(page: Page) {
  await page.goto("/cases");
  await expect(page).toHaveURL(/\/sign-in/);
}

test("a new organisation user signs in through the IdP and gets a server-side session", async ({ page }) => {
  await signInAtIdp(page, "sso-analyst");
  await expect(page.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();
  await expect(page.getByText("Sso Analyst")).toBeVisible();
  // The same session as a password sign-in: listed on the Sessions page, and it ends there.
  await page.goto("/account/sessions");
  await expect(page.getByText("This session")).toBeVisible();
  await page.getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expectSignedOut(page);
});

test("an email outside the provider's domains is refused", async ({ page }) => {
  await signInAtIdp(page, "mallory");
  await expect(page).toHaveURL(/\/sign-in\?error=SsoDomain/);
  await expect(signInError(page)).toContainText("not one this sign-in accepts");
  await expectSignedOut(page);
});

test("an IdP identity with a password user's email is not linked to that user", async ({ page, browser }) => {
  await signInAtIdp(page, "lookalike-investigator");
  await expect(page).toHaveURL(/\/sign-in\?error=SsoEmailTaken/);
  await expect(signInError(page)).toContainText("not linked to single sign-on");
  await expectSignedOut(page);
  // The real owner still signs in with the password, as herself.
  const owner = await (await browser.newContext()).newPage();
  await signInAs(owner, "investigator@microsoft.demo");
  await expect(owner.getByText("Microsoft Investigator")).toBeVisible();
});

test("a provider mapped to an organisation that does not exist is refused", async ({ page }) => {
  await signInAtIdp(page, "sso-analyst", "Unmapped IdP");
  await expect(page).toHaveURL(/\/sign-in\?error=SsoNoOrganisation/);
  await expectSignedOut(page);
});

// Each tampering rewrites one parameter of the authorization request on its way to the IdP, so
// what comes back no longer matches the signed cookie the app set when it started the flow.
for (const [param, what] of [
  ["state", "a tampered state"],
  ["nonce", "an ID token with a tampered nonce"],
  ["code_challenge", "a code that fails its PKCE check"],
] as const) {
  test(`${what} is refused`, async ({ page }) => {
    await page.route(`${IDP}/auth?**`, (route) => {
      const url = new URL(route.request().url());
      expect(url.searchParams.get(param)).toBeTruthy();
      url.searchParams.set(param, `tampered-${param}-0123456789abcdefghijklmnopqrstuvwxyz`);
      return route.continue({ url: url.toString() });
    });
    await signInAtIdp(page, "sso-analyst");
    await expect(page).toHaveURL(/\/sign-in\?.*error=(OAuthCallback|Callback)\b/);
    await expect(signInError(page)).toContainText(/Single sign-on failed/);
    await expectSignedOut(page);
  });
}
