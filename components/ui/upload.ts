// How the browser sends a file to the API and reads any answer of the API, for evidence uploads
// and timeline imports alike: progress, abort, and every failure — a proxy's HTML 413 or 502, a
// dropped connection, an answer that is not JSON — turned into a message a person can act on.
// The promise always settles: an unreadable answer is an error, never a hang.

/** A failed request, with the HTTP status when there was one (null: no answer at all). */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /** A validation answer's messages by field (`mapping.title`), for the form to show beside each. */
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = "RequestError";
  }
}

/** The `errors` of a validation problem (lib/errors.ts), only the well-formed entries. */
function fieldErrorsOf(body: unknown): Record<string, string[]> {
  const errors = (body as { errors?: unknown } | null | undefined)?.errors;
  if (!errors || typeof errors !== "object") return {};
  return Object.fromEntries(
    Object.entries(errors).flatMap(([field, messages]) =>
      Array.isArray(messages) && messages.every((m) => typeof m === "string") ? [[field, messages as string[]]] : [],
    ),
  );
}

/** What to tell the user when the answer has no explanation of ours (e.g. a proxy's HTML page). */
export function messageForStatus(status: number): string {
  if (status === 413) return "The file is larger than the server accepts (HTTP 413). Nothing was stored.";
  if (status === 401) return "Your session has ended: sign in again, then retry.";
  if (status === 502 || status === 503 || status === 504)
    return `The server is unreachable or busy (HTTP ${status}). Nothing was stored; try again in a moment.`;
  return `The server answered HTTP ${status} without an explanation. Try again, or reload the page.`;
}

/** The JSON body of a 2xx answer; otherwise a RequestError with the API's problem title or a message for the status. */
export function readAnswer<T>(status: number, text: string): T {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = undefined;
  }
  if (status >= 200 && status < 300) {
    if (body === undefined)
      throw new RequestError("The server's answer could not be read. Reload the page to see what was saved.", status);
    return body as T;
  }
  const title = (body as { title?: unknown } | null | undefined)?.title;
  throw new RequestError(
    typeof title === "string" && title ? title : messageForStatus(status),
    status,
    fieldErrorsOf(body),
  );
}

const OFFLINE = "The connection to the server failed. Check your network, then try again.";

/** fetch for the API's JSON routes: any failure becomes a RequestError with a readable message. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (init?.signal?.aborted) throw new RequestError("Cancelled.", null);
    throw new RequestError(error instanceof Error && error.name === "AbortError" ? "Cancelled." : OFFLINE, null);
  }
  return readAnswer<T>(response.status, await response.text().catch(() => ""));
}

/** The part of XMLHttpRequest used here (a test can supply its own). */
export type TXhr = Pick<
  XMLHttpRequest,
  "open" | "setRequestHeader" | "send" | "abort" | "status" | "responseText" | "onload" | "onerror" | "onabort"
> & { upload: Pick<XMLHttpRequestUpload, "onprogress"> };

export type TUploadOptions = {
  headers?: Record<string, string>;
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
  createXhr?: () => TXhr;
};

/**
 * POSTs `file` as the raw body and resolves with the JSON answer. XMLHttpRequest rather than
 * fetch: it reports upload progress. The browser streams the File; it is never read whole.
 */
export function uploadFile<T>(url: string, file: Blob, options: TUploadOptions = {}): Promise<T> {
  const { headers = {}, onProgress, signal, createXhr = () => new XMLHttpRequest() } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(new RequestError("Cancelled.", null));
    const xhr = createXhr();
    const onAbort = () => xhr.abort();
    const settle = (outcome: () => T) => {
      signal?.removeEventListener("abort", onAbort);
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => settle(() => readAnswer<T>(xhr.status, xhr.responseText));
    xhr.onerror = () =>
      settle(() => {
        throw new RequestError("The connection was lost during the upload. Nothing was stored; try again.", null);
      });
    xhr.onabort = () =>
      settle(() => {
        throw new RequestError("The upload was cancelled. Nothing was stored.", null);
      });
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.send(file);
  });
}
