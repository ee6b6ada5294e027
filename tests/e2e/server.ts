// The app as the end-to-end tests see it: a fresh, migrated database (see
// tests/helpers/test-database.ts for which), demo data, a production build, port $E2E_PORT (3100).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase } from "@/tests/helpers/test-database";
import { startTestIdp, TEST_IDP_CLIENT, testIdpIssuer, testIdpPort } from "@/tests/helpers/test-idp";

// eslint-disable-next-line no-restricted-properties -- the harness chooses its port
const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);

/* eslint-disable no-restricted-properties -- the harness sets up the app's environment */
const database = await createTestDatabase();
console.log(`[e2e] database: ${database.kind}`);
process.env.DATABASE_URL = database.url;
process.env.CASEBRIDGE_DATA_DIR = mkdtempSync(path.join(tmpdir(), "casebridge-e2e-"));
process.env.NEXTAUTH_URL = `http://localhost:${E2E_PORT}`;
// The journeys sign in as the shared demo accounts many times a minute, which a TOTP code (one
// use per 30 s) cannot serve; MFA is optional here and its own spec enrols a user. The required
// path (admins, leads) is covered by lib/auth/mfa.test.ts.
process.env.MFA_REQUIRED_FOR ??= "none";
// A 32 MiB upload limit (2 GiB by default), so the attack suite can send limit + 1 byte.
process.env.EVIDENCE_MAX_BYTES ??= String(32 * 1024 * 1024);
// Single sign-on against a real OpenID Connect provider started here (tests/e2e/sso.spec.ts):
// "testidp" maps to Microsoft; "noorg" is the same IdP mapped to an organisation that does not exist.
const idpPort = testIdpPort(E2E_PORT);
const ssoProviders = { testidp: ["Test IdP", "microsoft"], noorg: ["Unmapped IdP", "no-such-org"] };
process.env.OIDC_PROVIDERS = Object.keys(ssoProviders).join(",");
for (const [id, [name, org]] of Object.entries(ssoProviders)) {
  const prefix = `OIDC_${id.toUpperCase()}_`;
  Object.assign(process.env, {
    [`${prefix}NAME`]: name,
    [`${prefix}ISSUER`]: testIdpIssuer(idpPort),
    [`${prefix}CLIENT_ID`]: TEST_IDP_CLIENT.id,
    [`${prefix}CLIENT_SECRET`]: TEST_IDP_CLIENT.secret,
    [`${prefix}SCOPES`]: "openid email profile groups",
    [`${prefix}ORG`]: org,
    [`${prefix}EMAIL_DOMAINS`]: "microsoft.demo",
    [`${prefix}ROLES`]: "cb-investigators=INVESTIGATOR",
  });
}
/* eslint-enable no-restricted-properties */
const idp = startTestIdp(
  idpPort,
  Object.keys(ssoProviders).map((id) => `http://localhost:${E2E_PORT}/api/auth/callback/${id}`),
);

const { startCasebridge } = await import("@/scripts/start");
await startCasebridge({
  port: E2E_PORT,
  onShutdown: async () => {
    idp.close();
    await database.drop();
  },
});
