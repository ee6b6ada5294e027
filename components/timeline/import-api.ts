// The browser side of the import API (app/api/cases/[caseId]/timeline/imports).
import { fetchJson, uploadFile } from "@/components/ui/upload";
import type { TImportJobView } from "@/lib/jobs/imports";
/** The job as the API answers it (lib/timeline/import.ts), less what the wizard does not show. */
export type TJob = Omit<TImportJobView, "fileName" | "options" | "createdAt">;
export type TPreview = { columns: string[]; rows: Record<string, string>[] };
export type { TImportStats } from "@/lib/timeline/import-schemas";
export type TReject = { line: number; reason: string };

const base = (caseId: string) => `/api/cases/${caseId}/timeline/imports`;

/** Where every rejected row downloads as CSV (the kept list stops at 100,000). */
export const rejectsCsvUrl = (caseId: string, jobId: string) => `${base(caseId)}/${jobId}/rejects?format=csv`;

/** Sends the file with its name (URI-encoded: headers are Latin-1); resolves with the job and a preview. */
export function uploadImportFile(
  caseId: string,
  file: File,
  onProgress: (percent: number) => void,
  signal?: AbortSignal,
): Promise<{ job: TJob; preview: TPreview }> {
  return uploadFile(base(caseId), file, {
    headers: { "Content-Type": "application/octet-stream", "X-File-Name": encodeURIComponent(file.name) },
    onProgress,
    signal,
  });
}

export async function changeImportJob(caseId: string, jobId: string, body: unknown): Promise<TJob> {
  const answer = await fetchJson<{ job: TJob }>(`${base(caseId)}/${jobId}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return answer.job;
}

export async function getImportJob(
  caseId: string,
  jobId: string,
): Promise<{ job: TJob; rejects: { items: TReject[]; nextAfter: number | null } }> {
  return fetchJson(`${base(caseId)}/${jobId}`, { cache: "no-store" });
}

export async function getImportRejects(
  caseId: string,
  jobId: string,
  after: number,
): Promise<{ items: TReject[]; nextAfter: number | null }> {
  return fetchJson(`${base(caseId)}/${jobId}/rejects?after=${after}&limit=500`, { cache: "no-store" });
}
