import "server-only";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";
import { runImportJob } from "@/lib/jobs/runner";
import { listCaseCategories, updateCaseCategory } from "@/lib/timeline/categories";
import { changeImport, createImport } from "@/lib/timeline/import";
import { detectPreset, presetOptions } from "@/lib/timeline/import-presets";
import { demoTime } from "@/lib/seed/demo-usage";

// The demo case's imported timeline: a short Timesketch CSV export of the lab's gateway
// detections (synthetic), loaded through the import job as a user's wizard would, so the
// timeline shows imported events with their extra columns as attributes and a category the
// case defined ("Key rotation") on first sign-in.

const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function demoTimesketchCsv(t0: number): string {
  /** Minutes and seconds after the demo's start, as Timesketch's ISO text (seconds, no millis). */
  const at = (minutes: number, seconds: number) => demoTime(t0, minutes, seconds).replace(".000Z", "Z");
  const columns = (iso: string) => [String(Date.parse(iso) * 1000), iso.replace("Z", "+00:00")];
  const rows = [
    [
      "Key key_A1_0 retired; acct_A1 switches to key key_A1_1 within 40 s",
      at(8 * 60, 12),
      "Key rotation",
      "acct_A1",
      "key_A1_1",
      "203.0.113.21",
    ],
    [
      "Key key_A2_0 retired; acct_A2 switches to key key_A2_1 within 38 s",
      at(8 * 60, 51),
      "Key rotation",
      "acct_A2",
      "key_A2_1",
      "203.0.113.22",
    ],
    [
      "Per-account limit approached by 6 accounts sharing payment fingerprint pf_clusterA",
      at(12 * 60, 0),
      "Rate limiting",
      "acct_A1;acct_A2;acct_A3;acct_A4;acct_A5;acct_A6",
      "",
      "203.0.113.0/24",
    ],
    [
      "Key key_A3_1 retired; acct_A3 switches to key key_A3_2 within 41 s",
      at(16 * 60, 7),
      "Key rotation",
      "acct_A3",
      "key_A3_2",
      "203.0.113.23",
    ],
  ];
  return [
    "message,timestamp,datetime,timestamp_desc,data_type,account,api_key,src_ip",
    ...rows.map(([message, iso, desc, account, key, ip]) =>
      [message!, ...columns(iso!), desc!, "gateway:detection", account!, key!, ip!].map(q).join(","),
    ),
  ].join("\n");
}

/** Imports the demo Timesketch file; "Key rotation" becomes a case category, coloured teal. */
export async function seedDemoTimelineImport(lead: TActor, caseId: string, t0: number): Promise<void> {
  const csv = demoTimesketchCsv(t0);
  const { job, preview } = await createImport(lead, caseId, {
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(csv));
        controller.close();
      },
    }),
    fileName: "gateway-detections-timesketch.csv",
    contentLength: String(Buffer.byteLength(csv)),
  });
  const { timeZone, ...options } = presetOptions(detectPreset(preview.columns), preview.columns);
  await changeImport(lead, caseId, job.id, {
    action: "validate",
    options: {
      ...options,
      timeZone: timeZone ?? "UTC",
      categoryMap: { "key rotation": { to: "custom", name: "Key rotation" } },
    },
  });
  await runImportJob(job.id);
  await changeImport(lead, caseId, job.id, { action: "commit" });
  await runImportJob(job.id);
  const status = await getDb().importJob.findUnique({ where: { id: job.id }, select: { status: true, error: true } });
  if (status?.status !== "COMMITTED")
    throw new Error(`The demo timeline import did not load: ${status?.error ?? status?.status}`);
  // The lead gives the case's own category its colour in the histogram.
  const rotation = (await listCaseCategories(lead, caseId)).categories.find((c) => c.name === "Key rotation");
  if (rotation?.id)
    await updateCaseCategory(lead, caseId, rotation.id, {
      name: rotation.name,
      colour: "teal",
      version: rotation.version,
    });
}
