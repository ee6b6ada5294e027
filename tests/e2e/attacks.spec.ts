import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { expect, request as newRequest, test, type APIRequestContext } from "@playwright/test";
import {
  FORGED,
  actionReply,
  appPages,
  demoCaseId,
  fill,
  routeHandlers,
  serverActions,
  signedIn,
} from "./attack-surface";
import { ORIGIN, signInAs } from "./helpers";

// The attack suite: what an outside tester replays against a running app, over HTTP.
// - Every route handler (found in app/, so a new one is covered without editing this file) and
//   every app page, as an anonymous visitor and as signed-in people outside the case, with the
//   variants that bypassed Next.js guards before (x-middleware-subrequest, RSC and prefetch
//   requests, HEAD/OPTIONS): all denied, and no case data in any answer.
// - Cross-site request forgery against route handlers and server actions; a token replayed after
//   sign-out; the security headers of pages and API answers.

let caseId = "";
/** Text only a member of the demo case may read: its timeline's event titles. */
let secrets: string[] = [];

/** A case owned by Microsoft, shared with nobody, whose one member is its lead; and an event title in it. */
const privateCase = { id: "", secret: "" };

test.beforeAll(async ({ browser }) => {
  const lead = await browser.newPage();
  await signInAs(lead, "investigator@microsoft.demo");
  await lead.getByRole("link", { name: "New case" }).click();
  await lead.getByLabel("Title").fill(`Attack suite private case ${Date.now()}`);
  await lead.getByRole("button", { name: "Open case" }).click();
  await expect(lead.getByRole("heading", { level: 1 })).toContainText("Attack suite private case");
  privateCase.id = /\/cases\/([0-9a-f-]{36})/.exec(lead.url())![1]!;
  privateCase.secret = `private-${randomBytes(6).toString("hex")}`;
  const event = { occurredAt: "2026-01-15T09:00", timeZone: "UTC", title: privateCase.secret, category: "OTHER" };
  const created = await lead.request.post(`/api/cases/${privateCase.id}/timeline`, {
    data: event,
    headers: { origin: ORIGIN },
  });
  expect(created.status()).toBe(201);
  await lead.close();

  const member = await signedIn("investigator@microsoft.demo");
  caseId = await demoCaseId(member);
  const timeline = (await (await member.get(`/api/cases/${caseId}/timeline`)).json()) as {
    items?: { title: string }[];
    events?: { title: string }[];
  };
  secrets = (timeline.items ?? timeline.events ?? []).map((e) => e.title).slice(0, 5);
  expect(secrets.length, "the demo case's timeline has events to look for").toBeGreaterThan(0);
  await member.dispose();
});

test("coverage gate: every route handler and page is found and has ids to attack with", () => {
  const routes = routeHandlers();
  expect(routes.length).toBeGreaterThan(10);
  for (const r of routes) {
    expect(r.methods.length, `${r.file} exports no HTTP method this suite knows`).toBeGreaterThan(0);
    expect(() => fill(r.template, caseId)).not.toThrow();
  }
  const pages = appPages();
  expect(pages.filter((p) => p.includes("[caseId]")).length).toBeGreaterThan(10);
  for (const p of pages) expect(() => fill(p, caseId)).not.toThrow();
});

const bodyFor = (method: string) =>
  method === "GET" || method === "HEAD" ? {} : { data: { title: "attack", version: 1 } };

/**
 * Requests of every route handler, method and variant, as `api`, with same-origin headers (so
 * authorization, not CSRF, is what refuses), against `target` (the demo case by default). A
 * route outside any case (the case list) answers a signed-in user; it must still leak nothing.
 * `briefAggregates`: the caller is an executive or admin of one of the target's organisations,
 * whom a case's brief answers with aggregates (lib/summary/access.ts); it must still carry no
 * case content.
 */
async function attackRoutes(
  api: APIRequestContext,
  who: string,
  denied: number[],
  options: { signedInUser?: boolean; briefAggregates?: boolean; target?: string; hidden?: string[] } = {},
) {
  const { signedInUser = false, target = caseId, hidden = secrets } = options;
  const briefAggregates = options.briefAggregates ?? signedInUser;
  const refusals = (template: string) =>
    signedInUser && (!template.includes("[caseId]") || (briefAggregates && template.startsWith("/api/briefs/")))
      ? [...denied, 405, 200]
      : [...denied, 405];
  const secretsSeen: string[] = [];
  for (const r of routeHandlers()) {
    const url = fill(r.template, target);
    for (const method of [...r.methods, "OPTIONS"]) {
      for (const extra of [
        {} as Record<string, string>,
        { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
      ]) {
        const response = await api.fetch(url, {
          method,
          headers: { origin: ORIGIN, "sec-fetch-site": "same-origin", ...extra },
          ...bodyFor(method),
          maxRedirects: 0,
        });
        const label = `${who}: ${method} ${url} ${Object.keys(extra).join(",")}`;
        expect(response.status(), label).toBeLessThan(500);
        const text = await response.text();
        // Next answers OPTIONS itself (204, an Allow header, no body): the same for any id.
        if (method === "OPTIONS" && response.status() === 204) expect(text, label).toBe("");
        else expect(refusals(r.template), label).toContain(response.status());
        secretsSeen.push(...hidden.filter((s) => text.includes(s)).map((s) => `${label}: ${s}`));
      }
    }
  }
  expect(secretsSeen).toEqual([]);
}

test("every route handler refuses an anonymous caller, whatever the variant", async () => {
  const api = await newRequest.newContext({ baseURL: ORIGIN });
  await attackRoutes(api, "anonymous", [401, 403, 404]);
});

for (const email of ["executive@microsoft.demo", "admin@openai.demo"]) {
  test(`every case route handler answers 404 to ${email}, who is not on the case`, async () => {
    const api = await signedIn(email);
    await attackRoutes(api, email, [400, 403, 404, 415], { signedInUser: true });
  });
}

// Every role of both organisations, admins included, against a case only its lead is on: owned
// by Microsoft, shared with nobody. Microsoft's executive and admin may read its brief's
// aggregates; nothing else answers anyone but 404 (or a refusal before the case is looked up).
const EVERY_OTHER_ROLE = [
  ["admin@microsoft.demo", true],
  ["legal@microsoft.demo", false],
  ["executive@microsoft.demo", true],
  ["admin@openai.demo", false],
  ["investigator@openai.demo", false],
  ["legal@openai.demo", false],
  ["executive@openai.demo", false],
] as const;
for (const [email, briefAggregates] of EVERY_OTHER_ROLE) {
  test(`every case route handler refuses ${email} on a case only its lead is on`, async () => {
    const api = await signedIn(email);
    await attackRoutes(api, email, [400, 403, 404, 415], {
      signedInUser: true,
      briefAggregates,
      target: privateCase.id,
      hidden: [privateCase.secret],
    });
  });
}

// Not found and hidden answer alike: a case the caller may not see and one that does not exist
// give the same status, type and body on every case route (timing: npm run bench:not-found).
for (const email of ["executive@microsoft.demo", "admin@openai.demo"]) {
  test(`${email}: a hidden case and a made-up one get the same answer from every case route`, async () => {
    const api = await signedIn(email);
    const routes = routeHandlers().filter(
      (r) => r.template.includes("[caseId]") && r.methods.includes("GET") && !r.template.startsWith("/api/briefs/"),
    );
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      const answer = async (id: string) => {
        const response = await api.get(fill(r.template, id), { maxRedirects: 0 });
        return { status: response.status(), type: response.headers()["content-type"], body: await response.text() };
      };
      const hidden = await answer(caseId);
      expect(hidden.status, r.template).toBe(404);
      expect(hidden, r.template).toEqual(await answer(FORGED));
    }
  });
}

test("a member is allowed the same reads (the suite can tell allowed from denied)", async () => {
  const api = await signedIn("investigator@openai.demo");
  for (const sub of ["timeline", "evidence", "timeline/histogram"]) {
    expect((await api.get(`/api/cases/${caseId}/${sub}`)).status(), sub).toBe(200);
  }
});

test("every app page: anonymous visitors go to sign-in; outsiders get no case data, also via RSC and prefetch", async () => {
  const anonymous = await newRequest.newContext({ baseURL: ORIGIN });
  const outsider = await signedIn("admin@openai.demo");
  for (const template of appPages().filter((p) => p.includes("[caseId]"))) {
    const url = fill(template, caseId);
    const anon = await anonymous.get(url, { maxRedirects: 0 });
    expect([307, 308], `anonymous ${url}`).toContain(anon.status());
    expect(anon.headers().location, url).toContain("/sign-in");
    for (const [suffix, headers] of [
      ["", {}],
      ["", { rsc: "1" }],
      ["", { rsc: "1", "next-router-prefetch": "1", "next-router-segment-prefetch": "/_tree" }],
      ["?nxtPcaseId=" + FORGED, {}],
      [".rsc", {}],
      ["", { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" }],
    ] as const) {
      const response = await outsider.get(url + suffix, { headers, maxRedirects: 0 });
      const label = `outsider ${url}${suffix} ${JSON.stringify(headers)}`;
      expect(response.status(), label).toBeLessThan(500);
      const text = await response.text();
      for (const secret of secrets) expect(text.includes(secret), `${label} leaks "${secret}"`).toBe(false);
    }
  }
});

test("cross-site requests to a route handler are refused and write nothing", async () => {
  const api = await signedIn("investigator@microsoft.demo");
  const count = async () =>
    ((await (await api.get(`/api/cases/${caseId}/timeline`)).json()) as { total?: number }).total;
  const before = await count();
  const event = JSON.stringify({ occurredAt: "2026-01-15T09:00", timeZone: "UTC", title: "forged", category: "OTHER" });
  for (const [name, headers] of [
    ["foreign Origin", { origin: "https://evil.example", "content-type": "application/json" }],
    ["Origin: null", { origin: "null", "content-type": "application/json" }],
    ["no Origin", { "content-type": "application/json" }],
    ["text/plain JSON", { origin: "https://evil.example", "content-type": "text/plain" }],
    [
      "cross-site fetch metadata",
      { origin: ORIGIN, "sec-fetch-site": "cross-site", "content-type": "application/json" },
    ],
    [
      "a forged X-Forwarded-Host",
      { origin: "https://evil.example", "x-forwarded-host": "evil.example", "content-type": "application/json" },
    ],
  ] as const) {
    const response = await api.post(`/api/cases/${caseId}/timeline`, { headers, data: event });
    expect(response.status(), name).toBe(403);
  }
  expect(await count()).toBe(before);
});

test("cross-site server action posts are refused before any action runs", async () => {
  const api = await signedIn("investigator@microsoft.demo");
  for (const [name, headers] of [
    ["foreign Origin", { origin: "https://evil.example" }],
    ["Origin: null", { origin: "null" }],
    ["no Origin", {}],
    ["a forged X-Forwarded-Host", { origin: "https://evil.example", "x-forwarded-host": "evil.example" }],
    ["cross-site fetch metadata", { origin: ORIGIN, "sec-fetch-site": "cross-site" }],
  ] as const) {
    const response = await api.post(`/cases/${caseId}/notes`, {
      headers: { "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8", ...headers },
      data: "[]",
      maxRedirects: 0,
    });
    expect(response.status(), name).toBe(403);
  }
});

/** What the private case's lead reads of it: an action refused to someone else changes none of it. */
async function privateCaseState(): Promise<string> {
  const lead = await signedIn("investigator@microsoft.demo");
  const id = privateCase.id;
  const parts = [`/api/cases/${id}/timeline`, `/api/cases/${id}/notes`, `/api/cases/${id}/evidence`, "/api/cases"];
  const texts = await Promise.all(parts.map(async (url) => (await lead.get(url)).text()));
  await lead.dispose();
  return texts.join("\n");
}

/**
 * Posts every server action of the build as `api` against `target`, its arguments as React
 * encodes them: the declared ids (the case, forged items), the form state, then a form with
 * plausible fields. Returns the actions that answered success.
 */
async function attackActions(
  api: APIRequestContext,
  who: string,
  target: string,
  hidden: string[],
  only?: (name: string) => boolean,
) {
  const succeeded: string[] = [];
  for (const action of serverActions().built.filter((a) => !only || only(a.name))) {
    const args = action.params.map((p) =>
      p.type === "FormData" ? "$K1" : p.name === "caseId" ? target : /State$/.test(p.type) ? null : FORGED,
    );
    const form = {
      title: "attack",
      body: "attack",
      name: "attack",
      value: "acct_attack",
      kind: "ACCOUNT",
      version: "1",
    };
    const response = await api.post(fill(action.page, target), {
      headers: {
        origin: ORIGIN,
        "sec-fetch-site": "same-origin",
        "next-action": action.id,
        accept: "text/x-component",
      },
      multipart: actionReply(JSON.stringify(args), form),
      maxRedirects: 0,
    });
    const label = `${who}: ${action.name}`;
    expect(response.status(), label).toBeLessThan(500);
    const text = await response.text();
    if (/"ok":true/.test(text)) succeeded.push(action.name);
    for (const secret of hidden) expect(text.includes(secret), `${label} leaks "${secret}"`).toBe(false);
  }
  return succeeded;
}

// Actions that need no case: ending one's own other sessions (anyone signed in), verifying the
// audit chain (admins). Nothing else may succeed for anyone but the case's lead.
const allowedWithoutCase = (email: string) =>
  email.startsWith("admin@") ? ["endOtherSessionsAction", "verifyChainAction"] : ["endOtherSessionsAction"];

test("every server action refuses anonymous callers and every role of both organisations on a case only its lead is on", async () => {
  test.setTimeout(600_000);
  const before = await privateCaseState();
  const anonymous = await newRequest.newContext({ baseURL: ORIGIN });
  expect(await attackActions(anonymous, "anonymous", privateCase.id, [privateCase.secret])).toEqual([]);
  for (const [email] of EVERY_OTHER_ROLE) {
    const api = await signedIn(email);
    const succeeded = await attackActions(api, email, privateCase.id, [privateCase.secret]);
    expect(
      succeeded.filter((name) => !allowedWithoutCase(email).includes(name)),
      email,
    ).toEqual([]);
    await api.dispose();
  }
  expect(await privateCaseState()).toBe(before);
  // The same post from the case's lead does act: the sweep can tell allowed from denied.
  const lead = await signedIn("investigator@microsoft.demo");
  const notes = (name: string) => name === "createNoteAction";
  expect(await attackActions(lead, "lead", privateCase.id, [], notes)).toEqual(["createNoteAction"]);
  expect(await privateCaseState()).not.toBe(before);
});

test("a session token replayed after sign-out is refused", async () => {
  const api = await signedIn("legal@microsoft.demo");
  expect((await api.get(`/api/cases/${caseId}/timeline`)).status()).toBe(200);
  const cookies = (await api.storageState()).cookies.filter((c) => c.name.includes("session-token"));
  const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await api.post("/api/auth/signout", { form: { csrfToken, json: "true" }, headers: { origin: ORIGIN } });
  const replay = await newRequest.newContext({
    baseURL: ORIGIN,
    extraHTTPHeaders: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") },
  });
  expect((await replay.get(`/api/cases/${caseId}/timeline`)).status()).toBe(401);
});

test("pages carry a nonce CSP and the other security headers; signed-in answers are not cached", async () => {
  const anonymous = await newRequest.newContext({ baseURL: ORIGIN });
  const page = await anonymous.get("/sign-in");
  const csp = page.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce, csp).toBeTruthy();
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).toContain("frame-ancestors 'none'");
  const html = await page.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, "every script carries the nonce").toContain(`nonce="${nonce}"`);
  expect(page.headers()["x-content-type-options"]).toBe("nosniff");
  expect(page.headers()["referrer-policy"]).toBeTruthy();
  expect(page.headers()["permissions-policy"]).toBeTruthy();
  // A new nonce for every response.
  const again = (await anonymous.get("/sign-in")).headers()["content-security-policy"];
  expect(again).not.toBe(csp);
  expect((await anonymous.get("/favicon.ico")).status()).toBe(200);

  const member = await signedIn("investigator@microsoft.demo");
  for (const url of [`/cases/${caseId}`, `/cases/${caseId}/timeline`, `/api/cases/${caseId}/timeline`]) {
    expect((await member.get(url)).headers()["cache-control"], url).toMatch(/no-store/);
  }
});

test("upload abuse: hostile names are refused; hostile bytes are stored inertly and only served inert", async () => {
  const api = await signedIn("investigator@microsoft.demo");
  const url = `/api/cases/${caseId}/evidence`;
  const upload = (fileName: string, mimeType: string, data: Buffer) =>
    api.post(url, {
      data,
      headers: {
        origin: ORIGIN,
        "content-type": "application/octet-stream",
        "x-evidence-metadata": Buffer.from(
          JSON.stringify({ kind: "OTHER", title: "Abuse", fileName, mimeType }),
        ).toString("base64url"),
      },
    });
  const unique = () => randomBytes(16).toString("hex");

  const total = async () => ((await (await api.get(url)).json()) as { total: number }).total;
  const before = await total();
  for (const name of [
    "a\r\nSet-Cookie: x=1.txt",
    "../../etc/passwd",
    "invoice\u202Efdp.exe",
    "a\u0000.txt",
    "a\u2066b.txt",
    "",
  ]) {
    const response = await upload(name, "text/plain", Buffer.from(unique()));
    expect(response.status(), JSON.stringify(name)).toBe(400);
    expect(response.headers()["content-type"]).toContain("application/problem+json");
  }
  expect(await total()).toBe(before);

  for (const [name, mimeType, body] of [
    ["photo.png", "image/png", `<html><script>alert(document.cookie)</script>${unique()}</html>`],
    [
      "drawing.svg",
      "image/svg+xml",
      `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><!--${unique()}--></svg>`,
    ],
    ["report.pdf.exe", "application/pdf", `MZ${unique()}`],
    ["empty.txt", "text/plain", ""],
  ] as const) {
    const response = await upload(name, mimeType, Buffer.from(body));
    const label = `${name} (${mimeType})`;
    if (response.status() >= 400) {
      expect(response.status(), label).toBeLessThan(500);
      continue;
    }
    const { id } = (await response.json()) as { id: string };
    for (const file of ["download", "preview"]) {
      const served = await api.get(`${url}/${id}/${file}`);
      if (served.status() !== 200) continue; // no preview for this type
      const headers = served.headers();
      expect(headers["x-content-type-options"], `${label} ${file}`).toBe("nosniff");
      expect(headers["content-security-policy"], `${label} ${file}`).toMatch(/(^|;\s*)sandbox/);
      if (file === "download") {
        expect(headers["content-disposition"], label).toMatch(/^attachment;/);
        expect(headers["content-type"], label).toBe("application/octet-stream");
      }
    }
  }
  // The size limit over HTTP (the e2e server sets EVIDENCE_MAX_BYTES to 32 MiB): the limit is
  // stored, one byte more is 413 with nothing kept, announced or sent without a length.
  const LIMIT = 32 * 1024 * 1024;
  const atLimit = await upload("limit.bin", "application/octet-stream", randomBytes(LIMIT));
  expect(atLimit.status()).toBe(201);
  const countAfterLimit = await total();
  const over = await upload("over.bin", "application/octet-stream", randomBytes(LIMIT + 1));
  expect(over.status()).toBe(413);
  expect(over.headers()["content-type"]).toContain("application/problem+json");
  const cookie = (await api.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${ORIGIN}${url}`, {
      method: "POST",
      headers: {
        cookie,
        origin: ORIGIN,
        "content-type": "application/octet-stream",
        "transfer-encoding": "chunked",
        "x-evidence-metadata": Buffer.from(
          JSON.stringify({
            kind: "OTHER",
            title: "Abuse",
            fileName: "chunked.bin",
            mimeType: "application/octet-stream",
          }),
        ).toString("base64url"),
      },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // The server may answer and close before the last bytes are written: the answer still comes.
    req.on("error", (error) => setTimeout(() => reject(error), 2_000));
    req.write(randomBytes(LIMIT));
    req.end(randomBytes(1));
  });
  expect(chunked).toBe(413);
  expect(await total()).toBe(countAfterLimit);
});
