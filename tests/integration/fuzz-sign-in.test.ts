import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import type { TOidcProvider } from "@/lib/env";
import { authenticate } from "@/lib/auth/sign-in";
import { signInWithSso } from "@/lib/auth/sso";
import { createSignInThrottle } from "@/lib/auth/throttle";
import { crossSiteRefusal, ownOrigins } from "@/lib/request-policy";
import { createOrg, uid } from "@/tests/helpers/factories";

// Property-based fuzzing (fast-check) of the sign-in entry points with hostile input: wrong
// types, huge strings, NUL and lone surrogates, __proto__ and extra fields. Never an exception,
// never a session or user. The seed is printed so a failure can be replayed (FUZZ_SEED=<n>).
// eslint-disable-next-line no-restricted-properties -- the replay seed is the test's own knob
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
console.log(`[fuzz] seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.constantFrom("\u0000", "\uD800", "\uDFFF", "__proto__", "constructor", "a\u202Eb", "x".repeat(100_000)),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
);
const hostileObject = fc.oneof(
  fc.dictionary(hostileString, hostileValue, { maxKeys: 6 }),
  fc.record({ iss: hostileValue, sub: hostileValue, email: hostileValue, groups: hostileValue, amr: hostileValue }),
  fc.constant(JSON.parse('{"__proto__": {"email": "admin@corp.example"}, "sub": "x"}') as Record<string, unknown>),
);

describe("fuzzing the sign-in entry points", () => {
  it("SSO claims: any shape is refused without an exception, a user or a session", async () => {
    const org = await createOrg();
    const provider: TOidcProvider = {
      id: "fuzz",
      name: "Fuzz",
      issuer: "https://idp.fuzz.example",
      clientId: "c",
      clientSecret: "s",
      scopes: "openid",
      orgSlug: org.slug,
      emailDomains: ["corp.example"],
      roleClaim: "groups",
      roles: [["admins", "ADMIN"]],
      mfa: "amr",
    };
    await fc.assert(
      fc.asyncProperty(hostileObject, async (claims) => {
        const result = await signInWithSso(provider, claims as Record<string, unknown>);
        expect(result.ok).toBe(false);
      }),
      { seed: SEED, numRuns: 60 },
    );
    expect(await getDb().user.count({ where: { orgId: org.id } })).toBe(0);
  });

  it("password sign-in: any input is one generic refusal, never an exception", async () => {
    const throttle = createSignInThrottle({
      store: "postgres",
      maxFailures: 1_000_000,
      lockSeconds: 1,
      maxFailuresPerIp: 1_000_000,
      delayMs: 0,
      prefix: `fuzz-${uid()}`,
    });
    const sessionsBefore = await getDb().userSession.count();
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileObject, hostileValue), async (input) => {
        const result = await authenticate(input, {}, throttle);
        expect(result.ok).toBe(false);
      }),
      { seed: SEED, numRuns: 40 },
    );
    expect(await getDb().userSession.count()).toBe(sessionsBefore);
    await throttle.close();
  });

  it("the cross-site rule never throws and never lets a POST without our Origin through", () => {
    const own = ownOrigins("https://casebridge.example", null, "https:");
    fc.assert(
      fc.property(hostileString, fc.option(hostileString), (origin, site) => {
        const headers = new Headers();
        try {
          headers.set("origin", origin);
          if (site !== null) headers.set("sec-fetch-site", site);
        } catch {
          return; // not a valid header value: no browser can send it
        }
        const refusal = crossSiteRefusal("POST", headers, own);
        if (origin !== "https://casebridge.example") expect(refusal).not.toBeNull();
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
