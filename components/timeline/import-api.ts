// The browser side of the import API (app/api/cases/[caseId]/timeline/imports).
import type { TImportJobView } from "@/lib/timeline/import";
/** The job as the API answers it (lib/timeline/import.ts), less what the wizard does not show. */
export type TJob = Omit<TImportJobView, "format" | "fileName" | "options" | "createdAt">;
export type TPreview = { columns: string[]; rows: Record<string, string>[] };
export type TReject = { line: number; reason: string };

const base = (caseId: string) => `/api/cases/${caseId}/timeline/imports`;

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { title?: string };
  if (!response.ok) throw new Error(body.title ?? "Something went wrong; try again.");
  return body;
}

/** XMLHttpRequest rather than fetch: it reports upload progress. */
export function uploadImportFile(
  caseId: string,
  file: File,
  onProgress: (percent: number) => void,
): Promise<{ job: TJob; preview: TPreview }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", base(caseId));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || "{}") as { job: TJob; preview: TPreview; title?: string };
      if (xhr.status === 201) resolve(body);
      else reject(new Error(body.title ?? "The upload failed."));
    };
    xhr.onerror = () => reject(new Error("The upload was interrupted; try again."));
    xhr.send(file);
  });
}

export async function changeImportJob(caseId: string, jobId: string, body: unknown): Promise<TJob> {
  const res = await fetch(`${base(caseId)}/${jobId}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await json<{ job: TJob }>(res)).job;
}

export async function getImportJob(
  caseId: string,
  jobId: string,
): Promise<{ job: TJob; rejects: { items: TReject[]; nextAfter: number | null } }> {
  return json(await fetch(`${base(caseId)}/${jobId}`, { cache: "no-store" }));
}

export async function getImportRejects(
  caseId: string,
  jobId: string,
  after: number,
): Promise<{ items: TReject[]; nextAfter: number | null }> {
  return json(await fetch(`${base(caseId)}/${jobId}/rejects?after=${after}&limit=500`, { cache: "no-store" }));
}

/** A first guess at the mapping from column names; the user corrects it. */
export function guessMapping(columns: string[]): Record<string, string> {
  const find = (re: RegExp) => columns.find((c) => re.test(c)) ?? "";
  return {
    occurredAt: find(/^(time|timestamp|ts|occurred.?at|date|datetime|when|start)/i),
    endsAt: find(/^(end|ends.?at|until)/i),
    title: find(/^(title|event|summary|message|msg|name)/i),
    description: find(/^(description|details|notes?|body)/i),
    category: find(/^(category|type|kind)/i),
    source: find(/^(source|origin|system)/i),
    confidence: find(/^confidence/i),
    externalId: find(/^(id|event.?id|uuid|row.?id)$/i),
  };
}
