// The case bench:load drives: the demo case (its lead is the signed-in user) filled in bulk with
// timeline events of both organisations, evidence items and notes, then analyzed (a bulk load).
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import pg from "pg";
import { http } from "@/scripts/bench/app";

export type TLoadCase = {
  caseId: string;
  evidenceId: string;
  deepCursor: string;
  /** One sign-in body per bench account (a connection signs in as its own account). */
  signInBodies: string[];
  noteBody: string;
  seconds: number;
};

const DEMO_CASE_TITLE = "Suspected distillation via API — Subject cluster A";
const CATEGORIES = "ACCOUNT_CREATION PAYMENT API_ACCESS EXTRACTION RATE_LIMITING DETECTION COMMUNICATION RESPONSE";

export async function seedLoadCase(
  dbUrl: string,
  origin: string,
  cookie: string,
  sizes: { events: number; evidence: number; notes: number; accounts: number },
): Promise<TLoadCase> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT c.id AS "caseId", lead.id AS lead, lead."orgId" AS "leadOrg", partner.id AS partner, partner."orgId" AS "partnerOrg"
       FROM "Case" c, "User" lead, "User" partner
       WHERE c.title = $1 AND lead.email = 'investigator@microsoft.demo' AND partner.email = 'investigator@openai.demo'`,
      [DEMO_CASE_TITLE],
    );
    const c = rows[0] as { caseId: string; lead: string; leadOrg: string; partner: string; partnerOrg: string };
    if (!c) throw new Error("The demo case is missing: was the database seeded?");

    // One file through the real upload endpoint (blob, row, custody, audit); the rest share its bytes.
    const bytes = randomBytes(64 * 1024);
    const metadata = Buffer.from(
      JSON.stringify({
        title: "Load capture",
        kind: "NETWORK_CAPTURE",
        fileName: "capture.bin",
        mimeType: "application/octet-stream",
      }),
    ).toString("base64url");
    const up = await http("POST", `${origin}/api/cases/${c.caseId}/evidence`, {
      body: Readable.from([bytes]),
      headers: {
        Cookie: cookie,
        Origin: origin,
        "Content-Type": "application/octet-stream",
        "Content-Length": String(bytes.length),
        "X-Evidence-Metadata": metadata,
      },
    });
    if (up.status !== 201) throw new Error(`Evidence upload failed: HTTP ${up.status} ${up.text}`);
    const evidenceId = (JSON.parse(up.text) as { id: string }).id;
    await client.query(
      `INSERT INTO "Evidence" (id, "caseId", "orgId", "addedById", title, kind, "fileName", "mimeType", size, sha256, visibility, "createdAt", "updatedAt")
       SELECT gen_random_uuid(), e."caseId", e."orgId", e."addedById", 'Load capture ' || g, e.kind, e."fileName", e."mimeType", e.size, e.sha256,
              e.visibility, now() - g * interval '1 minute', now()
       FROM "Evidence" e, generate_series(2, $2::int) g WHERE e.id = $1`,
      [evidenceId, sizes.evidence],
    );
    // Every third event the partner's, every tenth owner-organisation-only; five minutes apart.
    await client.query(
      `INSERT INTO "TimelineEvent" (id, "caseId", "orgId", "authorId", "occurredAt", title, description, category, source, confidence, visibility, "updatedAt")
       SELECT gen_random_uuid(), $1::uuid, CASE WHEN g % 3 = 0 THEN $4::uuid ELSE $3::uuid END, CASE WHEN g % 3 = 0 THEN $5::uuid ELSE $2::uuid END,
              timestamp '2026-01-01' + g * interval '5 minutes', 'Load event ' || g,
              'Requests from acct_' || (g % 977) || ' seen at the gateway; keys rotated.',
              (string_to_array($6, ' '))[1 + g % 8]::"EventCategory", 'gateway', (ARRAY['CONFIRMED', 'LIKELY', 'POSSIBLE'])[1 + g % 3]::"EventConfidence",
              (CASE WHEN g % 10 = 0 THEN 'OWNER_ORG_ONLY' ELSE 'ALL_CASE_ORGS' END)::"Visibility", now()
       FROM generate_series(1, $7::int) g`,
      [c.caseId, c.lead, c.leadOrg, c.partnerOrg, c.partner, CATEGORIES, sizes.events],
    );
    await client.query(
      `INSERT INTO "Note" (id, "caseId", "authorId", "orgId", body, visibility, "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1::uuid, $2::uuid, $3::uuid, 'Load note ' || g || ': traffic from the cluster continued overnight.',
              'ALL_CASE_ORGS', now() - g * interval '1 hour', now()
       FROM generate_series(1, $4::int) g`,
      [c.caseId, c.lead, c.leadOrg, sizes.notes],
    );
    // Bench accounts: people sign in as themselves, and a per-account limit (lib/auth/throttle.ts)
    // rightly refuses 32 parallel attempts on one account. Same organisation and password as the
    // lead (its hash is copied: no hashing here).
    const { rows: accounts } = await client.query(
      `INSERT INTO "User" (id, email, name, "passwordHash", role, "orgId", "updatedAt")
       SELECT gen_random_uuid(), 'bench-' || g || '@microsoft.demo', 'Bench user ' || g, u."passwordHash", u.role, u."orgId", now()
       FROM "User" u, generate_series(1, $2::int) g WHERE u.id = $1
       ON CONFLICT (email) DO UPDATE SET "updatedAt" = now() RETURNING email`,
      [c.lead, sizes.accounts],
    );
    await client.query(`ANALYZE "TimelineEvent", "Evidence", "Note"`); // a bulk load: statistics before reading
    // The keyset cursor of the event 90% of the way down the timeline (lib/timeline/sql.ts form).
    const { rows: deep } = await client.query(
      `SELECT id, "occurredAt" FROM "TimelineEvent" WHERE "caseId" = $1 ORDER BY "occurredAt", id OFFSET $2 LIMIT 1`,
      [c.caseId, Math.floor(sizes.events * 0.9)],
    );
    const deepCursor = Buffer.from(JSON.stringify([(deep[0].occurredAt as Date).toISOString(), deep[0].id])).toString(
      "base64url",
    );

    const signInBodies = (accounts as { email: string }[]).map(({ email }) =>
      JSON.stringify({ email, password: "casebridge-demo" }),
    );
    const noteBody = JSON.stringify({ body: "Added under load: the cluster's traffic resumed at 02:00 UTC." });
    return {
      caseId: c.caseId,
      evidenceId,
      deepCursor,
      signInBodies,
      noteBody,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await client.end();
  }
}
