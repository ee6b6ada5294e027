import { createRequire } from "node:module";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_CASE_TITLE, signInAs } from "./helpers";

// axe-core (WCAG 2.1 A and AA rules) on every tab of the demo case, in a real browser, with the
// demo data shown: no critical violation on any of them.

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const TABS = ["", "evidence", "timeline", "usage", "linkages", "notes", "activity", "members"];

// axe is injected as a script tag, which the pages' nonce CSP (proxy.ts) rightly refuses; the
// browser lets this test's own injection through (the CSP itself is checked by attacks.spec.ts).
test.use({ bypassCSP: true });

type TViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

async function violations(page: Page): Promise<TViolation[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: TViolation[] }> } }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
}

test("the case's pages have no critical WCAG 2.1 AA violation", async ({ page }) => {
  await signInAs(page, "investigator@microsoft.demo");
  await page.getByRole("link", { name: DEMO_CASE_TITLE }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(DEMO_CASE_TITLE);
  const caseId = page.url().split("/cases/")[1]!.split("/")[0]!;
  const found: Record<string, string[]> = {};
  for (const tab of TABS) {
    expect((await page.goto(`/cases/${caseId}/${tab}`))?.status()).toBe(200);
    await page.waitForLoadState("networkidle");
    const critical = (await violations(page)).filter((v) => v.impact === "critical");
    found[tab || "overview"] = critical.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
    );
  }
  expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
});

test("the first Tab stop skips the header to the page's content", async ({ page }) => {
  await signInAs(page, "investigator@microsoft.demo");
  await page.goto("/cases");
  // Keys pressed while the page's scripts still load and React attaches can land before it does,
  // and focus then moves under them (seen once in CI: the Tab after the skip left the page).
  await page.waitForLoadState("networkidle");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#content")).toBeFocused();
  // The next Tab lands inside the page, not on the header's links.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.closest("main") !== null)).toBe(true);
});
