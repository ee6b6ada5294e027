import { expect, test } from "@playwright/test";

// Signed out, the browser must still get the icons and the manifest (the proxy lets them pass).
test("favicon, icons and the web manifest are served to a signed-out browser", async ({ request, page }) => {
  for (const [path, type] of [
    ["/favicon.ico", /icon/],
    ["/icon.svg", /svg/],
    ["/icon-192.png", /png/],
    ["/manifest.webmanifest", /manifest\+json|json/],
  ] as const) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(200);
    expect(response.headers()["content-type"], path).toMatch(type);
  }
  await page.goto("/sign-in");
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute("href", /favicon\.ico|icon\.svg/);
});
