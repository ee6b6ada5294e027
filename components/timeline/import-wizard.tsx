"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { FILE_INPUT } from "@/components/ui/form";
import { RequestError } from "@/components/ui/upload";
import { ImportMapping } from "@/components/timeline/import-mapping";
import { ImportResults } from "@/components/timeline/import-results";
import {
  changeImportJob,
  getImportJob,
  uploadImportFile,
  type TImportStats,
  type TJob,
  type TPreview,
  type TReject,
} from "@/components/timeline/import-api";
import type { TImportOptions } from "@/lib/timeline/import-schemas";

const RUNNING = ["VALIDATING", "COMMITTING"];

/** Upload → map columns (preview) → validate (progress, rejected rows) → import or cancel. */
export function ImportWizard({
  caseId,
  direct,
  orgName,
  customCategories,
}: {
  caseId: string;
  direct: boolean;
  orgName: string;
  customCategories: string[];
}) {
  const router = useRouter();
  const [upload, setUpload] = useState<number | null>(null);
  const [job, setJob] = useState<TJob | null>(null);
  const [preview, setPreview] = useState<TPreview | null>(null);
  const [rejects, setRejects] = useState<{ items: TReject[]; nextAfter: number | null }>({
    items: [],
    nextAfter: null,
  });
  const [error, setError] = useState<string | null>(null);
  // A refused validation's messages by field (`mapping.title`), shown beside the fields.
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  // The options of the last validation, shown again in the mapping step (with its category choices).
  const [last, setLast] = useState<TImportOptions | null>(null);
  // Failed status polls in a row: the job goes on without us, so the poll is retried.
  const [missed, setMissed] = useState(0);
  const uploading = useRef<AbortController | null>(null);

  // While a job runs, poll its progress (the poll is also what resumes a job whose process died).
  const running = job !== null && RUNNING.includes(job.status);
  useEffect(() => {
    if (!running || !job) return;
    const timer = setInterval(
      async () => {
        try {
          const next = await getImportJob(caseId, job.id);
          setMissed(0);
          setJob(next.job);
          setRejects(next.rejects);
          if (next.job.status === "COMMITTED") router.refresh();
        } catch {
          // A busy server (a long commit on the embedded database) may not answer one poll: the
          // job runs on regardless, so say so and ask again, instead of reporting a failure.
          setMissed((n) => n + 1);
        }
      },
      400 + Math.min(missed, 10) * 500,
    );
    return () => clearInterval(timer);
  }, [running, job, caseId, router, missed]);

  // A step asked for and not yet answered: the buttons of the state before it are gone meanwhile.
  const [busy, setBusy] = useState(false);
  async function act(body: { action: string; options?: unknown }) {
    setError(null);
    setFieldErrors({});
    if (body.action === "validate") setLast(body.options as TImportOptions);
    setBusy(true);
    try {
      setJob(await changeImportJob(caseId, job!.id, body));
    } catch (e) {
      setError((e as Error).message);
      if (e instanceof RequestError) setFieldErrors(e.fieldErrors);
    } finally {
      setBusy(false);
    }
  }

  async function choose(file: File | undefined) {
    if (!file) return;
    setError(null);
    setJob(null);
    setLast(null);
    setUpload(0);
    uploading.current?.abort();
    const controller = new AbortController();
    uploading.current = controller;
    try {
      const result = await uploadImportFile(caseId, file, setUpload, controller.signal);
      setJob(result.job);
      setPreview(result.preview);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      if (uploading.current === controller) uploading.current = null;
      setUpload(null);
    }
  }

  const editable = job && ["UPLOADED", "VALIDATED", "FAILED"].includes(job.status);
  return (
    <section aria-label="Import events" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <label className="block text-sm font-medium text-slate-700">
        File to import (CSV with a header line, JSON Lines, or a JSON array, gzip-compressed or not: Timesketch, plaso
        psort, our export)
        <input
          type="file"
          accept=".csv,.jsonl,.ndjson,.json,.gz"
          className={FILE_INPUT}
          onChange={(e) => void choose(e.target.files?.[0])}
        />
      </label>
      {upload !== null && (
        <div className="flex items-center gap-3">
          <progress aria-label="Upload of the import file" max={100} value={upload} className="w-full" />
          <Button variant="secondary" onClick={() => uploading.current?.abort()}>
            Stop upload
          </Button>
        </div>
      )}
      {error && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <p>{error}</p>
          {Object.keys(fieldErrors).length > 0 && (
            <ul className="mt-1 list-disc pl-5">
              {Object.entries(fieldErrors).flatMap(([field, messages]) =>
                messages.map((m) => <li key={`${field}:${m}`}>{m}</li>),
              )}
            </ul>
          )}
        </div>
      )}
      {job && preview && editable && (
        <ImportMapping
          key={job.status === "UPLOADED" ? "first" : `${job.id}-${job.rowsProcessed}`}
          preview={preview}
          direct={direct}
          orgName={orgName}
          customCategories={customCategories}
          last={last}
          stats={job.status === "VALIDATED" ? (job.stats as TImportStats) : null}
          errors={fieldErrors}
          onValidate={(options) => void act({ action: "validate", options })}
        />
      )}
      {job && job.status !== "UPLOADED" && (
        <ImportResults
          job={job}
          rejects={rejects}
          caseId={caseId}
          onMore={setRejects}
          stillWorking={running && missed > 0}
        />
      )}
      {job && !busy && (
        <div className="flex gap-3">
          {job.status === "VALIDATED" && job.rowsValid > 0 && (
            <Button onClick={() => void act({ action: "commit" })}>
              Import {job.rowsValid.toLocaleString("en")} {job.rowsValid === 1 ? "event" : "events"}
            </Button>
          )}
          {["UPLOADED", "VALIDATING", "VALIDATED", "FAILED"].includes(job.status) && (
            <Button variant="secondary" onClick={() => void act({ action: "cancel" })}>
              Cancel import
            </Button>
          )}
        </div>
      )}
    </section>
  );
}
