import type { Readable } from "node:stream";

/** A blob written to the staging area and hashed; not yet visible under its content address. */
export type TStagedBlob = {
  sha256: string;
  size: number;
  /** The first bytes of the content, for type sniffing. */
  head: Buffer;
  /**
   * Moves the blob to its content address. When identical bytes are already there it keeps that
   * copy and refreshes its modification time, so the sweep's grace period protects this upload
   * until its row is written.
   */
  commit(): Promise<void>;
  /** Removes the staged copy. Safe to call after commit or twice. */
  discard(): Promise<void>;
};

/**
 * Content-addressed blob storage for evidence: a blob's key is the SHA-256 of its bytes, so a
 * stored blob never changes and identical uploads share one blob. Two implementations: a local
 * directory (default) and an S3-compatible bucket.
 */
export interface BlobStore {
  readonly kind: "local" | "s3";
  /** Streams `source` into staging while hashing; over `maxBytes` → TooLargeError, nothing kept. */
  stage(source: Readable, maxBytes: number): Promise<TStagedBlob>;
  /** The blob's bytes (optionally only the first `limit` bytes), or null when it is missing. */
  read(sha256: string, limit?: number): Promise<Readable | null>;
  exists(sha256: string): Promise<boolean>;
  remove(sha256: string): Promise<void>;
  /** When the blob was last written or committed again (a commit of identical bytes refreshes it); null when missing. */
  modifiedAt(sha256: string): Promise<Date | null>;
  /** Every stored blob with the time it was last written or committed again. */
  listBlobs(): AsyncIterable<{ sha256: string; modifiedAt: Date }>;
  /** Removes staged uploads untouched since `before` (left by a crash or a dropped upload); answers how many. */
  removeStaleStaging(before: Date): Promise<number>;
}
