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
const T0 = Date.UTC(2026, 10, 2);

/** Deterministic noise in [0, 1). */
const noise = (seed: number) => (((Math.sin(seed * 12.9898) * 43758.5453) % 1) + 1) % 1;

/** A gateway request log in per-minute buckets (a `requests` column), about 30,000 rows. */
export function demoGatewayLog(): string {
  const lines = [
    "time,account_id,org_id,api_key_id,client_ip,user_agent,model,endpoint,requests,input_tokens,output_tokens,status_code,rate_limited,payment_fingerprint,device_fingerprint",
  ];
  for (let minute = 0; minute < DAYS * 24 * 60; minute += 5) {
    const at = new Date(T0 + minute * 60_000).toISOString();
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

const EVENTS = [
  {
    at: "2026-11-02T00:00",
    title: "Subject cluster A accounts begin sustained completion traffic",
    category: "API_ACCESS",
  },
  { at: "2026-11-02T08:00", title: "First key rotation across cluster A accounts", category: "RATE_LIMITING" },
  {
    at: "2026-11-03T16:00",
    title: "Cluster A switches most traffic to a newly released model",
    category: "EXTRACTION",
  },
  { at: "2026-11-04T09:30", title: "Microsoft security alerts OpenAI; joint case opened", category: "COMMUNICATION" },
] as const;

/**
 * Evidence, its usage import (validated and loaded by the job runner), and a short timeline.
 * `log` is demoGatewayLog(), made once by the caller (which checks its size first).
 */
export async function seedDemoUsage(lead: TActor, caseId: string, log: string): Promise<void> {
  const evidence = await uploadEvidence(lead, caseId, {
    body: bodyOf(log),
    metadata: Buffer.from(
      JSON.stringify({
        title: "Gateway request log, Nov 2–4 (synthetic)",
        kind: "API_LOG_EXPORT",
        fileName: "gateway-2026-11-02.csv",
        mimeType: "text/csv",
        source: "Cloud API gateway",
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
      occurredAt: e.at,
      timeZone: "UTC",
      title: e.title,
      category: e.category,
      confidence: "LIKELY",
      source: "demo",
      evidenceIds: [evidence.id],
    });
  }
}
