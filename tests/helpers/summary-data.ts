import { randomUUID } from "node:crypto";
import { getDb, withPgClient } from "@/lib/db";
import { linkageSettings } from "@/lib/linkage/store";
import { loadClusters } from "@/lib/linkage/graph";
import { linkageViewer } from "@/lib/linkage/visibility";
import type { CaseRole, GlobalRole, Severity, Tlp } from "@/lib/generated/prisma/enums";
import { createOrg, createUser, uid } from "@/tests/helpers/factories";
import { nextCaseNumber } from "@/lib/cases/numbers";
import { openHourlyPartition } from "@/lib/usage/load";

// A fixed dataset for the summary: two organisations, four cases, usage rollups written by hand
// (so every figure can be worked out on paper), a cluster, signals, enforcement and productions.
// Secrets planted where no aggregate reader may ever see them: an entity value, a note, a file
// name, a timeline event title.

export const NOW = new Date("2026-11-20T12:00:00Z"); // period 30d: 2026-10-22 .. 2026-11-21, before: from 2026-09-22
export const SECRETS = {
  entity: `acct_secret_${uid()}`,
  note: `NOTE-SECRET-${uid()}`,
  file: `secret-file-${uid()}.csv`,
  event: `EVENT-SECRET-${uid()}`,
};
const d = (s: string) => new Date(`${s}T00:00:00Z`);

export async function buildSummaryData() {
  const db = getDb();
  const [orgA, orgB, orgC] = await Promise.all([createOrg(), createOrg(), createOrg()]);
  const user = (orgId: string, role: GlobalRole) => createUser({ orgId, role });
  const [execA, adminA, leadA, invA, legalA, execB, leadB, adminB, execC] = await Promise.all([
    user(orgA.id, "EXECUTIVE"),
    user(orgA.id, "ADMIN"),
    user(orgA.id, "INVESTIGATOR"),
    user(orgA.id, "INVESTIGATOR"),
    user(orgA.id, "LEGAL"),
    user(orgB.id, "EXECUTIVE"),
    user(orgB.id, "INVESTIGATOR"),
    user(orgB.id, "ADMIN"),
    user(orgC.id, "EXECUTIVE"),
  ]);
  const makeCase = async (o: {
    severity: Severity;
    tlp: Tlp;
    createdAt: string;
    members: { userId: string; role: CaseRole }[];
    shared?: string[];
    statuses: [string, "OPEN" | "ACTIVE" | "ON_HOLD" | "CLOSED"][];
  }) => {
    const c = await db.$transaction(async (tx) =>
      tx.case.create({
        data: {
          number: await nextCaseNumber(tx),
          title: `Summary case ${uid()}`,
          ownerOrgId: orgA.id,
          createdById: leadA.id,
          severity: o.severity,
          tlp: o.tlp,
          createdAt: d(o.createdAt),
          status: o.statuses.at(-1)![1],
          members: { create: o.members },
          sharedWith: { create: (o.shared ?? []).map((orgId) => ({ orgId, sharedById: leadA.id })) },
        },
      }),
    );
    // The history as it happened (the trigger wrote today's insert).
    await db.caseStatusChange.deleteMany({ where: { caseId: c.id } });
    await db.caseStatusChange.createMany({
      data: o.statuses.map(([at, status]) => ({ caseId: c.id, status, changedAt: d(at) })),
    });
    return c;
  };
  const case1 = await makeCase({
    severity: "HIGH",
    tlp: "AMBER",
    createdAt: "2026-10-01",
    members: [
      { userId: leadA.id, role: "LEAD" },
      { userId: legalA.id, role: "LEGAL_REVIEWER" },
      { userId: leadB.id, role: "LEAD" },
    ],
    shared: [orgB.id],
    statuses: [
      ["2026-10-01", "OPEN"],
      ["2026-10-05", "ACTIVE"],
    ],
  });
  const case2 = await makeCase({
    severity: "LOW",
    tlp: "GREEN",
    createdAt: "2026-11-01",
    members: [{ userId: leadA.id, role: "LEAD" }],
    statuses: [
      ["2026-11-01", "OPEN"],
      ["2026-11-10", "CLOSED"],
    ],
  });
  const case3 = await makeCase({
    severity: "CRITICAL",
    tlp: "RED",
    createdAt: "2026-11-05",
    members: [{ userId: leadA.id, role: "LEAD" }],
    shared: [orgB.id],
    statuses: [["2026-11-05", "OPEN"]],
  });
  const case4 = await makeCase({
    severity: "MEDIUM",
    tlp: "AMBER",
    createdAt: "2026-11-12",
    members: [{ userId: invA.id, role: "LEAD" }],
    statuses: [["2026-11-12", "OPEN"]],
  });

  // Usage on case 1: a shared import and an owner-organisation-only one.
  const evidence = async (visibility: "ALL_CASE_ORGS" | "OWNER_ORG_ONLY", fileName: string) =>
    db.evidence.create({
      data: {
        caseId: case1.id,
        orgId: orgA.id,
        addedById: leadA.id,
        title: "Gateway log",
        kind: "API_LOG_EXPORT",
        fileName,
        mimeType: "text/csv",
        size: 10n,
        sha256: randomUUID().replace(/-/g, "").padEnd(64, "0"),
        visibility,
      },
    });
  const [evShared, evOwner] = await Promise.all([
    evidence("ALL_CASE_ORGS", SECRETS.file),
    evidence("OWNER_ORG_ONLY", "owner.csv"),
  ]);
  const job = (evidenceId: string) =>
    db.importJob.create({
      data: {
        kind: "USAGE",
        caseId: case1.id,
        evidenceId,
        orgId: orgA.id,
        createdById: leadA.id,
        format: "CSV",
        fileName: SECRETS.file,
        sha256: "0".repeat(64),
        size: 10n,
        status: "COMMITTED",
      },
    });
  const [shared, owner] = await Promise.all([job(evShared.id), job(evOwner.id)]);
  const entity = (value: string) => db.entity.create({ data: { caseId: case1.id, kind: "ACCOUNT", value } });
  const [a1, a2, a3] = await Promise.all([
    entity(SECRETS.entity),
    entity(`acct_two_${uid()}`),
    entity(`acct_three_${uid()}`),
  ]);
  const usage = [
    // [import, account entity, day, requests, input, output]
    [shared.id, a1, "2026-11-01", 10, 100, 50],
    [shared.id, a1, "2026-11-02", 5, 20, 10],
    [shared.id, a2, "2026-10-01", 7, 40, 30],
    [shared.id, a3, "2026-11-01", 1000, 5000, 5000], // not in a cluster
    [owner.id, a1, "2026-11-03", 100, 600, 400], // owner organisation only
  ] as const;
  await db.usageDaily.createMany({
    data: usage.map(([importId, e, day, requests, input, output]) => ({
      caseId: case1.id,
      importId,
      day: d(day),
      accountId: e.value.toUpperCase(),
      apiKeyId: "",
      network: "",
      model: "m",
      endpoint: "",
      firstHour: d(day),
      lastHour: d(day),
      requests: BigInt(requests),
      inputTokens: BigInt(input),
      outputTokens: BigInt(output),
      cachedTokens: 0n,
      rateLimited: 0n,
      rows: requests,
    })),
  });
  const hourly = usage.map(([importId, e, day, requests, input, output]) => ({
    caseId: case1.id,
    importId,
    hour: new Date(d(day).getTime() + 12 * 3_600_000),
    requests: BigInt(requests),
    inputTokens: BigInt(input),
    outputTokens: BigInt(output),
    rateLimited: 0n,
    rows: requests,
    account: e.value.toUpperCase(),
  }));
  await withPgClient(async (client) => {
    for (const importId of new Set(hourly.map((h) => h.importId)))
      await openHourlyPartition(client, { caseId: case1.id, importId });
  });
  await db.usageHourly.createMany({
    data: hourly.map(({ account, ...h }) => ({
      ...h,
      accountId: account,
      apiKeyId: "",
      network: "",
      model: "m",
      endpoint: "",
      cachedTokens: 0n,
    })),
  });
  await db.usageHourlyModel.createMany({
    data: hourly.map(({ account: _account, ...h }) => ({ ...h, model: "m" })),
    skipDuplicates: true,
  });
  for (const [importId, e] of [
    [shared.id, a1],
    [shared.id, a2],
    [shared.id, a3],
    [owner.id, a1],
  ] as const) {
    const rows = usage.filter((u) => u[0] === importId && u[1] === e);
    await db.entityMention.create({
      data: { entityId: e.id, caseId: case1.id, importId, orgId: orgA.id, display: e.value.toUpperCase() },
    });
    await db.entityUsage.create({
      data: {
        entityId: e.id,
        importId,
        caseId: case1.id,
        requests: BigInt(rows.reduce((t, r) => t + r[3], 0)),
        tokens: BigInt(rows.reduce((t, r) => t + r[4] + r[5], 0)),
        rateLimited: 0n,
        firstSeen: d(rows[0]![2]),
        // The end of its last hour, as the store writes it (lib/linkage/store.ts).
        lastSeen: new Date(d(rows.at(-1)![2]).getTime() + 3_600_000),
        spellings: [e.value.toUpperCase()],
      },
    });
  }
  await db.entityLink.create({
    data: {
      caseId: case1.id,
      lineageId: randomUUID(),
      kind: "SAME_OWNER",
      fromId: a1.id,
      toId: a2.id,
      confidence: 80,
      provenance: "manual",
      orgId: orgA.id,
      createdById: leadA.id,
    },
  });
  for (const org of [orgA, orgB]) {
    const viewer = await linkageViewer(org.id, case1.id);
    const settings = await linkageSettings(case1.id);
    await loadClusters(viewer, settings, settings.clusterMinConfidence);
  }

  const signal = (orgId: string, rule: string, day: string) => ({
    caseId: case1.id,
    viewerOrgId: orgId,
    rule,
    subject: uid(),
    accounts: [],
    score: 1,
    summary: "s",
    params: {},
    aggregates: {},
    periodStart: d(day),
    periodEnd: d(day),
  });
  await db.usageSignal.createMany({
    data: [
      signal(orgA.id, "extraction_shaped@1", "2026-11-01"),
      signal(orgA.id, "limit_evasion@2", "2026-11-02"),
      signal(orgA.id, "key_rotation@1", "2026-10-01"),
      signal(orgB.id, "volume_spike@1", "2026-11-01"),
    ],
  });
  await db.enforcementAction.createMany({
    data: [
      {
        caseId: case1.id,
        orgId: orgA.id,
        kind: "ACCOUNT_SUSPENDED",
        requestedById: leadA.id,
        carriedOutBy: "Trust & Safety",
        takenAt: new Date("2026-11-02T00:00:00Z"),
        entityIds: [a1.id],
        recordedById: leadA.id,
      },
      {
        caseId: case2.id,
        orgId: orgA.id,
        kind: "KEY_REVOKED",
        requestedById: leadA.id,
        carriedOutBy: "Platform",
        takenAt: d("2026-10-10"),
        recordedById: leadA.id,
      },
    ],
  });
  const production = (orgId: string, status: "COMPLETE" | "FAILED", completedAt: string) => ({
    caseId: case1.id,
    orgId,
    createdById: leadA.id,
    status,
    scope: { kind: "case" },
    batesPrefix: "CB",
    batesStart: 1,
    batesEnd: 20,
    receivingParty: "Outside counsel",
    completedAt: d(completedAt),
  });
  await db.production.createMany({
    data: [
      production(orgA.id, "COMPLETE", "2026-11-15"),
      production(orgA.id, "FAILED", "2026-11-15"),
      production(orgB.id, "COMPLETE", "2026-11-15"),
    ],
  });
  await db.note.create({ data: { caseId: case1.id, authorId: leadA.id, orgId: orgA.id, body: SECRETS.note } });
  await db.timelineEvent.create({
    data: {
      caseId: case1.id,
      orgId: orgA.id,
      authorId: leadA.id,
      occurredAt: d("2026-11-02"),
      title: SECRETS.event,
      category: "EXTRACTION",
      customCategory: "Harvest run",
    },
  });
  return {
    orgA,
    orgB,
    orgC,
    execA,
    adminA,
    leadA,
    invA,
    legalA,
    execB,
    leadB,
    adminB,
    execC,
    case1,
    case2,
    case3,
    case4,
    a1,
    a2,
    a3,
  };
}
