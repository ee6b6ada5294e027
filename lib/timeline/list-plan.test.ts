import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/session";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/schema-engine";
import { ZTimelineFilters } from "@/lib/timeline/schemas";
import { ORDERED_PLAN_ONLY, timelinePageSql, timelineSourcesSql } from "@/lib/timeline/sql";

// The timeline's first page must keep its plan whatever the statistics say (issue 16): on a
// case loaded in bulk and not analyzed since, the planner expects a few hundred rows and, left
// to itself, reads and sorts the whole case. Checked with EXPLAIN on the test run's database
// (PostgreSQL when DATABASE_URL is set) and on an embedded PGlite of its own.

const EVENTS = 50_000;
type TPlan = { "Node Type": string; "Index Name"?: string; Plans?: TPlan[] };

function nodes(plan: TPlan): TPlan[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** A case whose events were loaded after the last ANALYZE: statistics that know nothing of them. */
async function loadFreshCase(client: pg.Client): Promise<{ caseId: string; actor: TActor }> {
  const [org, user, caseId] = [randomUUID(), randomUUID(), randomUUID()];
  const tag = caseId.slice(0, 8);
  await client.query(`INSERT INTO "Organization" (id, name, slug) VALUES ($1, $2, $2)`, [org, `plan-${tag}`]);
  await client.query(
    `INSERT INTO "User" (id, email, name, "passwordHash", "orgId", role, "updatedAt")
     VALUES ($1, $2, 'Plan', 'x', $3, 'INVESTIGATOR', now())`,
    [user, `plan-${tag}@test.example`, org],
  );
  await client.query(
    `INSERT INTO "Case" (id, number, title, "ownerOrgId", "createdById", "updatedAt")
     VALUES ($1, $2, 'Plan', $3, $4, now())`,
    [caseId, `CB-PLAN-${tag}`, org, user],
  );
  await client.query(`ANALYZE "TimelineEvent"`);
  await client.query(
    `INSERT INTO "TimelineEvent" (id, "caseId", "orgId", "authorId", "occurredAt", title, description, category, source,
       confidence, visibility, "updatedAt")
     SELECT gen_random_uuid(), $1, $2, $3, timestamp '2026-01-01' + g * interval '1 minute', 'Event ' || g,
            repeat('d', 200), 'API_ACCESS', 'gateway', 'LIKELY', 'ALL_CASE_ORGS', now()
     FROM generate_series(1, ${EVENTS}) g`,
    [caseId, org, user],
  );
  // A few other sources: one of them only on another organisation's owner-org-only event.
  const other = randomUUID();
  await client.query(`INSERT INTO "Organization" (id, name, slug) VALUES ($1, $2, $2)`, [other, `plan-other-${tag}`]);
  await client.query(
    `INSERT INTO "TimelineEvent" (id, "caseId", "orgId", "authorId", "occurredAt", title, description, category, source,
       confidence, visibility, "updatedAt")
     SELECT gen_random_uuid(), $1, s.org, $3, timestamp '2027-01-01', 'Other', '', 'API_ACCESS', s.source, 'LIKELY', s.visibility::"Visibility", now()
     FROM (VALUES ('alpha', $2::uuid, 'ALL_CASE_ORGS'), ('', $2::uuid, 'ALL_CASE_ORGS'), ('partner-only', $4::uuid, 'OWNER_ORG_ONLY'),
                  ('zulu', $4::uuid, 'ALL_CASE_ORGS'), ('alpha', $4::uuid, 'ALL_CASE_ORGS')) AS s(source, org, visibility)`,
    [caseId, org, user, other],
  );
  const actor: TActor = { id: user, orgId: org, name: "Plan", email: "", role: "INVESTIGATOR", orgName: "" };
  return { caseId, actor };
}

/** An investigator's view: privileged events (there are none here) would be withheld. */
const READER = (actor: TActor) => ({ orgId: actor.orgId, ownOrg: false, commonInterest: false });

async function explainPage(
  client: pg.Client,
  actor: TActor,
  caseId: string,
  after: { occurredAt: Date; id: string } | null,
) {
  return explain(client, timelinePageSql(actor, READER(actor), caseId, ZTimelineFilters.parse({}), after, 101));
}

async function explain(client: pg.Client, page: { text: string; values: unknown[] }) {
  await client.query("BEGIN");
  try {
    await client.query(ORDERED_PLAN_ONLY.text, ORDERED_PLAN_ONLY.values);
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${page.text}`, page.values);
    return nodes((rows[0]["QUERY PLAN"] as { Plan: TPlan }[])[0]!.Plan);
  } finally {
    await client.query("COMMIT");
  }
}

describe.each([
  ["the test database", false],
  ["an embedded PGlite", true],
])("the timeline page's plan on %s", (_name, embedded) => {
  let database: EmbeddedDatabase | undefined;
  let client: pg.Client;
  let fresh: { caseId: string; actor: TActor };

  beforeAll(async () => {
    let url = process.env.DATABASE_URL!; // eslint-disable-line no-restricted-properties -- the run's database
    if (embedded) {
      database = await startEmbeddedDatabase(undefined, { analyzeEveryMs: 0 });
      url = database.url;
      await applyMigrations(url);
    }
    client = new pg.Client({ connectionString: url });
    await client.connect();
    fresh = await loadFreshCase(client);
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await database?.stop();
  });

  it.each([
    ["first page", false],
    ["a deep page", true],
  ])("%s walks the (caseId, occurredAt, id) index and stops at the LIMIT, sorting nothing", async (_p, deep) => {
    const after = deep ? { occurredAt: new Date("2026-01-20T00:00:00Z"), id: randomUUID() } : null;
    const plan = await explainPage(client, fresh.actor, fresh.caseId, after);
    const types = plan.map((n) => n["Node Type"]);
    expect(types).not.toContain("Sort");
    const scan = plan.find((n) => n["Index Name"] === "TimelineEvent_caseId_occurredAt_id_idx");
    expect(scan?.["Node Type"]).toBe("Index Scan");
    // The LIMIT sits between the scan and the name joins: names are joined for one page only.
    const limit = plan.findIndex((n) => n["Node Type"] === "Limit");
    expect(limit).toBeGreaterThan(types.indexOf("Nested Loop"));
    expect(nodes(plan[limit]!)).toContain(scan);
  });

  it("lists the visible sources by walking the (caseId, source) index, never reading the case", async () => {
    const sources = timelineSourcesSql(fresh.actor, READER(fresh.actor), fresh.caseId, 200);
    const plan = await explain(client, sources);
    expect(plan.map((n) => n["Node Type"])).not.toContain("Seq Scan");
    expect(plan.map((n) => n["Node Type"])).not.toContain("Sort");
    expect(plan.some((n) => n["Index Name"] === "TimelineEvent_caseId_source_idx")).toBe(true);
    const { rows } = await client.query(sources.text, sources.values);
    expect(rows.map((r) => r.source)).toEqual(["alpha", "gateway", "zulu"]);
  });

  it("returns the page in order, with names", async () => {
    const page = timelinePageSql(fresh.actor, READER(fresh.actor), fresh.caseId, ZTimelineFilters.parse({}), null, 3);
    const { rows } = await client.query(page.text, page.values);
    expect(rows.map((r) => r.title)).toEqual(["Event 1", "Event 2", "Event 3"]);
    expect(rows[0].authorName).toBe("Plan");
  });
});
