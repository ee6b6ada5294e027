// The graph view in real Chromium (WebGL through SwiftShader here), outside the Next app: the
// spec serves the benchmark's harness page (scripts/bench/graph-harness) with a seeded
// 200-entity payload, then checks that the canvas has drawn, that selection, filters and
// expansion work, and that the three downloads are what they claim to be.
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import Graph from "graphology";
import { parse as parseGexf } from "graphology-gexf";
import { parse as parseGraphml } from "graphology-graphml";
import { buildHarnessScript, serveHarness, syntheticPayload } from "@/scripts/bench/graph-harness/harness";

const PAYLOAD = syntheticPayload(200, 800, 7);
const ACCOUNTS = PAYLOAD.nodes.filter((n) => n.kind === "ACCOUNT").length;

let harness: Awaited<ReturnType<typeof serveHarness>>;
test.beforeAll(async () => {
  harness = await serveHarness(await buildHarnessScript(), PAYLOAD);
});
test.afterAll(async () => harness?.close());

/** Colours in a PNG, decoded by the browser: how many distinct ones, and the share not white. */
async function pngColours(page: Page, png: Buffer) {
  return page.evaluate(async (base64) => {
    const blob = await (await fetch(`data:image/png;base64,${base64}`)).blob();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      if (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240) inked += 1;
    }
    return { distinct: colours.size, inkedShare: inked / (data.length / 4) };
  }, png.toString("base64"));
}

const status = (page: Page) => page.getByRole("status").filter({ hasText: /^Showing/ });
const surface = (page: Page) => page.getByRole("application", { name: /Linkage graph/ });

test("the graph view draws the payload, selects, filters, expands and exports", async ({ page }) => {
  test.setTimeout(180_000); // two bounded layouts on a software WebGL renderer
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(harness.url);
  await expect(page.locator('[data-rendered="true"]')).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(() => performance.getEntriesByName("graph-first-render").length)).toBe(1);
  await expect(status(page)).toHaveText(
    "Showing 200 of 200 entities and 800 of 800 links (links between the same two entities share one line)",
  );

  // The canvas has drawn: many colours (kinds, links, anti-aliasing), and not mostly blank.
  const drawn = await pngColours(page, await surface(page).screenshot());
  expect(drawn.distinct).toBeGreaterThan(20);
  expect(drawn.inkedShare).toBeGreaterThan(0.01);

  // The layout stops by itself (bounded iterations); positions hold still from then on.
  await expect(page.locator('[data-layout="done"]')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole("button", { name: "Run layout again" })).toBeVisible();

  // Keyboard path: find an entity by name; it is selected and the camera centres on it.
  await page.getByLabel("Find an entity").fill("acct_0");
  await page.getByRole("button", { name: /^acct_0, Account/ }).click();
  await expect(page.getByTestId("selected-readout")).toHaveText("Selected: n0");
  const details = page.getByRole("region", { name: "Selected entity" });
  await expect(details.getByRole("heading", { name: "acct_0" })).toBeVisible();
  await expect(details).toContainText("Account");

  // Escape clears it; a click on the node (now at the centre of the canvas) selects it again.
  await surface(page).focus();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("selected-readout")).toHaveText("Selected: none");
  await page.waitForTimeout(600); // the camera animation (400 ms) has ended
  const box = (await surface(page).boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByTestId("selected-readout")).toHaveText("Selected: n0");

  // Filters: hiding accounts hides them and their links, and the readout says so.
  await page.getByRole("checkbox", { name: "Account" }).uncheck();
  await expect(status(page)).toContainText(`Showing ${200 - ACCOUNTS} of 200 entities`);
  expect(ACCOUNTS).toBeGreaterThan(50);

  // Downloads: the picture as PNG (drawn), the shown subgraph as GEXF and GraphML (parseable).
  const [png] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "PNG" }).click()]);
  expect(png.suggestedFilename()).toBe("linkage-graph.png");
  const pngBytes = await readFile((await png.path())!);
  expect(pngBytes.subarray(1, 4).toString()).toBe("PNG");
  expect((await pngColours(page, pngBytes)).distinct).toBeGreaterThan(5);

  for (const format of ["GEXF", "GraphML"] as const) {
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: format }).click(),
    ]);
    const xml = await readFile((await file.path())!, "utf8");
    const graph = format === "GEXF" ? parseGexf(Graph, xml) : parseGraphml(Graph, xml);
    expect(graph.order).toBe(200 - ACCOUNTS);
    graph.forEachNode((_id, a) => expect(a.kind).not.toBe("ACCOUNT"));
    graph.forEachEdge((_id, a) => expect(typeof a.confidence).toBe("number"));
  }

  // Expand: the page merges two new neighbours into the payload; the view takes them in.
  await page.getByRole("checkbox", { name: "Account" }).check();
  await page.getByRole("button", { name: "Expand neighbours" }).click();
  await expect(page.getByTestId("expanded-readout")).toHaveText("Expanded: n0");
  await expect(status(page)).toHaveText(
    "Showing 202 of 202 entities and 802 of 802 links (links between the same two entities share one line)",
  );
  await expect(page.locator('[data-layout="done"]')).toBeVisible({ timeout: 120_000 });
  expect(errors).toEqual([]);
});
