import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { TooLargeError } from "@/lib/errors";

const HEAD_BYTES = 8192;

export function tooLarge(maxBytes: number): TooLargeError {
  return new TooLargeError(`The file is larger than the limit of ${formatBytes(maxBytes)}. Nothing was stored.`);
}

export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${n} bytes` : `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
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
