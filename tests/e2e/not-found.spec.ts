import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { DEMO_CASE_TITLE, ORIGIN, signInAs } from "./helpers";

// Hidden pages answer a real 404 (not 200 with the not-found body) with one <main>; malformed
// input answers 400 with a plain message (not 500); and the phone layout keeps the header on one
// line per item and the evidence list before the upload form.

async function signedIn(browser: Browser, email: string, viewport = { width: 1280, height: 800 }) {
  const page = await (await browser.newContext({ viewport })).newPage();
  await signInAs(page, email);
  return page;
}

async function demoCaseId(page: Page): Promise<string> {
  const cases = (await (await page.request.get("/api/cases")).json()) as { items: { id: string; title: string }[] };
  return cases.items.find((c) => c.title.includes(DEMO_CASE_TITLE.slice(0, 20)))!.id;
}

async function expectHidden(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(page.locator("main")).toHaveCount(1);
  // One tab title for every 404, not the title of the page that would have been there.
  await expect(page).toHaveTitle("Not found · Casebridge");
}

async function uploadOwnerOnly(request: APIRequestContext, caseId: string): Promise<string> {
  const metadata = Buffer.from(
    JSON.stringify({
      title: "Owner-only capture",
      kind: "OTHER",
      fileName: "capture.txt",
      mimeType: "text/plain",
      visibility: "OWNER_ORG_ONLY",
    }),
  ).toString("base64url");
  const response = await request.post(`/api/cases/${caseId}/evidence`, {
    headers: { Origin: ORIGIN, "Content-Type": "application/octet-stream", "X-Evidence-Metadata": metadata },
    data: Buffer.from(`owner only ${randomBytes(6).toString("hex")}`),
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

test("hidden case pages answer 404 with one <main>, for an admin and for the partner", async ({ browser }) => {
  const owner = await signedIn(browser, "investigator@microsoft.demo");
  const caseId = await demoCaseId(owner);
  const hidden = await uploadOwnerOnly(owner.request, caseId);
  // The owner sees its item; a made-up id is a 404 like any hidden one.
  expect((await owner.goto(`/cases/${caseId}/evidence/${hidden}`))?.status()).toBe(200);
  await expect(owner.locator("main")).toHaveCount(1);
  await expectHidden(owner, `/cases/${caseId}/evidence/00000000-0000-4000-8000-000000000000`);

  const partner = await signedIn(browser, "investigator@openai.demo");
  await expectHidden(partner, `/cases/${caseId}/evidence/${hidden}`);

  // An admin who manages membership but is not a member: no case content, a 404 for each page
  // of it. (Activity is the audit log, which admins read; it is not content.)
  const admin = await signedIn(browser, "admin@microsoft.demo");
  expect((await admin.goto(`/cases/${caseId}/members`))?.status()).toBe(200);
  for (const tab of ["", "/notes", "/evidence", "/timeline", "/linkages", `/evidence/${hidden}`])
    await expectHidden(admin, `/cases/${caseId}${tab}`);
  // A user the admin may not see (here: none with that id) is a 404 too; the list is a 200.
  expect((await admin.goto("/admin/users"))?.status()).toBe(200);
  await expectHidden(admin, "/admin/users/00000000-0000-4000-8000-000000000000");
});

test("malformed input answers 400 with a plain message, never 500", async ({ browser }) => {
  const page = await signedIn(browser, "investigator@microsoft.demo");
  const caseId = await demoCaseId(page);
  const api = `/api/cases/${caseId}/timeline`;
  const expect400 = async (response: Awaited<ReturnType<APIRequestContext["get"]>>, message: RegExp) => {
    expect(response.status(), response.url()).toBe(400);
    expect(((await response.json()) as { title: string }).title).toMatch(message);
  };
  for (const path of [api, `${api}/histogram`, `${api}/export`]) {
    await expect400(await page.request.get(`${path}?q=%00`), /NUL/);
    await expect400(await page.request.get(`${path}?to=0000-12-31`), /between the years 1 and 9999/);
    await expect400(await page.request.get(`${path}?to=-271821-04-20`), /valid date/);
  }
  const json = { Origin: ORIGIN, "Content-Type": "application/json" };
  const event = { occurredAt: "2026-01-15T09:00", timeZone: "UTC", title: "burst", category: "API_ACCESS" };
  await expect400(await page.request.post(api, { headers: json, data: { ...event, title: "a\u0000b" } }), /correct/);
  const created = await page.request.post(api, { headers: json, data: event });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  for (const version of ["abc", "1e400"])
    await expect400(await page.request.delete(`${api}/${id}?version=${version}`, { headers: json }), /version/);
  await expect400(
    await page.request.post(`${api}/imports`, {
      headers: { Origin: ORIGIN, "Content-Type": "application/octet-stream", "X-File-Name": "%E0%A4%A.csv" },
      data: Buffer.from("time,title\n"),
    }),
    /URI encoding/,
  );
  const notes = await page.request.get(`/cases/${caseId}/notes`);
  expect(notes.status()).toBe(200);

  // A malformed callbackUrl (query or next-auth's cookie) is a 400, never a 500 or a redirect
  // off-site; the sign-in page simply ignores it.
  const bad = encodeURIComponent("http://localhost:3000x");
  for (const [method, path] of [
    ["GET", `/api/auth/signin?callbackUrl=${bad}`],
    ["GET", `/api/auth/session?callbackUrl=${bad}`],
    ["POST", `/api/auth/signout?callbackUrl=${bad}`],
  ]) {
    const response = await fetch(`${ORIGIN}${path}`, { method, redirect: "manual" });
    expect(response.status, path).toBe(400);
    expect(response.headers.get("location"), path).toBeNull();
  }
  const cookie = await fetch(`${ORIGIN}/api/auth/session`, {
    headers: { Cookie: `next-auth.callback-url=${bad}` },
  });
  expect(cookie.status).toBe(400);
  expect(cookie.headers.get("set-cookie")).toMatch(/next-auth\.callback-url=;.*Max-Age=0/);
  expect((await fetch(`${ORIGIN}/api/auth/session`)).status).toBe(200);
  expect((await page.request.get("/sign-in?callbackUrl=http://localhost:3000x")).status()).toBe(200);
});

test("a JSON body that is not JSON is a 400, and one over 1 MiB a 413 before it is read, on every JSON route", async ({
  browser,
}) => {
  const page = await signedIn(browser, "investigator@microsoft.demo");
  const caseId = await demoCaseId(page);
  const json = { Origin: ORIGIN, "Content-Type": "application/json" };
  const forged = "00000000-0000-4000-8000-000000000000";
  const routes: [string, string][] = [
    ["POST", `/api/cases/${caseId}/notes`],
    ["POST", `/api/cases/${caseId}/timeline`],
    ["PATCH", `/api/cases/${caseId}/timeline/${forged}`],
    ["POST", `/api/cases/${caseId}/timeline/imports/${forged}`],
  ];
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const notes = async () => (await page.request.get(`/api/cases/${caseId}/notes`)).text();
  const notesBefore = await notes();
  // (Buffers: Playwright would send a string as a JSON string.)
  for (const [method, path] of routes) {
    const malformed = await page.request.fetch(path, { method, headers: json, data: Buffer.from('{"body":') });
    expect(malformed.status(), path).toBe(400);
    expect(((await malformed.json()) as { title: string }).title, path).toMatch(/not valid JSON/);
    const declared = await page.request.fetch(path, {
      method,
      headers: json,
      data: Buffer.from(`{"body":"${"a".repeat(1_100_000)}"}`),
    });
    expect(declared.status(), path).toBe(413);
    // No Content-Length (chunked): cut off once past the limit. Read whole, 8 MiB of note would
    // be a 400 for its length instead, after the server had buffered all of it.
    let sent = 0;
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"body":"'));
        if (sent >= 8 * 2 ** 20) return controller.close();
        sent += 2 ** 16;
        controller.enqueue(new Uint8Array(2 ** 16).fill(97));
      },
    });
    const streamed = await fetch(`${ORIGIN}${path}`, {
      method,
      headers: { ...json, Cookie: cookie },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status, path).toBe(413);
  }
  expect(await notes()).toBe(notesBefore);
});

/**
 * On a phone the header takes two rows at most, and nothing in it lies over anything else (its
 * links, the signed-in name) or past the right edge.
 */
async function expectHeaderLaidOut(page: Page) {
  const banner = page.getByRole("banner").first();
  expect((await banner.boundingBox())!.height).toBeLessThanOrEqual(96);
  const boxes = await banner.locator("a, span[title]").evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent?.trim() ?? "", x: r.x, y: r.y, right: r.right, bottom: r.bottom };
    }),
  );
  for (const b of boxes) expect(b.right, b.text).toBeLessThanOrEqual(390);
  const overlaps = boxes.flatMap((a, i) =>
    boxes
      .slice(i + 1)
      .filter((b) => a.x < b.right && b.x < a.right && a.y < b.bottom && b.y < a.bottom)
      .map((b) => `${a.text} / ${b.text}`),
  );
  expect(overlaps).toEqual([]);
}

test("on a phone the header's parts do not overlap and the evidence list comes first", async ({ browser }) => {
  const page = await signedIn(browser, "investigator@microsoft.demo", { width: 390, height: 844 });
  await expectHeaderLaidOut(page);
  const caseId = await demoCaseId(page);
  await uploadOwnerOnly(page.request, caseId);
  await page.goto(`/cases/${caseId}/evidence`);
  const list = page.getByRole("table").first();
  const form = page.getByRole("form", { name: "Upload evidence" });
  await expect(list).toBeVisible();
  expect((await list.boundingBox())!.y).toBeLessThan((await form.boundingBox())!.y);
  // The table is wider than the phone: its frame scrolls sideways and shows it, a shadow on the
  // side where more is hidden (app/globals.css, .scroll-hint).
  const frame = await list.evaluate((table) => {
    const el = table.parentElement!;
    const style = getComputedStyle(el);
    return {
      scrolls: el.scrollWidth > el.clientWidth,
      shadows: style.backgroundImage.match(/radial-gradient/g)?.length ?? 0,
      // The covers move with the content, the shadows stay (the last layer is the colour's).
      attachment: style.backgroundAttachment.split(", ").slice(0, 4).join(", "),
    };
  });
  expect(frame).toEqual({ scrolls: true, shadows: 2, attachment: "local, local, scroll, scroll" });
  await page.getByRole("link", { name: "Add evidence ↓" }).click();
  await expect(form).toBeInViewport();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("on a phone an admin's longer header fits the width too", async ({ browser }) => {
  const page = await signedIn(browser, "admin@microsoft.demo", { width: 390, height: 844 });
  await expectHeaderLaidOut(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await expect(page.getByRole("link", { name: "Sign out" })).toBeInViewport();
});
