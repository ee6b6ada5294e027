import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestError, fetchJson, uploadFile, type TXhr } from "@/components/ui/upload";

// The upload helper against a real local HTTP server answering as a proxy in front of the app
// might: HTML 413 and 502 pages, a 200 that is not JSON, a dropped connection, no answer at all.
// The old import client parsed the body without a catch, so such an answer left it pending.
const server = http.createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    const html = (status: number) => {
      response.writeHead(status, { "Content-Type": "text/html" });
      response.end(`<html><body><h1>${status}</h1>nginx</body></html>`);
    };
    if (request.url === "/html413") return html(413);
    if (request.url === "/html502") return html(502);
    if (request.url === "/html200") return html(200);
    if (request.url === "/hangup") return request.socket.destroy();
    if (request.url === "/silent") return; // never answers
    if (request.url === "/problem") {
      response.writeHead(400, { "Content-Type": "application/problem+json" });
      return response.end(JSON.stringify({ status: 400, title: "Upload a .csv, .jsonl or .ndjson file." }));
    }
    if (request.url === "/fields") {
      response.writeHead(400, { "Content-Type": "application/problem+json" });
      const errors = { "mapping.title": ["Choose the column with the title."], odd: "not a list", worse: [1] };
      return response.end(JSON.stringify({ status: 400, title: "Please correct the highlighted fields.", errors }));
    }
    response.writeHead(201, { "Content-Type": "application/json" });
    response.end(JSON.stringify({ id: "job-1", headers: request.headers }));
  });
});
let origin = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** XMLHttpRequest's surface over Node's http client, so the helper's own handlers run as in a browser. */
class NodeXhr {
  status = 0;
  responseText = "";
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  private url = "";
  private headers: Record<string, string> = {};
  private request?: http.ClientRequest;
  private aborted = false;
  open(_method: string, url: string) {
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: Blob) {
    this.request = http.request(this.url, { method: "POST", headers: this.headers }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => {
        this.status = response.statusCode ?? 0;
        this.responseText = text;
        this.onload?.();
      });
    });
    this.request.on("error", () => (this.aborted ? this.onabort?.() : this.onerror?.()));
    void body.arrayBuffer().then((bytes) => {
      this.upload.onprogress?.({ lengthComputable: true, loaded: bytes.byteLength, total: bytes.byteLength });
      this.request?.end(Buffer.from(bytes));
    });
  }
  abort() {
    this.aborted = true;
    this.request?.destroy();
  }
}

const file = new Blob(["time,title\n2026-01-01T00:00:00Z,a\n"]);
const send = (path: string, signal?: AbortSignal, onProgress?: (p: number) => void) =>
  uploadFile<{ id: string; headers: Record<string, string> }>(`${origin}${path}`, file, {
    headers: { "X-File-Name": encodeURIComponent("März.csv") },
    onProgress,
    signal,
    createXhr: () => new NodeXhr() as unknown as TXhr,
  });

describe("one upload helper: every answer settles the promise with a clear message", () => {
  it("resolves with the JSON answer, reporting progress and sending the headers", async () => {
    const progress: number[] = [];
    const answer = await send("/ok", undefined, (p) => progress.push(p));
    expect(answer.id).toBe("job-1");
    expect(answer.headers["x-file-name"]).toBe("M%C3%A4rz.csv");
    expect(progress).toEqual([100]);
  });

  it("a proxy's HTML 413 or 502 is an error naming the cause, not a hang", async () => {
    await expect(send("/html413")).rejects.toThrow(/larger than the server accepts \(HTTP 413\)/);
    await expect(send("/html502")).rejects.toThrow(/unreachable or busy \(HTTP 502\)/);
    await expect(send("/html200")).rejects.toThrow(/could not be read/);
  });

  it("the API's own problem title is shown as it is", async () => {
    await expect(send("/problem")).rejects.toEqual(new RequestError("Upload a .csv, .jsonl or .ndjson file.", 400));
  });

  it("a dropped connection and a cancelled upload are errors too", async () => {
    await expect(send("/hangup")).rejects.toThrow(/connection was lost/);
    const controller = new AbortController();
    const pending = send("/silent", controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow(/cancelled/);
  });

  it("a validation answer keeps its messages by field, for the form to show beside each", async () => {
    const refused = await fetchJson(`${origin}/fields`, { method: "POST" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RequestError);
    expect((refused as RequestError).message).toBe("Please correct the highlighted fields.");
    // Only well-formed entries: a list of texts per field.
    expect((refused as RequestError).fieldErrors).toEqual({ "mapping.title": ["Choose the column with the title."] });
    expect(((await send("/problem").catch((e: unknown) => e)) as RequestError).fieldErrors).toEqual({});
  });

  it("fetchJson turns the same answers into the same messages", async () => {
    await expect(fetchJson(`${origin}/html502`, { method: "POST" })).rejects.toThrow(/HTTP 502/);
    await expect(fetchJson(`${origin}/problem`, { method: "POST" })).rejects.toThrow(/Upload a .csv/);
    await expect(fetchJson(`${origin}/hangup`, { method: "POST" })).rejects.toThrow(/connection to the server failed/);
    await expect(fetchJson<{ id: string }>(`${origin}/ok`, { method: "POST" })).resolves.toMatchObject({ id: "job-1" });
  });
});
