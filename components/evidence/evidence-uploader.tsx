"use client";

import { createSHA256 } from "hash-wasm";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, type DragEvent, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { uploadFile } from "@/components/ui/upload";
import { EVIDENCE_KIND_LABELS, EVIDENCE_KINDS } from "@/lib/evidence/schemas";

type TStatus = "queued" | "hashing" | "uploading" | "done" | "error";
type TEntry = { key: string; file: File; status: TStatus; progress: number; message?: string; id?: string };

const CHUNK = 4 * 1024 * 1024;
const INPUT = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm";

/** SHA-256 of the file, read in slices: a large file is never held whole in memory. */
async function hashFile(file: File, onProgress: (p: number) => void): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  for (let offset = 0; offset < file.size; offset += CHUNK) {
    hasher.update(new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer()));
    onProgress(Math.min(100, Math.round(((offset + CHUNK) / file.size) * 100)));
  }
  return hasher.digest("hex");
}

function encodeMetadata(meta: Record<string, unknown>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(meta));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function EvidenceUploader({
  caseId,
  direct,
  orgName,
  maxBytes,
  maxLabel,
}: {
  caseId: string;
  direct: boolean;
  orgName: string;
  maxBytes: number;
  maxLabel: string;
}) {
  const router = useRouter();
  const [entries, setEntries] = useState<TEntry[]>([]);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const patch = (key: string, change: Partial<TEntry>) =>
    setEntries((list) => list.map((e) => (e.key === key ? { ...e, ...change } : e)));

  function add(files: FileList | null) {
    if (!files) return;
    const added = [...files].map((file) => {
      const problem =
        file.size === 0
          ? "The file is empty."
          : file.size > maxBytes
            ? `Larger than the limit of ${maxLabel}.`
            : undefined;
      return {
        key: `${file.name}-${file.size}-${Math.random()}`,
        file,
        status: problem ? "error" : "queued",
        progress: 0,
        message: problem,
      } as TEntry;
    });
    setEntries((list) => [...list.filter((e) => e.status !== "done"), ...added]);
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = Object.fromEntries(new FormData(formElement)) as Record<string, string>;
    const queued = entries.filter((e) => e.status === "queued");
    let failed = 0;
    setBusy(true);
    for (const entry of queued) {
      try {
        patch(entry.key, { status: "hashing", progress: 0, message: undefined });
        const sha256 = await hashFile(entry.file, (progress) => patch(entry.key, { progress }));
        patch(entry.key, { status: "uploading", progress: 0 });
        const meta = {
          title: form.title?.trim() && queued.length === 1 ? form.title : entry.file.name,
          kind: form.kind,
          source: form.source,
          collectedAt: form.collectedAt || null, // written in UTC; the server reads it so
          collectedBy: form.collectedBy,
          description: form.description,
          tags: form.tags,
          visibility: form.visibility ?? "OWNER_ORG_ONLY",
          fileName: entry.file.name,
          mimeType: entry.file.type || "application/octet-stream",
        };
        const headers = {
          "Content-Type": "application/octet-stream",
          "X-Evidence-Metadata": encodeMetadata(meta),
          "X-Content-SHA256": sha256,
        };
        const result = await uploadFile<{ id: string; duplicate: boolean }>(
          `/api/cases/${caseId}/evidence`,
          entry.file,
          { headers, onProgress: (progress) => patch(entry.key, { progress }) },
        );
        patch(entry.key, {
          status: "done",
          progress: 100,
          id: result.id,
          message: result.duplicate ? "Already in this case: linked to the existing item." : "Stored and verified.",
        });
      } catch (error) {
        failed += 1;
        patch(entry.key, { status: "error", message: error instanceof Error ? error.message : "The upload failed." });
      }
    }
    // The next file gets a fresh form (a previous file's title or tags would be wrong for it);
    // after a failure the form stays as typed, for the retry.
    if (queued.length > 0 && failed === 0) formElement.reset();
    setBusy(false);
    router.refresh();
  }

  const queuedCount = entries.filter((e) => e.status === "queued").length;
  return (
    <form
      onSubmit={onSubmit}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      aria-label="Upload evidence"
    >
      <div
        onDragOver={(e) => (e.preventDefault(), setDragging(true))}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`rounded-md border-2 border-dashed p-6 text-center text-sm ${dragging ? "border-brand-600 bg-brand-50" : "border-slate-300"}`}
      >
        <p className="text-slate-700">Drop files here, or</p>
        <label className="text-brand-700 mt-2 inline-block cursor-pointer font-medium underline">
          choose files
          <input
            ref={inputRef}
            type="file"
            multiple
            aria-label="Files"
            className="sr-only"
            onChange={(e) => (add(e.target.files), (e.target.value = ""))}
          />
        </label>
        <p className="mt-1 text-xs text-slate-500">
          Up to {maxLabel} per file. Each file is hashed (SHA-256) in your browser and checked again by the server.
        </p>
      </div>
      {entries.length > 0 && (
        <ul className="space-y-2" aria-label="Files to upload">
          {entries.map((e) => (
            <li key={e.key} className="text-sm">
              <div className="flex justify-between gap-2">
                <span className="truncate font-medium">
                  {e.id ? (
                    <Link href={`/cases/${caseId}/evidence/${e.id}`} className="text-brand-700 underline">
                      {e.file.name}
                    </Link>
                  ) : (
                    e.file.name
                  )}
                </span>
                <span className="text-slate-500">
                  {e.status === "hashing"
                    ? `Hashing ${e.progress}%`
                    : e.status === "uploading"
                      ? `Uploading ${e.progress}%`
                      : e.status === "done"
                        ? "Done"
                        : e.status === "error"
                          ? "Failed"
                          : "Waiting"}
                </span>
              </div>
              <progress
                className="h-2 w-full"
                max={100}
                value={e.status === "uploading" || e.status === "done" ? e.progress : 0}
                aria-label={`Upload of ${e.file.name}`}
              />
              {e.message && (
                <p
                  role={e.status === "error" ? "alert" : "status"}
                  className={e.status === "error" ? "text-red-700" : "text-green-700"}
                >
                  {e.message}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="text-sm font-medium text-slate-700">
          Title
          <input name="title" className={INPUT} placeholder="Defaults to the file name" maxLength={200} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          Kind
          <select name="kind" className={INPUT} defaultValue="OTHER">
            {EVIDENCE_KINDS.map((k) => (
              <option key={k} value={k}>
                {EVIDENCE_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          Source
          <input name="source" className={INPUT} placeholder="e.g. API gateway logs" maxLength={500} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          Collected by
          <input name="collectedBy" className={INPUT} maxLength={200} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          {/* In UTC, as the item's page shows it and its edit form takes it. */}
          Collected at (UTC)
          <input name="collectedAt" type="datetime-local" step={1} className={INPUT} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          Tags
          <input name="tags" className={INPUT} placeholder="comma, separated" />
        </label>
      </div>
      <label className="block text-sm font-medium text-slate-700">
        Description
        <textarea name="description" rows={2} className={INPUT} maxLength={2000} />
      </label>
      <div className="flex flex-wrap items-center gap-4 text-sm">
        {direct ? (
          <label className="font-medium text-slate-700">
            Who can see it{" "}
            <select
              name="visibility"
              className="ml-1 rounded-md border border-slate-300 px-2 py-1"
              defaultValue="ALL_CASE_ORGS"
            >
              <option value="ALL_CASE_ORGS">Every organisation on the case</option>
              <option value="OWNER_ORG_ONLY">{orgName} only</option>
            </select>
          </label>
        ) : (
          <span className="text-slate-600">Visible to {orgName} only until a lead releases it.</span>
        )}
      </div>
      <Button type="submit" disabled={busy || queuedCount === 0}>
        {busy ? "Uploading…" : `Upload ${queuedCount || ""} file${queuedCount === 1 ? "" : "s"}`.replace("  ", " ")}
      </Button>
    </form>
  );
}
