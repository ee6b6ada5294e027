import { ReadStream } from "node:fs";
import { expect, vi } from "vitest";
import { getBlobStore } from "@/lib/storage";

/**
 * Watches the blob store's reads, passed through unchanged: `lastFile()` is the stream the last
 * read opened (checked to be a file on disk, whose bytesRead says how far it was read). Call
 * `restore()` when done.
 */
export function watchBlobReads() {
  const reads = vi.spyOn(getBlobStore(), "read");
  return {
    async lastFile(): Promise<ReadStream> {
      const stream: unknown = await reads.mock.results.at(-1)!.value;
      expect(stream).toBeInstanceOf(ReadStream);
      return stream as ReadStream;
    },
    restore: () => reads.mockRestore(),
  };
}
