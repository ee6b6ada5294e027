"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ImportMapping } from "@/components/timeline/import-mapping";
import { ImportResults } from "@/components/timeline/import-results";
import {
  changeImportJob,
  getImportJob,
  uploadImportFile,
  type TJob,
  type TPreview,
  type TReject,
} from "@/components/timeline/import-api";

const RUNNING = ["VALIDATING", "COMMITTING"];

/** Upload → map columns (preview) → validate (progress, rejected rows) → import or cancel. */
export function ImportWizard({ caseId, direct, orgName }: { caseId: string; direct: boolean; orgName: string }) {
  const router = useRouter();
  const [upload, setUpload] = useState<number | null>(null);
  const [job, setJob] = useState<TJob | null>(null);
  const [preview, setPreview] = useState<TPreview | null>(null);
  const [rejects, setRejects] = useState<{ items: TReject[]; nextAfter: number | null }>({
    items: [],
    nextAfter: null,
  });
  const [error, setError] = useState<string | null>(null);
  const uploading = useRef<AbortController | null>(null);

  // While a job runs, poll its progress (the poll is also what resumes a job whose process died).
  const running = job !== null && RUNNING.includes(job.status);
  useEffect(() => {
    if (!running || !job) return;
    const timer = setInterval(async () => {
      try {
        const next = await getImportJob(caseId, job.id);
        setJob(next.job);
        setRejects(next.rejects);
        if (next.job.status === "COMMITTED") router.refresh();
      } catch (e) {
        setError((e as Error).message);
      }
    }, 400);
    return () => clearInterval(timer);
  }, [running, job, caseId, router]);

  async function act(body: unknown) {
    setError(null);
    try {
      setJob(await changeImportJob(caseId, job!.id, body));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function choose(file: File | undefined) {
    if (!file) return;
    setError(null);
    setJob(null);
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
        File to import (CSV with a header line, or JSON Lines)
        <input
          type="file"
          accept=".csv,.jsonl,.ndjson"
          className="mt-1 block w-full max-w-full text-sm font-normal text-slate-700 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-solid file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 file:shadow-sm hover:file:bg-slate-50"
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
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      {job && preview && editable && (
        <ImportMapping
          preview={preview}
          direct={direct}
          orgName={orgName}
          onValidate={(options) => void act({ action: "validate", options })}
        />
      )}
      {job && job.status !== "UPLOADED" && (
        <ImportResults job={job} rejects={rejects} caseId={caseId} onMore={setRejects} />
      )}
      {job && (
        <div className="flex gap-3">
          {job.status === "VALIDATED" && job.rowsValid > 0 && (
            <Button onClick={() => void act({ action: "commit" })}>
              Import {job.rowsValid.toLocaleString("en")} events
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
