import { describe, expect, it, vi } from "vitest";
import { ConflictError, TooLargeError } from "@/lib/errors";
import { errorResponse, readJsonBody, REFUSED_BODY_LINGER } from "@/lib/http";

const CHUNK = 64 * 1024;

/** A JSON request whose body is `chunks` chunks of CHUNK bytes (Infinity: never ends), counting what is read. */
function streamed(chunks: number, headers: Record<string, string> = {}) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled === chunks) return controller.close();
      seen.pulled += 1;
      controller.enqueue(new Uint8Array(CHUNK).fill(97));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  const request = new Request("http://localhost/api/x", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
    duplex: "half",
  } as RequestInit);
  return { request, seen };
}

describe("a refused request body", () => {
  it("is answered 413 past the limit, then read to its end and dropped, so the answer is not reset away", async () => {
    const { request, seen } = streamed(64); // 4 MiB, under the linger's bound
    await expect(readJsonBody(request, 1024)).rejects.toBeInstanceOf(TooLargeError);
    await vi.waitFor(() => expect(seen.pulled).toBe(64));
    expect(seen.cancelled).toBe(false);
  });

  it("announced too long by its Content-Length is refused before a byte is kept, and drained the same way", async () => {
    const { request, seen } = streamed(8, { "Content-Length": String(8 * CHUNK) });
    await expect(readJsonBody(request, 1024)).rejects.toBeInstanceOf(TooLargeError);
    await vi.waitFor(() => expect(seen.pulled).toBe(8));
  });

  it("that goes on past the linger's bound is cancelled there", async () => {
    const { request, seen } = streamed(Infinity);
    await expect(readJsonBody(request, 1024)).rejects.toBeInstanceOf(TooLargeError);
    await vi.waitFor(() => expect(seen.cancelled).toBe(true), { timeout: REFUSED_BODY_LINGER.ms + 2_000 });
    // Bounded: the bytes after the limit, and at most a stream's read-ahead beyond them.
    expect(seen.pulled * CHUNK).toBeLessThanOrEqual(REFUSED_BODY_LINGER.bytes + 4 * CHUNK);
  });
});

describe("an error answered as problem+json", () => {
  it("keeps its status, message and the page it refers to", async () => {
    const link = { href: "/cases/c/usage/imports/i", label: "Open that import" };
    const answer = errorResponse(new ConflictError("Already imported.", link));
    expect(answer.status).toBe(409);
    expect(answer.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await answer.json()).toEqual({
      type: "about:blank",
      status: 409,
      title: "Already imported.",
      code: "conflict",
      link,
    });
  });

  it("hides an unexpected error's detail", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const answer = errorResponse(new Error("connection string postgres://secret"));
    logged.mockRestore();
    expect(answer.status).toBe(500);
    expect(JSON.stringify(await answer.json())).not.toContain("secret");
  });
});
