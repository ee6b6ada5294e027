import "server-only";
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HashMeter } from "@/lib/storage/meter";
import type { BlobStore, TStagedBlob } from "@/lib/storage/types";

const SHA256 = /^[0-9a-f]{64}$/;

async function fsyncPath(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Blobs as files under `<root>/blobs/<first two hex>/<sha256>`, written to `<root>/tmp/` first,
 * fsynced, then renamed into place (atomic on one file system) and the directory fsynced, so a
 * blob under its address is always complete and durable. A crash leaves at most a temporary file.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = "local" as const;
  constructor(readonly root: string) {}

  blobPath(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error("Not a SHA-256 hex digest");
    return path.join(this.root, "blobs", sha256.slice(0, 2), sha256);
  }

  async stage(source: Readable, maxBytes: number): Promise<TStagedBlob> {
    const tmpDir = path.join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${randomUUID()}.part`);
    const meter = new HashMeter(maxBytes);
    try {
      await pipeline(source, meter, createWriteStream(tmp, { flags: "wx", mode: 0o600 }));
      await fsyncPath(tmp);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    const sha256 = meter.hash.digest("hex");
    const target = this.blobPath(sha256);
    return {
      sha256,
      size: meter.size,
      head: meter.head,
      commit: async () => {
        await mkdir(path.dirname(target), { recursive: true });
        // Identical bytes already stored: keep that copy (same content, same address), marked
        // as just written so the sweep's grace period covers it until its row is committed.
        if (await this.exists(sha256)) {
          const now = new Date();
          await utimes(target, now, now);
          return rm(tmp, { force: true });
        }
        await rename(tmp, target);
        await fsyncPath(path.dirname(target));
      },
      discard: () => rm(tmp, { force: true }),
    };
  }

  async read(sha256: string, limit?: number): Promise<Readable | null> {
    const file = this.blobPath(sha256);
    if (!(await this.exists(sha256))) return null;
    return createReadStream(file, limit === undefined ? {} : { start: 0, end: limit - 1 });
  }

  async exists(sha256: string): Promise<boolean> {
    return stat(this.blobPath(sha256)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.blobPath(sha256), { force: true });
  }

  async modifiedAt(sha256: string): Promise<Date | null> {
    return stat(this.blobPath(sha256)).then(
      (s) => (s.isFile() ? s.mtime : null),
      () => null,
    );
  }

  async *listBlobs(): AsyncIterable<{ sha256: string; modifiedAt: Date }> {
    const blobs = path.join(this.root, "blobs");
    for (const dir of await readdir(blobs).catch(() => [] as string[])) {
      for (const name of await readdir(path.join(blobs, dir)).catch(() => [] as string[])) {
        if (!SHA256.test(name) || name.slice(0, 2) !== dir) continue;
        const modifiedAt = await this.modifiedAt(name);
        if (modifiedAt) yield { sha256: name, modifiedAt };
      }
    }
  }

  // A staged file's time changes with every write, so one untouched since `before` is not
  // being written by an upload still in flight.
  async removeStaleStaging(before: Date): Promise<number> {
    const tmpDir = path.join(this.root, "tmp");
    let removed = 0;
    for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
      const file = path.join(tmpDir, name);
      const s = await stat(file).catch(() => null);
      if (!s?.isFile() || s.mtime >= before) continue;
      await rm(file, { force: true });
      removed += 1;
    }
    return removed;
  }
}
