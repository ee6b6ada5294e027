import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { runImportJob } from "@/lib/jobs/runner";
import { changeUsageImport, getUsageImport, startUsageImport } from "@/lib/usage/imports";
import { usageImportIdsFor } from "@/lib/usage/signal-store";
import { upload } from "@/tests/helpers/evidence";
import { createJointCase } from "@/tests/helpers/factories";

// A server killed in the middle of a usage load (a real SIGKILL of the process running the job)
// leaves nothing visible; once its heartbeat is stale the job runs again and loads every row
// exactly once.

const ROOT = path.resolve(import.meta.dirname, "../..");
const ROWS = 400_000;

function bigLog(): Buffer {
  const lines = ["time,account_id,api_key_id,client_ip,model,input_tokens,output_tokens,status_code"];
  const t0 = Date.UTC(2026, 10, 1);
  for (let i = 0; i < ROWS; i++)
    lines.push(
      `${new Date(t0 + i * 1_000).toISOString()},acct_${i % 97},key_${i % 13},203.0.113.${i % 200},gpt-4o,100,900,200`,
    );
  return Buffer.from(`${lines.join("\n")}\n`);
}

describe("usage import, killed mid-load", () => {
  it("shows nothing of a killed run, and the rerun loads every row exactly once", async () => {
    const w = await createJointCase();
    const evidence = await upload(w.lead, w.caseId, bigLog(), { fileName: "big.csv", mimeType: "text/csv" });
    const started = await startUsageImport(w.lead, w.caseId, { evidenceId: evidence.id, preset: "gateway" });
    const jobId = started.job.id;
    await changeUsageImport(w.lead, w.caseId, jobId, { action: "validate", options: { mapping: started.mapping } });

    // One process (tsx as a loader, not its CLI, which would run the job in a child of its own
    // that the kill would not reach).
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", path.join(ROOT, "tests/helpers/run-import-job.ts"), jobId],
      // eslint-disable-next-line no-restricted-properties -- the child gets this run's database and data folder
      { cwd: ROOT, env: process.env, stdio: "ignore" },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    // Kill it once it is well into the file (progress is written as it goes).
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = await getDb().importJob.findUniqueOrThrow({
        where: { id: jobId },
        select: { rowsProcessed: true, status: true },
      });
      expect(job.status, "the run finished before it could be killed: make the file larger").toBe("VALIDATING");
      if (job.rowsProcessed >= 50_000) break;
      if (Date.now() > deadline) throw new Error("the job made no progress");
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    // Nothing of it is visible: the job is still validating, no import counts, no rows attached.
    const visible = async () => [
      await usageImportIdsFor(w.ownerOrg.id, w.caseId),
      Number(
        (
          await getDb().$queryRaw<
            { n: bigint }[]
          >`SELECT count(*) AS n FROM "UsageRecord" WHERE "caseId" = ${w.caseId}::uuid`
        )[0]!.n,
      ),
    ];
    expect(await visible()).toEqual([[], 0]);
    expect((await getUsageImport(w.lead, w.caseId, jobId)).job.status).toBe("VALIDATING");

    // Its heartbeat goes stale (as after the claim window), so the next runner takes it over.
    await getDb()
      .$executeRaw`UPDATE "ImportJob" SET "heartbeatAt" = now() - interval '1 hour' WHERE id = ${jobId}::uuid`;
    await runImportJob(jobId);
    expect((await getUsageImport(w.lead, w.caseId, jobId)).job).toMatchObject({
      status: "VALIDATED",
      rowsValid: ROWS,
      rowsRejected: 0,
    });
    await changeUsageImport(w.lead, w.caseId, jobId, { action: "commit" });
    await runImportJob(jobId);
    expect((await getUsageImport(w.lead, w.caseId, jobId)).job.status).toBe("COMMITTED");
    expect(await visible()).toEqual([[jobId], ROWS]);
    const [rollup] = await getDb().$queryRaw<{ rows: bigint; requests: bigint }[]>`
      SELECT sum(rows) AS rows, sum(requests) AS requests FROM "UsageHourly" WHERE "importId" = ${jobId}::uuid`;
    expect([Number(rollup!.rows), Number(rollup!.requests)]).toEqual([ROWS, ROWS]);
  }, 180_000);
});
