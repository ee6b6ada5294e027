// The app as the end-to-end tests see it: a fresh, migrated database (see
// tests/helpers/test-database.ts for which), demo data, a production build, port $E2E_PORT (3100).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase } from "@/tests/helpers/test-database";

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
/* eslint-enable no-restricted-properties */

const { startCasebridge } = await import("@/scripts/start");
await startCasebridge({ port: E2E_PORT, onShutdown: database.drop });
