import "server-only";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { uploadEvidence } from "@/lib/evidence/upload";
import { runImportJob } from "@/lib/jobs/runner";
import { createTimelineEvent } from "@/lib/timeline/mutations";
import { changeUsageImport, startUsageImport } from "@/lib/usage/imports";

// The demo case's evidence, timeline and usage, made through the same functions a user's
// actions call (upload, import job, timeline), so a newcomer sees every capability working on
// first sign-in. All synthetic: "Subject cluster A" is six accounts sharing a payment
// instrument and a device, each kept under the per-account limit, rotating keys, drawing long
// completions at a steady pace; around them, ordinary accounts and an office NAT.

const DAYS = 3;
const DAY_MS = 86_400_000;

/**
 * The demo's first day: midnight UTC a week before the seed runs. Its three days of traffic, its
 * timeline and its enforcement then fall inside the summary's default "last 30 days" on first
 * sign-in, whatever the date; fixed dates would age out of it.
 */
export function demoStart(now = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS - 7 * DAY_MS;
}

/** The time `minutes` (and `seconds`) after the demo's start, as ISO 8601 (UTC). */
export const demoTime = (t0: number, minutes: number, seconds = 0) =>
  new Date(t0 + (minutes * 60 + seconds) * 1000).toISOString();

/** Deterministic noise in [0, 1). */
const noise = (seed: number) => (((Math.sin(seed * 12.9898) * 43758.5453) % 1) + 1) % 1;

/** A gateway request log in per-minute buckets (a `requests` column), about 30,000 rows. */
export function demoGatewayLog(t0: number): string {
  const lines = [
    "time,account_id,org_id,api_key_id,client_ip,user_agent,model,endpoint,requests,input_tokens,output_tokens,status_code,rate_limited,payment_fingerprint,device_fingerprint",
  ];
  for (let minute = 0; minute < DAYS * 24 * 60; minute += 5) {
    const at = demoTime(t0, minute);
    const hour = Math.floor(minute / 60);
    // Subject cluster A: six accounts, ~35 requests per 5 minutes each (420/hour, under the
    // 1,000/hour limit), together far over it; keys rotated every 8 hours; 20:1 output.
    for (let a = 1; a <= 6; a++) {
      const n = 33 + Math.floor(noise(minute * 7 + a) * 5);
      const key = `key_A${a}_${Math.floor(hour / 8)}`;
      const model = hour >= 40 ? "o3-mini" : "gpt-4o";
      lines.push(
        `${at},acct_A${a},org_sa${a},${key},203.0.113.${20 + a},python-httpx/0.27,${model},/v1/chat/completions,${n},${n * 120},${n * 2_400},200,false,pf_clusterA,dev_A7f3`,
      );
    }
    // Ordinary accounts: office hours, short answers, now and then throttled.
    for (let b = 1; b <= 12; b++) {
      const office = hour % 24 >= 8 && hour % 24 < 18;
      const n = office ? Math.floor(noise(minute * 13 + b) * 12) : Math.floor(noise(minute * 17 + b) * 2);
      if (!n) continue;
      const limited = noise(minute + b * 101) < 0.03;
      lines.push(
        `${at},acct_office_${b},org_office,key_o${b},198.51.100.1,Mozilla/5.0,gpt-4o-mini,/v1/chat/completions,${n},${n * 900},${n * 300},${limited ? 429 : 200},${limited},pf_o${b},dev_o${b}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

const bodyOf = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });

/** The demo's timeline, in minutes after its start. */
const EVENTS = [
  {
    after: 0,
    title: "Subject cluster A accounts begin sustained completion traffic",
    category: "API_ACCESS",
  },
  { after: 8 * 60, title: "First key rotation across cluster A accounts", category: "RATE_LIMITING" },
  {
    after: (24 + 16) * 60,
    title: "Cluster A switches most traffic to a newly released model",
    category: "EXTRACTION",
  },
  {
    after: (48 + 9) * 60 + 30,
    title: "Microsoft security alerts OpenAI; joint case opened",
    category: "COMMUNICATION",
  },
] as const;

/** "Nov 2–4", or "Nov 30–Dec 2" across a month's end. */
function dayRange(from: number, to: number): string {
  const day = (t: number, month: boolean) =>
    new Date(t).toLocaleDateString("en-US", { timeZone: "UTC", day: "numeric", ...(month && { month: "short" }) });
  return `${day(from, true)}–${day(to, new Date(from).getUTCMonth() !== new Date(to).getUTCMonth())}`;
}

/**
 * Evidence, its usage import (validated and loaded by the job runner), and a short timeline.
 * `log` is demoGatewayLog(t0), made once by the caller (which checks its size first).
 */
export async function seedDemoUsage(lead: TActor, caseId: string, log: string, t0: number): Promise<void> {
  const evidence = await uploadEvidence(lead, caseId, {
    body: bodyOf(log),
    metadata: Buffer.from(
      JSON.stringify({
        title: `Gateway request log, ${dayRange(t0, t0 + (DAYS - 1) * DAY_MS)} (synthetic)`,
        kind: "API_LOG_EXPORT",
        fileName: `gateway-${demoTime(t0, 0).slice(0, 10)}.csv`,
        mimeType: "text/csv",
        source: "Cloud API gateway",
        // Who exported it and when (after the log's last day), as the chain of custody records.
        collectedBy: "Gateway operations, Microsoft",
        collectedAt: new Date(Math.min(Date.now(), t0 + DAYS * DAY_MS)).toISOString(),
        visibility: "ALL_CASE_ORGS",
      }),
    ).toString("base64url"),
    sha256: null,
    contentLength: String(Buffer.byteLength(log)),
  });
  const started = await startUsageImport(lead, caseId, { evidenceId: evidence.id, preset: "gateway" });
  await changeUsageImport(lead, caseId, started.job.id, {
    action: "validate",
    options: { mapping: started.mapping, bucketSeconds: 300 },
  });
  await runImportJob(started.job.id);
  await changeUsageImport(lead, caseId, started.job.id, { action: "commit" });
  await runImportJob(started.job.id);
  const status = await getDb().importJob.findUnique({
    where: { id: started.job.id },
    select: { status: true, error: true },
  });
  if (status?.status !== "COMMITTED")
    throw new Error(`The demo usage import did not load: ${status?.error ?? status?.status}`);
  for (const e of EVENTS) {
    await createTimelineEvent(lead, caseId, {
      occurredAt: demoTime(t0, e.after).slice(0, 16),
      timeZone: "UTC",
      title: e.title,
      category: e.category,
      confidence: "LIKELY",
      source: "demo",
      evidenceIds: [evidence.id],
    });
  }
}
