import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { formatBytes } from "@/lib/bytes";
import { TooLargeError } from "@/lib/errors";

const HEAD_BYTES = 8192;

export function tooLarge(maxBytes: number): TooLargeError {
  return new TooLargeError(`The file is larger than the limit of ${formatBytes(maxBytes)}. Nothing was stored.`);
}

/**
 * A pass-through that hashes (SHA-256), counts and keeps the first bytes of what flows through,
 * and fails the stream as soon as it exceeds `maxBytes` — the limit holds without trusting
 * Content-Length and without holding more than one chunk in memory.
 */
export class HashMeter extends Transform {
  readonly hash = createHash("sha256");
  size = 0;
  private headChunks: Buffer[] = [];
  private headSize = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return callback(tooLarge(this.maxBytes));
    if (this.headSize < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headSize);
      this.headChunks.push(Buffer.from(part));
      this.headSize += part.length;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  get head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}
