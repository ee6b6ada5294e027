// Executive summary benchmark (issue 13): 50 cases and 5,000,000 usage rows on a throwaway
// PostgreSQL database. The rows go in through the real usage import job (runUsageImport) into
// one case with planted clusters, whose proposals are accepted; the other 49 cases get their
// status history, signals, enforcement actions and productions in SQL. Then, timed: the summary
// page's queries (getSummary: KPIs, per-case figures, charts; 30 days and 12 months) for an
// executive, and a brief (aggregate for the executive, full for the lead) with its PDF.
//   npm run bench:summary [-- --rows=5000000 --keep | --small]
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import type { TActor } from "@/lib/auth/session";
import { runUsageImport } from "@/scripts/bench/usage-import";
import { runInBenchDatabase, createBenchCase, fmt, log, measure, sized, verdict } from "@/scripts/bench/common";
import { GATEWAY_HEADER, syntheticLinkageLog } from "@/tests/helpers/linkage-data";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const ROWS = Number(arg("rows") ?? sized(5_000_000, 20_000));
const CASES = 50;
const TARGET_MS = 1_000;
const RUNS = sized({ runs: 20, warmup: 3 }, { runs: 3, warmup: 1 });
// The log covers October 2026 (tests/helpers/linkage-data.ts): the summary is read at its end.
const NOW = new Date("2026-10-31T12:00:00Z");
const OPTIONS = {
  accounts: Math.max(200, Math.round(ROWS / 25)),
  clusters: Math.max(2, Math.round(ROWS / 2_500)),
  clusterSize: 5,
  rowsPerAccount: 25,
  hours: 24 * 28,
  seed: 13,
};

async function writeLog(file: string) {
  const data = syntheticLinkageLog(OPTIONS);
  function* chunks() {
    yield `${GATEWAY_HEADER}\n`;
    let chunk = "";
    for (const line of data.lines()) {
      chunk += `${line}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = "";
      }
    }
    yield chunk;
  }
  await pipeline(Readable.from(chunks()), createWriteStream(file));
  return { size: (await stat(file)).size, rows: data.rows };
}

/** 49 more cases of organisation A shared with B: history, signals, enforcement, productions. */
async function otherCases(client: pg.Client, b: Awaited<ReturnType<typeof createBenchCase>>) {
  const severities = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
  const statuses = ["OPEN", "ACTIVE", "ON_HOLD", "CLOSED"];
  for (let i = 1; i < CASES; i++) {
    const id = randomUUID();
    const created = new Date(NOW.getTime() - (i * 7 + 3) * 86_400_000);
    await client.query(
      `INSERT INTO "Case" (id, number, title, "ownerOrgId", "createdById", severity, tlp, "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6::"Severity", $7::"Tlp", $8, now())`,
      [
        id,
        `CB-2026-${String(9001 + i)}`,
        `Bench case ${i}`,
        b.orgA,
        b.lead.id,
        severities[i % 4],
        i % 10 === 0 ? "RED" : "AMBER",
        created,
      ],
    );
    await client.query(`INSERT INTO "CaseOrganization" ("caseId", "orgId", "sharedById") VALUES ($1, $2, $3)`, [
      id,
      b.orgB,
      b.lead.id,
    ]);
    await client.query(`INSERT INTO "CaseMember" ("caseId", "userId", role) VALUES ($1, $2, 'LEAD')`, [id, b.lead.id]);
    await client.query(`UPDATE "Case" SET status = $2::"CaseStatus" WHERE id = $1`, [id, statuses[i % 4]]);
    await client.query(
      `INSERT INTO "UsageSignal" (id, "caseId", "viewerOrgId", rule, subject, accounts, score, summary, params, aggregates, "periodStart", "periodEnd")
       SELECT gen_random_uuid(), $1, o, r, 's' || g, '{}', 1, 's', '{}', '{}', $3::timestamp - g * interval '1 day', $3::timestamp - g * interval '1 day'
       FROM unnest($2::uuid[]) o, unnest(ARRAY['limit_evasion@2','extraction_shaped@1']) r, generate_series(1, 20) g`,
      [id, [b.orgA, b.orgB], NOW],
    );
    await client.query(
      `INSERT INTO "EnforcementAction" (id, "caseId", "orgId", kind, "requestedById", "carriedOutBy", "takenAt", "recordedById", "updatedAt")
       SELECT gen_random_uuid(), $1, $2, 'ACCOUNT_SUSPENDED', $3, 'T&S', $4::timestamp - g * interval '5 days', $3, now() FROM generate_series(1, 3) g`,
      [id, b.orgA, b.lead.id, NOW],
    );
    await client.query(
      `INSERT INTO "Production" (id, "caseId", "orgId", "createdById", status, scope, "batesPrefix", "batesStart", "batesEnd", "receivingParty", "completedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, 'COMPLETE', '{}', 'CB', 1, 10, 'Counsel', $4)`,
      [id, b.orgA, b.lead.id, created],
    );
  }
  await client.query(`ANALYZE`);
}

async function main(client: pg.Client, work: string) {
  const file = path.join(work, "usage.csv");
  log(`writing ~${ROWS.toLocaleString("en")} usage rows…`);
  const { size, rows } = await writeLog(file);
  log(`CSV: ${fmt(size / 2 ** 20)} MiB, ${rows.toLocaleString("en")} rows`);
  const b = await createBenchCase(client, "Summary bench");
  let t = performance.now();
  await runUsageImport(file, size, b.lead, b.caseId);
  log(`import (upload, validate, load, signals, linkage rules): ${fmt((performance.now() - t) / 1000, 1)} s`);
  const { acceptProposalsAbove } = await import("@/lib/linkage/mutations");
  const { accepted } = await acceptProposalsAbove(b.lead, b.caseId, { minConfidence: 50 });
  log(`accepted ${accepted.toLocaleString("en")} proposals`);
  t = performance.now();
  await otherCases(client, b);
  log(`49 more cases in ${fmt((performance.now() - t) / 1000, 1)} s`);
  const exec = randomUUID();
  await client.query(
    `INSERT INTO "User" (id, email, name, "passwordHash", "orgId", role, "updatedAt") VALUES ($1, 'exec@bench.example', 'Bench Exec', 'x', $2, 'EXECUTIVE', now())`,
    [exec, b.orgA],
  );
  const executive: TActor = {
    id: exec,
    email: "exec@bench.example",
    name: "Bench Exec",
    role: "EXECUTIVE",
    orgId: b.orgA,
    orgName: "Bench A",
  };
  const { getSummary } = await import("@/lib/summary/portfolio");
  const { getCaseBrief } = await import("@/lib/summary/brief");
  const { renderBriefPdf } = await import("@/lib/summary/brief-pdf");
  const first = await getSummary(executive, { period: "30d" }, NOW); // also brings the cluster runs up to date
  log(
    `summary: ${first.cases.length} cases listed, ${first.restricted} RED counted; attributed tokens ${first.attributedTokens.current.toLocaleString("en")}; clusters active ${first.linkedClusters.current}`,
  );
  const opts = { ...RUNS, pad: 40 };
  const s30 = await measure("summary page queries, 30 days", opts, () => getSummary(executive, { period: "30d" }, NOW));
  const s365 = await measure("summary page queries, 12 months", opts, () =>
    getSummary(executive, { period: "365d" }, NOW),
  );
  const agg = await measure("brief, executive (aggregates)", opts, () => getCaseBrief(executive, b.caseId));
  const fullBrief = await measure("brief, lead (full, with graph)", opts, () => getCaseBrief(b.lead, b.caseId));
  const brief = await getCaseBrief(b.lead, b.caseId);
  const pdf = await measure("brief PDF rendering", opts, () => renderBriefPdf(brief));

  console.log(`\nSummary (${CASES} cases, ${rows.toLocaleString("en")} usage rows)`);
  const line = (label: string, s: { median: number; p95: number }, target = true) =>
    console.log(
      `  ${label.padEnd(36)} median ${fmt(s.median, 0).padStart(6)} ms  p95 ${fmt(s.p95, 0).padStart(6)} ms${target ? `  target p95 < 1,000 ms  ${verdict(s.p95 < TARGET_MS)}` : ""}`,
    );
  line("Summary page, 30 days", s30);
  line("Summary page, 12 months", s365);
  line("Brief, executive (aggregates)", agg);
  line("Brief, lead (full)", fullBrief);
  line("Brief PDF rendering (not in target)", pdf, false);
}

await runInBenchDatabase("summary", main);
