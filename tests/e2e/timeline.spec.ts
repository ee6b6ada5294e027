import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { openTimeline, signInAs, timelineHydrated as hydrated, timelineLoaded as loaded, ORIGIN } from "./helpers";

test("add an event in the browser's time zone, see it back, edit it, release an owner-org-only one", async ({
  browser,
}) => {
  const { page, caseId } = await openTimeline(browser, "investigator@microsoft.demo");

  const title = `Key rotation burst ${randomBytes(3).toString("hex")}`;
  const form = page.getByRole("form", { name: "Add event" });
  await form.getByLabel(/^Occurred at/).fill("2026-01-15T09:00:00");
  await form.getByLabel("Title").fill(title);
  await form.getByRole("combobox", { name: /^Category/ }).selectOption("DETECTION");
  await form.getByLabel("Source").fill("gateway logs");
  await form.getByRole("button", { name: "Add event" }).click();
  const row = page.getByRole("article", { name: title });
  await expect(row).toContainText("09:00");
  await expect(row).toContainText("UTC-08:00");
  // Stored as 17:00 UTC (Los Angeles is UTC-8 in January).
  const listed = await (await page.request.get(`/api/cases/${caseId}/timeline?q=${encodeURIComponent(title)}`)).json();
  expect(listed.items[0].occurredAt).toBe("2026-01-15T17:00:00.000Z");

  // Another zone shows the same instant differently, with its zone visible.
  await page.getByLabel("Time zone", { exact: true }).selectOption("UTC");
  await expect(row).toContainText("17:00");

  await row.getByRole("button", { name: `Edit ${title}` }).click();
  const edit = page.getByRole("form", { name: "Edit event" });
  await edit.getByLabel("Title").fill(`${title} (confirmed)`);
  await edit.getByLabel("Confidence").selectOption("CONFIRMED");
  await edit.getByRole("button", { name: "Save event" }).click();
  await expect(page.getByRole("article", { name: `${title} (confirmed)` })).toContainText("Confirmed");

  // An owner-organisation-only event reaches the partner by a release, with a reason.
  const secret = `Internal lead ${randomBytes(3).toString("hex")}`;
  await page.request.post(`/api/cases/${caseId}/timeline`, {
    headers: { Origin: ORIGIN },
    data: {
      occurredAt: "2026-01-20T12:00:00Z",
      timeZone: "UTC",
      title: secret,
      category: "DETECTION",
      visibility: "OWNER_ORG_ONLY",
    },
  });
  await page.getByLabel("Time zone", { exact: true }).selectOption("America/Los_Angeles"); // back to the browser's
  await page.reload();
  await hydrated(page);
  await page.getByRole("button", { name: `Edit ${secret}` }).click();
  const release = page.getByRole("form", { name: "Release event" });
  await release.getByLabel(/Release to partner/).fill("Partner needs the detection time");
  await release.getByRole("button", { name: "Release" }).click();
  // The editor closes; the list shows where the event now stands.
  await expect(page.getByRole("article", { name: secret })).toContainText("Released");
  const after = await (await page.request.get(`/api/cases/${caseId}/timeline?q=${encodeURIComponent(secret)}`)).json();
  expect(after.items[0].visibility).toBe("ALL_CASE_ORGS");
});

test("withdraw a released event: badges say where it stands, the partner sees it only while released", async ({
  browser,
}) => {
  const { page, caseId } = await openTimeline(browser, "investigator@microsoft.demo"); // the case's lead
  const title = `Withdrawn lead ${randomBytes(3).toString("hex")}`;
  const created = await page.request.post(`/api/cases/${caseId}/timeline`, {
    headers: { Origin: ORIGIN },
    data: {
      occurredAt: "2026-01-21T12:00:00Z",
      timeZone: "UTC",
      title,
      category: "DETECTION",
      visibility: "OWNER_ORG_ONLY",
    },
  });
  expect(created.status()).toBe(201);
  const only = `/cases/${caseId}/timeline?q=${encodeURIComponent(title)}`;
  await page.goto(only);
  await hydrated(page);
  const row = page.getByRole("article", { name: title });
  await expect(row).toContainText("Microsoft only");

  await row.getByRole("button", { name: `Edit ${title}` }).click();
  const release = page.getByRole("form", { name: "Release event" });
  await release.getByLabel(/Release to partner/).fill("For the joint report");
  await release.getByRole("button", { name: "Release" }).click();
  await expect(row).toContainText("Released");

  // The partner sees the released event, with no release controls of ours.
  const partner = await openTimeline(browser, "investigator@openai.demo");
  await partner.page.goto(only);
  await hydrated(partner.page);
  const theirRow = partner.page.getByRole("article", { name: title });
  await expect(theirRow).toContainText("Released");
  await expect(theirRow.getByRole("button")).toHaveCount(0);

  await row.getByRole("button", { name: `Edit ${title}` }).click();
  await expect(page.getByRole("form", { name: "Release event" })).toHaveCount(0); // already released
  const withdraw = page.getByRole("form", { name: "Withdraw release" });
  await withdraw.getByLabel(/Withdraw the release/).fill("Shared too early");
  await withdraw.getByRole("button", { name: "Withdraw release" }).click();
  await expect(row).toContainText("Microsoft only");

  await partner.page.reload();
  await hydrated(partner.page);
  await expect(partner.page.getByText("No events match these filters.")).toBeVisible();
  await expect(partner.page.getByRole("region", { name: "Timeline events" })).toBeHidden();
  const listed = await (
    await partner.page.request.get(`/api/cases/${caseId}/timeline?q=${encodeURIComponent(title)}`)
  ).json();
  expect(listed.items).toEqual([]);
});

/** Opens the import wizard; answers its file input. */
async function openImport(page: Page) {
  await page.getByText("Import events from a file (CSV, JSON Lines, JSON; Timesketch, plaso)").click();
  return page.getByLabel(/^File to import/);
}

test("import a CSV: preview, map, validate with rejected rows by line, commit; a re-run adds nothing", async ({
  browser,
}) => {
  const { page } = await openTimeline(browser, "investigator@microsoft.demo");
  const tag = `imp-${randomBytes(3).toString("hex")}`;
  const csv = Buffer.from(
    [
      "\uFEFFtime,title,category,source",
      `2026-02-01T09:00,"Payout, batch ${tag}",payment,billing`,
      `2026-02-01T10:00,"Refund ${tag}`,
      `second line",payment,billing`,
      "yesterday,Broken,payment,billing",
      "",
    ].join("\r\n"),
  );
  const run = async () => {
    await (await openImport(page)).setInputFiles({ name: "events.csv", mimeType: "text/csv", buffer: csv });
    const preview = page.getByRole("table", { name: "First rows of the file" });
    await expect(preview.getByRole("cell", { name: `Payout, batch ${tag}` })).toBeVisible();
    const mapping = page.getByRole("form", { name: "Map columns" });
    await expect(mapping.getByLabel("Occurred at (required)")).toHaveValue("time");
    await expect(mapping.getByLabel("Time zone of times without an offset")).toHaveValue("America/Los_Angeles");
    await mapping.getByRole("button", { name: "Validate" }).click();
    const section = page.getByRole("region", { name: "Import events" });
    await expect(section.getByText("Validated: nothing is imported until you choose Import.")).toBeVisible();
    await expect(
      section.getByText(/^2 valid · 1 rejected · 0 repeats in the file · [02] already on the timeline$/),
    ).toBeVisible();
    await expect(section.getByText("Times read as: ISO 8601 ×2")).toBeVisible();
    await expect(section.getByRole("link", { name: "Download the rejected row as CSV" })).toBeVisible();
    await expect(
      section.getByRole("table", { name: "Rejected rows" }).getByRole("row", { name: /^5 time: "yesterday"/ }),
    ).toBeVisible();
    await section.getByRole("button", { name: "Import 2 events" }).click();
    await expect(section.getByText("Imported.")).toBeVisible();
    return section;
  };
  const first = await run();
  await expect(first.getByText("0 already on the timeline · 2 imported")).toBeVisible();
  await expect(page.getByRole("article", { name: `Payout, batch ${tag}` })).toContainText("09:00");
  await page.reload();
  await hydrated(page);
  const second = await run();
  await expect(second.getByText("2 already on the timeline · 0 imported")).toBeVisible();
});

test("import a CSV whose columns are not recognised: what is missing is said beside its field", async ({ browser }) => {
  const { page } = await openTimeline(browser, "investigator@microsoft.demo");
  const csv = Buffer.from("when,what\n2026-11-28T01:00:00Z,hello\n");
  await (await openImport(page)).setInputFiles({ name: "unknown.csv", mimeType: "text/csv", buffer: csv });
  const mapping = page.getByRole("form", { name: "Map columns" });
  await mapping.locator('select[name="map.occurredAt"]').selectOption("when");
  await mapping.getByRole("button", { name: "Validate" }).click();
  const section = page.getByRole("region", { name: "Import events" });
  const alert = section.getByRole("alert");
  await expect(alert).toContainText("Please correct the highlighted fields.");
  await expect(alert).toContainText("Choose the column with the title.");
  const title = mapping.locator('select[name="map.title"]');
  await expect(title).toHaveAttribute("aria-invalid", "true");
  await expect(title).toHaveAccessibleDescription("Choose the column with the title.");
  // Mapped, it validates; the message goes.
  await title.selectOption("what");
  await mapping.getByRole("button", { name: "Validate" }).click();
  await expect(section.getByText("Validated: nothing is imported until you choose Import.")).toBeVisible();
  await expect(alert).toHaveCount(0);
});

test("import a Timesketch CSV: the preset maps it, long messages split, a category value becomes the case's own", async ({
  browser,
}) => {
  const { page } = await openTimeline(browser, "investigator@microsoft.demo");
  const tag = `ts-${randomBytes(3).toString("hex")}`;
  const long = `An account was successfully logged on ${tag}.\n\nSubject:\n${"\tSecurity ID: S-1-5-18\n".repeat(20)}`;
  const csv = Buffer.from(
    [
      "message,timestamp,datetime,timestamp_desc,data_type,event_identifier,computer_name",
      `"${long}",1606992000123456,2020-12-03T10:40:00.123456+00:00,Event Recorded,windows:evtx:record,4624,WKSTN-${tag}`,
      `Service installed ${tag},1606992120500000,2020-12-03T10:42:00.500000+00:00,Write time,windows:evtx:record,7045,WKSTN-${tag}`,
    ].join("\n"),
  );
  await (await openImport(page)).setInputFiles({ name: "evtx_part.csv", mimeType: "text/csv", buffer: csv });
  const mapping = page.getByRole("form", { name: "Map columns" });
  await expect(mapping.getByLabel("The file is")).toHaveValue("timesketch");
  await expect(mapping.getByLabel("Occurred at (required)")).toHaveValue("datetime");
  await expect(mapping.getByLabel("Title (required)")).toHaveValue("message");
  // The first status polls fail (a busy server): the wizard says it is still working and asks again.
  let failures = 3;
  await page.route(/\/timeline\/imports\/[0-9a-f-]+$/, (route) =>
    route.request().method() === "GET" && failures-- > 0
      ? route.fulfill({ status: 500, contentType: "application/problem+json", body: '{"title":"connection timeout"}' })
      : route.continue(),
  );
  await mapping.getByRole("button", { name: "Validate" }).click();
  const section = page.getByRole("region", { name: "Import events" });
  await expect(section.getByRole("status")).toContainText("Still working");
  await expect(section.getByRole("alert")).toHaveCount(0);
  await expect(section.getByText(/^2 valid · 0 rejected/)).toBeVisible();
  await expect(section.getByText("Times read as: ISO 8601 ×2")).toBeVisible();
  await expect(section.getByText(/1 title was longer than 300 characters/)).toBeVisible();
  // The values that are not built-in: one to a built-in category, one a new case category.
  await mapping.getByLabel("Category for “Event Recorded”").selectOption({ label: "Detection" });
  await mapping.getByLabel("Category for “Write time”").selectOption({ label: "New case category “Write time”" });
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && /\/imports\/[0-9a-f-]+$/.test(r.url())),
    mapping.getByRole("button", { name: "Validate again" }).click(),
  ]);
  await expect(section.getByText("Validated: nothing is imported until you choose Import.")).toBeVisible();
  await section.getByRole("button", { name: "Import 2 events" }).click();
  await expect(section.getByText("Imported.")).toBeVisible();

  await page.getByRole("searchbox", { name: "Text" }).fill(`WKSTN-${tag}`); // an attribute's value
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(loaded(page)).toContainText("2 events loaded");
  const logon = page.getByRole("article", { name: `An account was successfully logged on ${tag}.` });
  await expect(logon).toContainText("Detection");
  const service = page.getByRole("article", { name: `Service installed ${tag}` });
  await expect(service).toContainText("Write time");
  await service.getByText("3 attributes from the imported file").click();
  await expect(service.getByRole("definition").filter({ hasText: "1606992120500000" })).toBeVisible();
});

test("filter by category, brush the histogram, export what is shown; the URL holds both", async ({ browser }) => {
  const { page, caseId } = await openTimeline(browser, "investigator@microsoft.demo");
  const tag = `e2e-${randomBytes(3).toString("hex")}`;
  const categories = ["PAYMENT", "API_ACCESS", "EXTRACTION", "RATE_LIMITING"];
  for (let i = 0; i < 24; i++) {
    const res = await page.request.post(`/api/cases/${caseId}/timeline`, {
      headers: { Origin: ORIGIN },
      data: {
        occurredAt: `2025-${String(1 + (i % 12)).padStart(2, "0")}-10T12:00:00Z`,
        timeZone: "UTC",
        title: `${tag} event ${i}`,
        category: categories[i % 4],
        source: tag,
      },
    });
    expect(res.status()).toBe(201);
  }
  await page.reload();
  await hydrated(page); // typing before React attaches can be lost
  await page.getByRole("searchbox", { name: "Text" }).fill(tag);
  await page
    .getByRole("form", { name: "Filter the timeline" })
    .getByRole("combobox", { name: /^Category/ })
    .selectOption("PAYMENT");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`category=PAYMENT.*q=${tag}|q=${tag}.*category=PAYMENT`));
  await expect(loaded(page)).toContainText("6 events loaded");
  await expect(page.getByRole("article").first()).toContainText("Payment");

  // Drag the brush's left handle to the right: the list keeps only the later events.
  await page.goto(`/cases/${caseId}/timeline?q=${tag}`);
  await hydrated(page);
  await expect(loaded(page)).toContainText("24 events loaded");
  await expect(page.getByRole("figure", { name: "Events over time" })).toContainText("Buckets in America/Los_Angeles");
  const handle = page.locator(".recharts-brush-traveller").first();
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 250, box.y + box.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect(page).toHaveURL(/from=/);
  await expect
    .poll(async () => Number((await loaded(page).textContent())?.match(/^(\d+) events/)?.[1]))
    .toBeLessThan(24);
  expect(new URL(page.url()).searchParams.get("q")).toBe(tag);
  // The brushed range is a visible filter too, removable on its own.
  const range = page.getByRole("form", { name: "Filter the timeline" }).getByText(/^Time range: /);
  await expect(range).toBeVisible();
  const brushed = Number((await loaded(page).textContent())?.match(/^(\d+) events/)?.[1]);

  // The export holds what is shown: the same filters and brushed range.
  const [csv] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  expect(csv.suggestedFilename()).toBe("timeline.csv");
  const lines = (await readFile((await csv.path())!, "utf8")).trimEnd().split("\r\n");
  expect(lines[0]).toBe(
    "\uFEFFid,occurredAt,endsAt,title,description,category,customCategory,source,confidence,attributes,visibility,organisation,author,evidenceIds",
  );
  expect(lines).toHaveLength(brushed + 1);
  expect(lines.slice(1).every((l) => l.includes(tag))).toBe(true);
  const [json] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export JSON" }).click(),
  ]);
  expect(JSON.parse(await readFile((await json.path())!, "utf8"))).toHaveLength(brushed);

  await page.getByRole("link", { name: /^Remove the time range/ }).click();
  await expect(page).not.toHaveURL(/from=/);
  await expect(loaded(page)).toContainText("24 events loaded");
  expect(new URL(page.url()).searchParams.get("q")).toBe(tag);

  // A range with nothing in it: the histogram keeps its bars, and the page says, once, why the
  // list is empty.
  const gap = new URL(page.url());
  gap.searchParams.set("from", "2001-01-01");
  gap.searchParams.set("to", "2001-01-02");
  await page.goto(gap.toString());
  await hydrated(page);
  await expect(page.getByLabel("Events over time")).toBeVisible();
  await expect(page.getByText("No events match these filters.")).toHaveCount(1);
  await expect(page.getByRole("region", { name: "Timeline events" })).toBeHidden();

  // A link whose start cannot be read: the other filters apply, the page says why, the chart is unbrushed.
  const garbled = new URL(page.url());
  garbled.searchParams.set("from", "garbage");
  garbled.searchParams.delete("to");
  expect((await page.goto(garbled.toString()))?.status()).toBe(200);
  await hydrated(page);
  await expect(page.getByRole("status").filter({ hasText: "Not applied" })).toContainText(
    "From “garbage”: Enter a valid date",
  );
  await expect(page.getByLabel("Events over time")).toBeVisible();
  await expect(loaded(page)).toContainText("24 events loaded");
  // What the page passes on leaves it out too: the export holds the text filter, not the date.
  const csvLink = page.getByRole("link", { name: "Export CSV" });
  await expect(csvLink).toHaveAttribute("href", new RegExp(`q=${tag}`));
  await expect(csvLink).not.toHaveAttribute("href", /from=/);
});

test("someone outside the case gets 404 for the timeline page and API", async ({ browser }) => {
  const { caseId } = await openTimeline(browser, "investigator@microsoft.demo");
  const outsider = await (await browser.newContext()).newPage();
  await signInAs(outsider, "executive@microsoft.demo"); // lists the case (same org), is no member
  expect((await outsider.goto(`/cases/${caseId}/timeline`))?.status()).toBe(404);
  expect((await outsider.request.get(`/api/cases/${caseId}/timeline`)).status()).toBe(404);
  expect((await outsider.request.get(`/api/cases/${caseId}/timeline/histogram`)).status()).toBe(404);
  expect((await outsider.request.get(`/api/cases/${caseId}/timeline/export?format=csv`)).status()).toBe(404);
  const post = await outsider.request.post(`/api/cases/${caseId}/timeline`, {
    headers: { Origin: ORIGIN },
    data: { occurredAt: "2026-01-01T00:00:00Z", timeZone: "UTC", title: "x", category: "OTHER" },
  });
  expect(post.status()).toBe(404);
});
