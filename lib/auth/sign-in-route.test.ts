import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { resolveSession, sessionCookie } from "@/lib/auth/session";
import { SIGN_IN_ERROR } from "@/lib/auth/sign-in";
import { getEnv } from "@/lib/env";
import { getSignInThrottle } from "@/lib/auth/throttle";
import { confirmEnrolment, startEnrolment } from "@/lib/auth/mfa";
import { createOrg, createUser, TEST_PASSWORD, uid } from "@/tests/helpers/factories";
import * as signInRoute from "@/app/api/auth/sign-in/route";

// POST /api/auth/sign-in, the password sign-in over HTTP: the route around authenticate()
// (lib/auth/sign-in.test.ts holds the rules of the check itself).

const SITE = "http://localhost:3000";

/** POSTs to the route; a header given as null is left out. */
function post(
  body: BodyInit | null,
  headers: Record<string, string | null> = {},
  init: { duplex?: "half" } = {},
): Promise<Response> {
  const all = { host: "localhost:3000", origin: SITE, "content-type": "application/json", ...headers };
  const request = new Request(`${SITE}/api/auth/sign-in`, {
    method: "POST",
    headers: Object.entries(all).flatMap(([name, value]) => (value === null ? [] : [[name, value]])) as [
      string,
      string,
    ][],
    body,
    ...init,
  });
  return signInRoute.POST(request, undefined);
}

const json = (value: unknown) => JSON.stringify(value);

async function newUser(opts: { disabled?: boolean } = {}) {
  return createUser({ orgId: (await createOrg()).id, ...opts });
}

/** The session token a response sets, or null. */
function sessionToken(response: Response): string | null {
  return /^next-auth\.session-token=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1] ?? null;
}

describe("POST /api/auth/sign-in", () => {
  it("signs in with the right password: 200 and a session cookie that authenticates as that user", async () => {
    const user = await newUser();
    const response = await post(json({ email: user.email, password: TEST_PASSWORD }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const actor = await resolveSession(sessionToken(response) ?? undefined);
    expect(actor).toMatchObject({ id: user.id, orgId: user.orgId, email: user.email });
  });

  it("over https, the cookie is Secure and __Secure- prefixed", async () => {
    const cookie = await sessionCookie(crypto.randomUUID(), "https://casebridge.example");
    expect(cookie).toMatch(/^__Secure-next-auth\.session-token=[^;]+; Path=\/; .*; HttpOnly; SameSite=Lax; Secure$/);
  });

  it("refuses a wrong password and an unknown email alike: 401, no cookie, no session", async () => {
    const user = await newUser();
    const wrong = await post(json({ email: user.email, password: "not the password" }));
    const unknown = await post(json({ email: `nobody-${uid()}@test.example`, password: TEST_PASSWORD }));
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    const body = await wrong.json();
    expect(body).toMatchObject({ status: 401, code: "sign_in_refused", error: SIGN_IN_ERROR.invalid });
    expect(await unknown.json()).toEqual(body);
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses a disabled account (403) and a locked one (429)", async () => {
    const disabled = await newUser({ disabled: true });
    const refused = await post(json({ email: disabled.email, password: TEST_PASSWORD }));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: SIGN_IN_ERROR.disabled });

    const locked = await newUser();
    await getSignInThrottle().failed(locked.email, getEnv().SIGN_IN_MAX_FAILURES);
    const response = await post(json({ email: locked.email, password: TEST_PASSWORD }));
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ error: SIGN_IN_ERROR.locked });
    expect(await getDb().userSession.count({ where: { userId: { in: [disabled.id, locked.id] } } })).toBe(0);
    await getSignInThrottle().unlock(locked.email);
  });

  it("refuses a request from another site before reading it (403), so no one is signed in by another site", async () => {
    const user = await newUser();
    const body = json({ email: user.email, password: TEST_PASSWORD });
    const attempts: Record<string, string | null>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: null }, // no Origin at all: a browser always sends one on a POST
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of attempts) {
      const response = await post(body, headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);
  });

  it("asks for the second factor of an account with MFA on, then signs in with a right code only", async () => {
    const user = await newUser();
    const { secret } = await startEnrolment(user);
    await confirmEnrolment(user, await generate({ secret }));
    const password = { email: user.email, password: TEST_PASSWORD };

    const asked = await post(json(password));
    expect(asked.status).toBe(401);
    expect(await asked.json()).toMatchObject({ code: "sign_in_refused", error: SIGN_IN_ERROR.mfaRequired });
    const wrong = await post(json({ ...password, code: "000000" }));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: SIGN_IN_ERROR.mfaInvalid });
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);

    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const signed = await post(json({ ...password, code }));
    expect(signed.status).toBe(200);
    expect(await resolveSession(sessionToken(signed) ?? undefined)).toMatchObject({ id: user.id });
  });

  it("answers bad input with a status that fits, and counts no attempt", async () => {
    const user = await newUser();
    const form = new URLSearchParams({ email: user.email, password: TEST_PASSWORD }).toString();
    const form415 = await post(form, { "content-type": "application/x-www-form-urlencoded" });
    expect(form415.status).toBe(415);
    expect((await form415.json()).title).toBe("Send the request body with Content-Type: application/json.");
    expect((await post("{not json")).status).toBe(400);
    const wrongTypes = await post(json({ email: 42, password: ["x"] }));
    expect(wrongTypes.status).toBe(400);
    expect(await wrongTypes.json()).toMatchObject({ code: "validation", errors: { email: expect.any(Array) } });
    // An over-long password is named, in words the sign-in form shows as they are.
    const long = await post(json({ email: user.email, password: "x".repeat(1025) }));
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({
      errors: { password: ["A password is at most 1,024 characters: this one is longer."] },
    });
    expect((await post(json({ email: user.email, password: "x".repeat(9_000) }))).status).toBe(413);
    // No Content-Length (a streamed body): cut off once it passes the limit.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(" ".repeat(4_096)));
      },
    });
    expect((await post(endless, {}, { duplex: "half" })).status).toBe(413);
    // A body that breaks off (the client went away): the client's fault, 400, not the server's 500.
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"email":'));
        controller.error(new Error("connection reset"));
      },
    });
    expect((await post(broken, {}, { duplex: "half" })).status).toBe(400);
    expect(await getDb().userSession.count({ where: { userId: user.id } })).toBe(0);
    expect(await getDb().auditEvent.count({ where: { targetId: user.id } })).toBe(0);
  });
});
