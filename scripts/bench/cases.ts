// npm run bench:cases [-- --keep] [-- --small]: builds a throwaway database on BENCH_DATABASE_URL's server
// (100,000 cases, 2,000 users, 1,000,000 chained audit events), times the case list, the case
// page, the permission check and audit verification against the targets, then drops it.
// Informational: exits 0 whether targets pass or miss; non-zero only when the run itself fails.
// (Longer than 300 lines: the data generator and the measurements only make sense together.)
import { randomUUID } from "node:crypto";
import pg from "pg";
import { GENESIS_HASH, hashAuditEvent } from "@/lib/audit/hash";
import { canOnCase, type TCaseFacts } from "@/lib/auth/permissions";
import type { TActor } from "@/lib/auth/session";
import { ZCaseFilters } from "@/lib/cases/schemas";
import { benchDatabase, env, fmt, log, measure, sized, stats, verdict, type TStats } from "@/scripts/bench/common";

const USERS = 2_000;
const ADMINS = 6; // users 1..6 (three per organisation); everyone else is an investigator
const ADMIN_USER = 1;
const MEMBER_USER = 7; // organisation A; a member of exactly the cases with n % 400 in (3, 4)
const POOL = 996; // users 9, 11, … 1999 (A) and 10, 12, … 2000 (B) fill the other seats
const CASES = sized(100_000, 2_000);
// Owned by B, shared with A, four members; MEMBER_USER (A) is its lead (n even, n % 4 = 0, n % 400 = 4).
const BENCH_CASE = sized(50_804, 804);
const EVENTS = sized(1_000_000, 20_000);
const AUDIT_BATCH = 10_000;
const WARMUP = sized(5, 1);
const RUNS = sized(50, 5);
const PURE_ITERATIONS = sized(20_000, 2_000); // per timed run of canOnCase
const VERIFY_RUNS = sized(3, 1);
const TIMED = { runs: RUNS, warmup: WARMUP };
const TARGET = { listMs: 200, pageMs: 300, eventsPerSecond: 50_000 };

const keep = process.argv.includes("--keep");
const { name: dbName, url: benchUrl, onServer } = benchDatabase("");

// ---------------------------------------------------------------------------------------------
// Data

type TData = { orgA: string; orgB: string; userIds: string[]; caseIds: string[] };

async function generateData(client: pg.Client): Promise<TData> {
  const orgA = randomUUID();
  const orgB = randomUUID();
  const userIds = Array.from({ length: USERS }, () => randomUUID());
  const caseIds = Array.from({ length: CASES }, () => randomUUID());
  await client.query("SET TIME ZONE 'UTC'; SET synchronous_commit = off; SELECT setseed(0.2026)");
  await client.query(
    `INSERT INTO "Organization" (id, name, slug) VALUES ($1, 'Bench Org A', 'bench-a'), ($2, 'Bench Org B', 'bench-b')`,
    [orgA, orgB],
  );
  // User n belongs to A when n is odd, to B when even.
  await client.query(
    `INSERT INTO "User" (id, email, name, "passwordHash", "orgId", role, "updatedAt")
     SELECT t.id, 'user' || t.n || '@bench.example', 'Bench User ' || t.n, 'bench-not-a-password-hash',
            CASE WHEN t.n % 2 = 1 THEN $2::uuid ELSE $3::uuid END,
            (CASE WHEN t.n <= $4 THEN 'ADMIN' ELSE 'INVESTIGATOR' END)::"GlobalRole", now()
     FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)`,
    [userIds, orgA, orgB, ADMINS],
  );
  log(`  ${USERS.toLocaleString("en")} users`);
  // Case n: owned by A when n is odd, by B when even; shared with the other when n % 4 is 0 or 1.
  await client.query(
    `INSERT INTO "Case" (id, number, title, summary, status, severity, tlp, "ownerOrgId", "legalHold", "createdById", "createdAt", "updatedAt")
     SELECT t.id, 'CB-2026-' || lpad(t.n::text, 6, '0'),
            (ARRAY['Phishing campaign', 'Account takeover', 'Invoice fraud', 'Data leak', 'Ransomware', 'Insider trading',
                   'Money mule network', 'SIM swap'])[1 + t.n % 8] || ' ' || t.n,
            'Benchmark case ' || t.n || '.',
            (CASE WHEN t.rs < 0.3 THEN 'OPEN' WHEN t.rs < 0.6 THEN 'ACTIVE' WHEN t.rs < 0.7 THEN 'ON_HOLD' ELSE 'CLOSED' END)::"CaseStatus",
            (CASE WHEN t.rv < 0.3 THEN 'LOW' WHEN t.rv < 0.7 THEN 'MEDIUM' WHEN t.rv < 0.9 THEN 'HIGH' ELSE 'CRITICAL' END)::"Severity",
            (CASE WHEN t.rt < 0.1 THEN 'CLEAR' WHEN t.rt < 0.35 THEN 'GREEN' WHEN t.rt < 0.75 THEN 'AMBER'
                  WHEN t.rt < 0.9 THEN 'AMBER_STRICT' ELSE 'RED' END)::"Tlp",
            CASE WHEN t.n % 2 = 1 THEN $2::uuid ELSE $3::uuid END,
            t.n % 50 = 0,
            ($4::uuid[])[CASE WHEN t.n % 2 = 1 THEN 9 ELSE 10 END + 2 * (t.n % ${POOL})],
            t.updated - t.ru * interval '60 days', t.updated
     FROM (SELECT id, n, random() AS rs, random() AS rv, random() AS rt, random() AS ru,
                  now() - random() * interval '365 days' AS updated
           FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)) t`,
    [caseIds, orgA, orgB, userIds],
  );
  log(`  ${CASES.toLocaleString("en")} cases`);
  await client.query(
    `INSERT INTO "CaseOrganization" ("caseId", "orgId", "sharedAt", "sharedById")
     SELECT id, CASE WHEN "ownerOrgId" = $1::uuid THEN $2::uuid ELSE $1::uuid END, "createdAt", "createdById"
     FROM "Case" WHERE substring(number FROM 9)::int % 4 IN (0, 1)`,
    [orgA, orgB],
  );
  // 2–4 seats per case. Seat 0 of the chosen 500 cases is MEMBER_USER; other seats go to the
  // owner's users, odd seats of a shared case to the partner's; distinct within a case.
  await client.query(
    `INSERT INTO "CaseMember" ("caseId", "userId", role, "addedAt")
     SELECT c.id,
            CASE WHEN s.j = 0 AND c.n % 400 IN (3, 4) THEN ($1::uuid[])[$2]
                 ELSE ($1::uuid[])[CASE WHEN (c.n % 2 = 1) <> (c.n % 4 IN (0, 1) AND s.j % 2 = 1) THEN 9 ELSE 10 END
                                 + 2 * ((c.n * 37 + s.j * 101) % ${POOL})] END,
            (CASE s.j WHEN 0 THEN 'LEAD' WHEN 3 THEN 'VIEWER' ELSE 'INVESTIGATOR' END)::"CaseRole", c."createdAt"
     FROM (SELECT id, substring(number FROM 9)::int AS n, "createdAt" FROM "Case") c
     CROSS JOIN LATERAL generate_series(0, 1 + c.n % 3) AS s(j)`,
    [userIds, MEMBER_USER],
  );
  const benchCase = caseIds[BENCH_CASE - 1]!;
  await client.query(
    `INSERT INTO "Note" (id, "caseId", "authorId", "orgId", body, visibility, "createdAt", "updatedAt")
     SELECT gen_random_uuid(), m."caseId", m."userId", u."orgId", 'Bench note ' || g || ': observed activity, see attached records.',
            (CASE WHEN g % 2 = 0 THEN 'OWNER_ORG_ONLY' ELSE 'ALL_CASE_ORGS' END)::"Visibility",
            now() - g * interval '1 hour', now() - g * interval '1 hour'
     FROM generate_series(1, 8) g
     JOIN LATERAL (SELECT * FROM "CaseMember" WHERE "caseId" = $1 AND role <> 'VIEWER' ORDER BY role, "userId" OFFSET g % 3 LIMIT 1) m ON true
     JOIN "User" u ON u.id = m."userId"`,
    [benchCase],
  );
  log("  sharing, memberships and notes");
  return { orgA, orgB, userIds, caseIds };
}

// Column → PostgreSQL type, in insert order.
const AUDIT_COLUMNS = {
  id: "bigint",
  occurredAt: "timestamp(3)",
  actorId: "uuid",
  action: "text",
  targetType: "text",
  targetId: "text",
  caseId: "uuid",
  ip: "text",
  userAgent: "text",
  details: "jsonb",
  prevHash: "text",
  hash: "text",
} as const;
const AUDIT_KEYS = Object.keys(AUDIT_COLUMNS) as (keyof typeof AUDIT_COLUMNS)[];
// Weighted by repetition: mostly reads, as in a live system.
const ACTIONS =
  "viewed viewed viewed viewed notes_viewed notes_viewed status_changed note_created sign_in sign_in_failed".split(" ");

function eventShape(kind: string, user: string, caseId: string, r: number) {
  switch (kind) {
    case "sign_in":
      return { actorId: user, action: "auth.sign_in", targetType: "user", targetId: user, caseId: null, details: {} };
    case "sign_in_failed": {
      const details = { email: `user${r % USERS}@bench.example`, reason: "bad_password" };
      return {
        actorId: null,
        action: "auth.sign_in_failed",
        targetType: "user",
        targetId: null,
        caseId: null,
        details,
      };
    }
    case "note_created": {
      const details = { visibility: r % 2 ? "ALL_CASE_ORGS" : "OWNER_ORG_ONLY" };
      return { actorId: user, action: "note.created", targetType: "note", targetId: randomUUID(), caseId, details };
    }
    case "status_changed": {
      const details = { from: "OPEN", to: "ACTIVE" };
      return { actorId: user, action: "case.status_changed", targetType: "case", targetId: caseId, caseId, details };
    }
    case "notes_viewed":
      return {
        actorId: user,
        action: "case.notes_viewed",
        targetType: "case",
        targetId: caseId,
        caseId,
        details: { count: r % 9 },
      };
    default:
      return { actorId: user, action: "case.viewed", targetType: "case", targetId: caseId, caseId, details: {} };
  }
}

/** One batch of the chain as column arrays (in AUDIT_COLUMNS order) for unnest, and its last hash. */
function buildAuditBatch(data: TData, firstId: number, count: number, prevHash: string, t0: number) {
  const columns: unknown[][] = AUDIT_KEYS.map(() => []);
  const stepMs = (365 * 86_400_000) / EVENTS;
  for (let id = firstId; id < firstId + count; id++) {
    const r = Math.imul(id, 2654435761) >>> 0; // cheap, deterministic spread
    const content = {
      ...eventShape(ACTIONS[id % ACTIONS.length]!, data.userIds[r % USERS]!, data.caseIds[r % CASES]!, r),
      occurredAt: new Date(Math.floor(t0 + id * stepMs + (r % 1000) / 100)), // increasing, whole milliseconds
      ip: id % 3 === 0 ? null : `10.${(r >>> 16) & 255}.${(r >>> 8) & 255}.${r & 255}`,
      userAgent: id % 3 === 0 ? null : "Mozilla/5.0 (X11; Linux x86_64) CasebridgeBench/1.0",
    };
    const hash = hashAuditEvent(prevHash, content);
    const row = {
      ...content,
      id,
      occurredAt: content.occurredAt.toISOString(),
      details: JSON.stringify(content.details),
      prevHash,
      hash,
    };
    AUDIT_KEYS.forEach((key, i) => columns[i]!.push(row[key]));
    prevHash = hash;
  }
  return { columns, prevHash };
}

// The chain is computed here, one batch ahead of the database: hashing the next batch overlaps
// with inserting the previous one. Memory stays at about two batches.
async function generateAudit(client: pg.Client, data: TData): Promise<void> {
  const columns = AUDIT_KEYS.map((key) => `"${key}"`).join(", ");
  const arrays = AUDIT_KEYS.map((key, i) => `$${i + 1}::${AUDIT_COLUMNS[key]}[]`).join(", ");
  const insertSql = `INSERT INTO "AuditEvent" (${columns}) SELECT * FROM unnest(${arrays})`;
  const t0 = Date.now() - 366 * 86_400_000;
  let prevHash = GENESIS_HASH;
  let inFlight: Promise<unknown> = Promise.resolve();
  for (let first = 1; first <= EVENTS; first += AUDIT_BATCH) {
    const batch = buildAuditBatch(data, first, Math.min(AUDIT_BATCH, EVENTS - first + 1), prevHash, t0);
    prevHash = batch.prevHash;
    await inFlight;
    inFlight = client.query(insertSql, batch.columns);
    if ((first - 1) % 200_000 === 0 && first > 1) log(`  ${(first - 1).toLocaleString("en")} audit events`);
  }
  await inFlight;
  await client.query(`SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'id'), $1)`, [EVENTS]);
  log(`  ${EVENTS.toLocaleString("en")} audit events`);
}

// ---------------------------------------------------------------------------------------------
// Measurements

type TRow = { label: string; stats: string; target: string; result: string };

const msRow = (label: string, s: TStats, limitMs?: number): TRow => ({
  label,
  stats: `${fmt(s.median)} / ${fmt(s.p95)} ms`,
  target: limitMs ? `p95 < ${limitMs} ms` : "—",
  result: limitMs ? verdict(s.p95 < limitMs) : "",
});

async function runBenchmarks(data: TData): Promise<TRow[]> {
  const { getCaseHeader, getCaseOverview, listCases } = await import("@/lib/cases/queries");
  const { listNotes } = await import("@/lib/notes/queries");
  const { requireCaseAccess } = await import("@/lib/auth/guards");
  const { verifyAuditChain } = await import("@/lib/audit/verify");
  const actor = (n: number, role: TActor["role"]): TActor => ({
    id: data.userIds[n - 1]!,
    email: `user${n}@bench.example`,
    name: `Bench User ${n}`,
    role,
    orgId: n % 2 === 1 ? data.orgA : data.orgB,
    orgName: n % 2 === 1 ? "Bench Org A" : "Bench Org B",
  });
  const member = actor(MEMBER_USER, "INVESTIGATOR");
  const admin = actor(ADMIN_USER, "ADMIN");
  const benchCase = data.caseIds[BENCH_CASE - 1]!;
  const rows: TRow[] = [];

  const seen = await listCases(member, ZCaseFilters.parse({}));
  const all = await listCases(admin, ZCaseFilters.parse({}));
  log(
    `member sees ${seen.total} cases (${seen.pageCount} pages); admin sees ${all.total.toLocaleString("en")} (${all.pageCount.toLocaleString("en")} pages)`,
  );
  const lists: [string, TActor, object][] = [
    ["Case list · member · first page", member, {}],
    ["Case list · member · status OPEN", member, { status: "OPEN" }],
    ["Case list · member · page 15", member, { page: 15 }],
    ["Case list · admin · first page", admin, {}],
    ["Case list · admin · status OPEN", admin, { status: "OPEN" }],
    ["Case list · admin · page 2,000", admin, { page: 2_000 }],
  ];
  for (const [label, who, input] of lists) {
    const filters = ZCaseFilters.parse(input);
    rows.push(msRow(label, await measure(label, TIMED, () => listCases(who, filters)), TARGET.listMs));
  }

  const notes = await listNotes(member, benchCase);
  log(`case page: ${notes.length} of 8 notes visible to the member (the rest: the partner's own-organisation notes)`);
  const pageLabel = "Case page · member (header+overview+notes)";
  const page = await measure(pageLabel, TIMED, async () => {
    await getCaseHeader(member, benchCase);
    await getCaseOverview(member, benchCase);
    await listNotes(member, benchCase);
  });
  rows.push(msRow(pageLabel, page, TARGET.pageMs));

  const { facts } = await requireCaseAccess(member, benchCase, "case.read");
  const pure = await measurePure(member, facts);
  rows.push({
    label: "Permission · canOnCase (pure)",
    stats: `${fmt(pure.median, 3)} / ${fmt(pure.p95, 3)} µs`,
    target: "—",
    result: "",
  });
  const guardLabel = "Permission · requireCaseAccess (DB read)";
  rows.push(
    msRow(guardLabel, await measure(guardLabel, TIMED, () => requireCaseAccess(member, benchCase, "case.read"))),
  );

  const seconds: number[] = [];
  let checked = 0;
  for (let i = 1; i <= VERIFY_RUNS; i++) {
    const t = performance.now();
    const result = await verifyAuditChain();
    seconds.push((performance.now() - t) / 1000);
    if (!result.ok)
      throw new Error(`The generated audit chain is broken at id ${result.firstBrokenId}: ${result.reason}`);
    checked = result.checked;
    log(
      `Audit verification run ${i}: ${checked.toLocaleString("en")} events in ${fmt(seconds.at(-1)!, 2)} s, chain intact`,
    );
  }
  const median = stats(seconds).median;
  const rate = checked / median;
  rows.push({
    label: `Audit verification (${checked.toLocaleString("en")} events)`,
    stats: `${fmt(median, 2)} s · ${fmt(rate, 0)} ev/s`,
    target: `≥ ${TARGET.eventsPerSecond.toLocaleString("en")} ev/s`,
    result: verdict(rate >= TARGET.eventsPerSecond),
  });
  return rows;
}

// A read and a lead's decision that a partner organisation's lead may take (sharing, status
// and the like are the owner organisation's: MEMBER_USER leads a case that B owns).
const LEAD_CHECKS = ["case.read", "case.manage_members"] as const;

async function measurePure(who: TActor, facts: TCaseFacts): Promise<TStats> {
  let granted = 0;
  const samples: number[] = [];
  for (let run = -WARMUP; run < RUNS; run++) {
    const t = performance.now();
    for (let i = 0; i < PURE_ITERATIONS; i++) if (canOnCase(who, LEAD_CHECKS[i % 2]!, facts)) granted++;
    if (run >= 0) samples.push(((performance.now() - t) * 1000) / PURE_ITERATIONS);
  }
  if (granted !== (WARMUP + RUNS) * PURE_ITERATIONS) throw new Error("canOnCase refused the lead of the case");
  const s = stats(samples);
  log(
    `${"Permission · canOnCase (pure)".padEnd(44)} median ${fmt(s.median, 3).padStart(7)} µs   p95 ${fmt(s.p95, 3).padStart(7)} µs`,
  );
  return s;
}

function printSummary(rows: TRow[], generationSeconds: number): void {
  const width = Math.max(...rows.map((r) => r.label.length));
  const statsWidth = Math.max(...rows.map((r) => r.stats.length), "median / p95".length);
  const line = (a: string, b: string, c: string, d: string) =>
    `  ${a.padEnd(width)}  ${b.padStart(statsWidth)}  ${c.padEnd(20)}  ${d}`;
  console.log(
    `\nSummary (${CASES.toLocaleString("en")} cases, ${USERS.toLocaleString("en")} users, ${EVENTS.toLocaleString("en")} audit events; generated in ${fmt(generationSeconds)} s; N=${RUNS} after ${WARMUP} warm-ups)`,
  );
  console.log(line("Measure", "median / p95", "Target", "Result"));
  console.log(line("-".repeat(width), "-".repeat(statsWidth), "-".repeat(20), "------"));
  for (const r of rows) console.log(line(r.label, r.stats, r.target, r.result));
  console.log();
}

// ---------------------------------------------------------------------------------------------

let cleaning: Promise<void> | undefined;
let interrupted = false;

// Once only: Ctrl-C and the failure it causes in the running query both end up here.
const cleanUp = () => (cleaning ??= dropDatabase());

async function dropDatabase(): Promise<void> {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
  if (keep) return log(`kept database ${dbName}: ${benchUrl}`);
  await onServer(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  log(`dropped database ${dbName}`);
}

process.once("SIGINT", () => {
  interrupted = true;
  console.error("\nInterrupted.");
  cleanUp().finally(() => process.exit(130));
});

try {
  await onServer(`CREATE DATABASE "${dbName}"`);
  try {
    log(`created database ${dbName}`);
    const { applyMigrations } = await import("@/lib/db/schema-engine");
    log(`applied migrations: ${(await applyMigrations(benchUrl)).join(", ")}`);
    env.DATABASE_URL = benchUrl; // before lib/db's first use
    const client = new pg.Client({ connectionString: benchUrl });
    await client.connect();
    let generationSeconds = 0;
    let data: TData;
    try {
      const t = performance.now();
      log("generating data…");
      data = await generateData(client);
      await generateAudit(client, data);
      generationSeconds = (performance.now() - t) / 1000;
      log(`generation took ${fmt(generationSeconds)} s; VACUUM ANALYZE…`);
      // VACUUM as well: autovacuum keeps a live database's visibility map current, and without it
      // index-only scans fall back to the heap, which a production table would not do.
      await client.query("VACUUM (ANALYZE)");
      log("analyzed");
    } finally {
      await client.end();
    }
    printSummary(await runBenchmarks(data), generationSeconds);
  } finally {
    await cleanUp();
  }
} catch (error) {
  if (!interrupted) console.error("✖ The benchmark failed:", error);
  process.exitCode = 1;
}
