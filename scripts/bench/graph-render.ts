// Graph view render benchmark: a seeded synthetic cluster (5,000 entities, 20,000 links by
// default) drawn by components/linkage/graph-view.tsx in headless Chromium. Prints the payload
// size and the time from navigation start to the first rendered frame (data-rendered="true",
// the "graph-first-render" mark): median and p95 of fresh page loads. Target: under 3 s.
//
//   npx tsx scripts/bench/graph-render.ts [--nodes 5000] [--edges 20000] [--runs 3]
//
// WebGL here: Debian's Chromium has no GPU on these machines and falls back to SwiftShader
// (ANGLE on Vulkan, software). It does so with the e2e flags (--disable-gpu included);
// --enable-unsafe-swiftshader opts in explicitly, as Chromium has deprecated the silent fallback.
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { fmt, log, stats, verdict, type TStats } from "@/scripts/bench/common";
import type { TGraphPayload } from "@/lib/linkage/graph-types";
import { buildHarnessScript, serveHarness, syntheticPayload } from "@/scripts/bench/graph-harness/harness";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader"];
export const FIRST_RENDER_TARGET_MS = 3000;
const LAYOUT_WAIT_MS = 240_000; // a layout still running then is reported as "> 240 s"

export type TGraphRenderResult = {
  nodes: number;
  edges: number;
  payloadBytes: number;
  firstRender: TStats;
  layoutDone: TStats; // first frame → ForceAtlas2 stopped by itself (its bounded iterations)
  filter: TStats; // a kind filter toggled → the count readout updated
};

/**
 * Opens the harness `runs` times in a fresh page and measures it (ms). `payload` draws a given
 * graph (e.g. a real cluster from bench:linkage) instead of the seeded synthetic one.
 */
export async function measureGraphRender(
  nodes: number,
  edges: number,
  runs = 3,
  payload: TGraphPayload = syntheticPayload(nodes, edges, 20261201),
): Promise<TGraphRenderResult> {
  const harness = await serveHarness(await buildHarnessScript(), payload);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", // eslint-disable-line no-restricted-properties -- same variable as playwright.config.ts
    args: CHROMIUM_ARGS,
  });
  const first: number[] = [];
  const layout: number[] = [];
  const filter: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(harness.url);
      await page.locator('[data-rendered="true"]').waitFor({ timeout: 120_000 });
      first.push(await page.evaluate(() => performance.getEntriesByName("graph-first-render")[0]!.startTime));
      const settled = await page
        .locator('[data-layout="done"]')
        .waitFor({ timeout: LAYOUT_WAIT_MS })
        .then(() => true)
        .catch(() => false);
      layout.push(
        settled
          ? await page.evaluate(
              () => performance.now() - performance.getEntriesByName("graph-first-render")[0]!.startTime,
            )
          : Number.POSITIVE_INFINITY,
      );
      const status = page.getByRole("status").filter({ hasText: /^Showing/ });
      const before = await status.textContent();
      const t = await page.evaluate(() => performance.now());
      await page.getByRole("checkbox", { name: "Account" }).uncheck();
      await page.waitForFunction(
        (text) => [...document.querySelectorAll('[role="status"]')].every((el) => el.textContent !== text),
        before,
      );
      filter.push((await page.evaluate(() => performance.now())) - t);
      await context.close();
    }
  } finally {
    await browser.close();
    await harness.close();
  }
  return {
    nodes: payload.nodes.length,
    edges: payload.edges.length,
    payloadBytes: harness.payloadBytes,
    firstRender: stats(first),
    layoutDone: stats(layout),
    filter: stats(filter),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      nodes: { type: "string", default: "5000" },
      edges: { type: "string", default: "20000" },
      runs: { type: "string", default: "3" },
    },
  });
  const [nodes, edges, runs] = [Number(values.nodes), Number(values.edges), Number(values.runs)];
  log(
    `graph view: ${nodes.toLocaleString("en")} entities, ${edges.toLocaleString("en")} links, ${runs} fresh page loads`,
  );
  const r = await measureGraphRender(nodes, edges, runs);
  const ms = (n: number) => (Number.isFinite(n) ? fmt(n) : `> ${LAYOUT_WAIT_MS / 1000} s`).padStart(8);
  const line = (label: string, s: TStats) => log(`${label.padEnd(44)} median ${ms(s.median)} ms   p95 ${ms(s.p95)} ms`);
  log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" / ")} (1/5/15 min)`,
  );
  log(
    `payload JSON                                 ${r.payloadBytes.toLocaleString("en")} bytes (${fmt(r.payloadBytes / 1e6, 2)} MB)`,
  );
  line("navigation start → first rendered frame", r.firstRender);
  line("first frame → layout stopped (bounded FA2)", r.layoutDone);
  line("kind filter → count readout updated", r.filter);
  log(
    `${verdict(r.firstRender.median < FIRST_RENDER_TARGET_MS)} first render median ${fmt(r.firstRender.median)} ms (target < ${FIRST_RENDER_TARGET_MS} ms)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
