import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { TActor } from "@/lib/auth/session";
import { runImportJob } from "@/lib/jobs/runner";
import { changeImport, createImport, getImport } from "@/lib/timeline/import";
import { detectPreset, presetOptions } from "@/lib/timeline/import-presets";
import { streamOf } from "@/tests/helpers/evidence";

// Timeline imports driven as the wizard drives them: upload, validate with options, commit.

export const timelineFixture = (name: string) =>
  readFileSync(path.resolve(import.meta.dirname, "../fixtures/timeline", name));

/** Uploads `bytes`; answers the job and the preview the mapping step shows. */
export async function uploadTimelineFile(actor: TActor, caseId: string, bytes: Buffer, fileName: string) {
  return createImport(actor, caseId, { body: streamOf(bytes), fileName, contentLength: String(bytes.length) });
}

/** Validates an uploaded job with `options` and runs the validation to its end. */
export async function validateTimelineImport(actor: TActor, caseId: string, jobId: string, options: unknown) {
  const v = await changeImport(actor, caseId, jobId, { action: "validate", options });
  expect(v.run).toBe(true);
  await runImportJob(jobId);
  return (await getImport(actor, caseId, jobId)).job;
}

/** Upload and validate with the options the wizard would fill in for the file (its preset), plus `extra`. */
export async function importAsWizard(
  actor: TActor,
  caseId: string,
  bytes: Buffer,
  fileName: string,
  extra: Record<string, unknown> = {},
) {
  const { job, preview } = await uploadTimelineFile(actor, caseId, bytes, fileName);
  const preset = detectPreset(preview.columns);
  const { timeZone, ...options } = presetOptions(preset, preview.columns);
  const validated = await validateTimelineImport(actor, caseId, job.id, {
    ...options,
    timeZone: timeZone ?? "UTC",
    ...extra,
  });
  return { jobId: job.id, preview, preset, validated };
}

export async function commitTimelineImport(actor: TActor, caseId: string, jobId: string) {
  await changeImport(actor, caseId, jobId, { action: "commit" });
  await runImportJob(jobId);
  return (await getImport(actor, caseId, jobId)).job;
}
