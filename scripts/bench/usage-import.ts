// A usage log through the import job the app runs (evidence upload, validate and stage, load),
// timed by step with this process's peak RSS: shared by bench:usage and bench:linkage. The lib
// modules are imported inside, after the caller has pointed DATABASE_URL at its database.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { TActor } from "@/lib/auth/session";
import { machineCpuSeconds } from "@/scripts/bench/common";

/** `settle`, if given, runs between the upload and the import (scripts/bench/common.ts#settle). */
export async function runUsageImport(
  file: string,
  size: number,
  who: TActor,
  caseId: string,
  expectRows?: number,
  settle?: () => Promise<void>,
) {
  const { uploadEvidence } = await import("@/lib/evidence/upload");
  const { startUsageImport, changeUsageImport, getUsageImport } = await import("@/lib/usage/imports");
  const { runImportJob } = await import("@/lib/jobs/runner");
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  try {
    const t0 = performance.now();
    const evidence = await uploadEvidence(who, caseId, {
      body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
      metadata: Buffer.from(
        JSON.stringify({ title: "Bench log", kind: "API_LOG_EXPORT", fileName: "bench.csv", mimeType: "text/csv" }),
      ).toString("base64url"),
      sha256: null,
      contentLength: String(size),
    });
    const uploaded = performance.now();
    await settle?.();
    const t1 = performance.now();
    const cpu1 = machineCpuSeconds();
    const started = await startUsageImport(who, caseId, { evidenceId: evidence.id, preset: "gateway" });
    await changeUsageImport(who, caseId, started.job.id, { action: "validate", options: { mapping: started.mapping } });
    await runImportJob(started.job.id);
    const validated = (await getUsageImport(who, caseId, started.job.id)).job;
    if (validated.status !== "VALIDATED" || (expectRows !== undefined && validated.rowsValid !== expectRows))
      throw new Error(`validation: ${JSON.stringify(validated)}`);
    const t2 = performance.now();
    await changeUsageImport(who, caseId, started.job.id, { action: "commit" });
    await runImportJob(started.job.id);
    const t3 = performance.now();
    const cpu3 = machineCpuSeconds();
    const done = (await getUsageImport(who, caseId, started.job.id)).job;
    if (done.status !== "COMMITTED") throw new Error(`load: ${JSON.stringify(done)}`);
    return {
      upload: (uploaded - t0) / 1000,
      validate: (t2 - t1) / 1000,
      // The load step includes what the job derives after ATTACH (signals, linkage entities and rules).
      load: (t3 - t2) / 1000,
      /** CPU seconds the machine spent over validate and load (this process and PostgreSQL's). */
      cpu: cpu3 - cpu1,
      peakMb: peak / 2 ** 20,
      /** The validate step's own split (the job's stats.seconds). */
      steps: (validated.stats as { seconds?: Record<string, number> } | null)?.seconds ?? {},
    };
  } finally {
    clearInterval(sampler);
  }
}
