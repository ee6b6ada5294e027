import { randomBytes } from "node:crypto";
import { expect, test, type Locator, type Page, type Response } from "@playwright/test";
import { openTimeline, timelineHydrated, timelineLoaded } from "./helpers";

// The timeline issue's scale promise: the list stays smooth at 100,000 events (virtualised,
// loading keyset pages as you scroll), proved through the real UI. Frame times are printed, never
// asserted: the machines are shared, so speed is a benchmark, not a pass/fail condition.

const EVENTS = 100_000;
const DAY = 86_400_000;
// June 2026, later than every other spec's events, so their first screens still show theirs.
const START = Date.UTC(2026, 5, 1);
const STEP = (30 * DAY) / EVENTS; // 25.92 s apart: time order is title order
const FIRST_PAGE = 50; // what the server renders (TIMELINE_FIRST_SCREEN); the list then fetches 200 at a time
const MAX_ROWS = 100; // rendered rows (events and day headers): a screenful plus overscan
const CATEGORIES = ["payment", "api_access", "extraction", "detection"];

const at = (i: number) => new Date(START + i * STEP);
const title = (marker: string, i: number) => `${marker} event ${String(i).padStart(6, "0")}`;
const indexOf = (title: string | null) => Number(title?.slice(-6));

function scaleCsv(marker: string): Buffer {
  const lines = ["time,title,category,source"];
  for (let i = 0; i < EVENTS; i++)
    lines.push(`${at(i).toISOString()},${title(marker, i)},${CATEGORIES[i % 4]},gateway-${i % 20}`);
  return Buffer.from(`${lines.join("\n")}\n`);
}

const feedOf = (page: Page) => page.getByRole("region", { name: "Timeline events" });
const loadedCount = async (page: Page) =>
  Number((await timelineLoaded(page).textContent())!.match(/^([\d,]+) events/)![1]!.replace(/,/g, ""));
const renderedRows = async (feed: Locator) =>
  (await feed.getByRole("article").count()) + (await feed.getByRole("heading").count());
const renderedIndexes = (feed: Locator, marker: string) =>
  feed
    .getByRole("article")
    .evaluateAll(
      (rows, m) => rows.map((r) => r.getAttribute("aria-label") ?? "").filter((t) => t.startsWith(m)),
      marker,
    )
    .then((titles) => titles.map(indexOf));

/** Jumps to the bottom of the list's scroller until `done`; each jump must load the next page, and the DOM must stay bounded. */
async function scrollUntil(page: Page, done: () => Promise<boolean>) {
  const feed = feedOf(page);
  for (let jumps = 0; !(await done()); jumps++) {
    expect(jumps, "pages needed to get there").toBeLessThan(30);
    const before = await loadedCount(page);
    await feed.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(() => loadedCount(page)).toBeGreaterThan(before);
    expect(await renderedRows(feed)).toBeLessThan(MAX_ROWS);
  }
}

/** Records the pages the list fetches as it scrolls; the function returned stops and gives their titles, in order. */
function recordPages(page: Page, caseId: string): () => Promise<string[]> {
  const pages: Promise<string[]>[] = [];
  const onResponse = (r: Response) => {
    if (r.url().includes(`/api/cases/${caseId}/timeline?`) && r.url().includes("cursor="))
      pages.push(r.json().then((p: { items: { title: string }[] }) => p.items.map((e) => e.title)));
  };
  page.on("response", onResponse);
  return async () => {
    page.off("response", onResponse);
    return (await Promise.all(pages)).flat();
  };
}

/** Consecutive run numbers: pages joined without a gap or a repeat. */
const expectConsecutive = (indexes: number[]) => expect(indexes).toEqual(indexes.map((_, k) => indexes[0]! + k));

test("100,000 imported events: the list stays virtualised, loads pages as you scroll, deep-links the last day", async ({
  browser,
}) => {
  test.setTimeout(120_000); // 30–40 s here (the import, ~35 page loads); room for a slower machine
  const { page, caseId } = await openTimeline(browser, "investigator@microsoft.demo", "UTC");
  const marker = `scale-${randomBytes(3).toString("hex")}`;

  await page.getByText("Import events from a file (CSV, JSON Lines, JSON; Timesketch, plaso)").click();
  await page
    .getByLabel(/^File to import/)
    .setInputFiles({ name: "scale.csv", mimeType: "text/csv", buffer: scaleCsv(marker) });
  const mapping = page.getByRole("form", { name: "Map columns" });
  await expect(mapping.getByLabel("Title (required)")).toHaveValue("title");
  await mapping.getByRole("button", { name: "Validate" }).click();
  const section = page.getByRole("region", { name: "Import events" });
  await expect(
    section.getByText("100,000 valid · 0 rejected · 0 repeats in the file · 0 already on the timeline"),
  ).toBeVisible({
    timeout: 45_000,
  });
  await section.getByRole("button", { name: "Import 100,000 events" }).click();
  await expect(section.getByRole("status")).toHaveText("Imported.", { timeout: 45_000 });
  await expect(section.getByText("0 already on the timeline · 100,000 imported")).toBeVisible();

  // The counts: the histogram holds them all; the list API's first page is full.
  const histogram = (await (
    await page.request.get(`/api/cases/${caseId}/timeline/histogram?q=${marker}&timeZone=UTC`)
  ).json()) as { buckets: { total: number }[] };
  expect(histogram.buckets.reduce((n, b) => n + b.total, 0)).toBe(EVENTS);
  const first = (await (await page.request.get(`/api/cases/${caseId}/timeline?q=${marker}&limit=500`)).json()) as {
    items: { title: string }[];
    nextCursor: string | null;
  };
  expect(first.items.map((e) => indexOf(e.title))).toEqual([...Array(500).keys()]);
  expect(first.nextCursor).not.toBeNull();

  await page.reload();
  await timelineHydrated(page, "UTC");
  await expect(page.getByRole("figure", { name: "Events over time" })).toContainText("Buckets in UTC");
  const feed = feedOf(page);
  await expect(timelineLoaded(page)).toHaveText(`${FIRST_PAGE} events loaded; scroll for more. Times in UTC.`);
  expect(await renderedRows(feed)).toBeLessThan(MAX_ROWS);
  const fetchedTitles = recordPages(page, caseId);

  // ~3 s of wheel scrolling over the list while the page records every frame.
  await feed.hover();
  const frames = page.evaluate(async (ms) => {
    const el = document.querySelector<HTMLElement>("[data-timeline-list]")!;
    const intervals: number[] = [];
    let maxRows = 0;
    await new Promise<void>((done) => {
      let last = performance.now();
      const end = last + ms;
      const tick = (now: number) => {
        intervals.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, el.querySelectorAll("article, h3").length);
        if (now < end) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    return { intervals, maxRows, scrolled: el.scrollTop };
  }, 3_000);
  const until = Date.now() + 3_000;
  while (Date.now() < until) await page.mouse.wheel(0, 200);
  const { intervals, maxRows, scrolled } = await frames;
  const sorted = [...intervals].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!.toFixed(1);
  console.log(
    `[timeline at ${EVENTS.toLocaleString("en")} events] ${intervals.length} frames while wheel-scrolling ${scrolled.toLocaleString("en")} px ` +
      `(${(await loadedCount(page)).toLocaleString("en")} events loaded): median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, ${intervals.filter((i) => i > 50).length} frames over 50 ms; at most ${maxRows} rows in the DOM`,
  );
  expect(maxRows).toBeLessThan(MAX_ROWS);

  // On down into the second day: every jump loads the next page, the DOM stays bounded, and
  // the pages join without a gap or a repeat. Then back up to where that day's header starts it.
  const secondDayStart = Math.ceil(DAY / STEP);
  await scrollUntil(page, async () => Math.max(...(await renderedIndexes(feed, marker))) > secondDayStart);
  const secondDay = feed.getByRole("heading", { name: "2026-06-02" });
  const scrollUp = () => feed.evaluate((el) => el.scrollBy({ top: -el.clientHeight / 2 }));
  for (let steps = 0; steps < 60 && (await secondDay.count()) === 0; steps++) await scrollUp();
  await scrollUp(); // the header was the first row rendered: bring the first day's end in too
  await expect(secondDay).toBeVisible();
  // The list draws the rows a scroll brings in on its next frame, not at once: wait for them.
  await expect.poll(async () => (await renderedIndexes(feed, marker)).includes(secondDayStart - 1)).toBe(true);
  const shown = await renderedIndexes(feed, marker);
  expect(shown).toEqual(expect.arrayContaining([secondDayStart - 1, secondDayStart]));
  expect(Math.min(...shown)).toBeGreaterThanOrEqual(FIRST_PAGE); // none of these was on the first page
  expectConsecutive(shown);
  const fetched = await fetchedTitles();
  expectConsecutive(fetched.filter((t) => t.startsWith(marker)).map(indexOf));
  expect(await loadedCount(page)).toBe(FIRST_PAGE + fetched.length); // nothing appended twice

  // A deep link to the last day starts there, and scrolling reaches the very last event.
  const lastDay = Date.UTC(2026, 5, 30);
  const firstOfLastDay = Math.ceil((lastDay - START) / STEP);
  await page.goto(
    `/cases/${caseId}/timeline?from=${new Date(lastDay).toISOString()}&to=${new Date(lastDay + DAY).toISOString()}`,
  );
  await timelineHydrated(page, "UTC");
  await expect(feed.getByRole("heading", { name: "2026-06-30" })).toBeVisible();
  expect((await renderedIndexes(feed, marker))[0]).toBe(firstOfLastDay);
  const deepTitles = recordPages(page, caseId);
  await scrollUntil(page, async () => !(await timelineLoaded(page).textContent())!.includes("scroll for more"));
  await expect(timelineLoaded(page)).toHaveText(
    `${(EVENTS - firstOfLastDay).toLocaleString("en")} events loaded. Times in UTC.`,
  );
  await feed.evaluate((el) => el.scrollTo({ top: el.scrollHeight })); // the last page arrived below the screen
  await expect(feed.getByRole("article").last()).toHaveAccessibleName(title(marker, EVENTS - 1));
  expect(await renderedRows(feed)).toBeLessThan(MAX_ROWS);
  const deepPages = (await deepTitles()).map(indexOf);
  expect(deepPages[0]).toBe(firstOfLastDay + FIRST_PAGE); // a deep keyset cursor continues exactly
  expectConsecutive(deepPages);
});
