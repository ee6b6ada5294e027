import "server-only";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { LocalBlobStore } from "@/lib/storage/local";
import { S3BlobStore } from "@/lib/storage/s3";
import type { BlobStore } from "@/lib/storage/types";

export type { BlobStore, TStagedBlob } from "@/lib/storage/types";

let store: BlobStore | undefined;

/** The configured evidence blob store: EVIDENCE_STORAGE=local (default) or s3. */
export function getBlobStore(): BlobStore {
  if (store) return store;
  const env = getEnv();
  if (env.EVIDENCE_STORAGE === "s3") {
    if (!env.EVIDENCE_S3_BUCKET) throw new Error("EVIDENCE_STORAGE=s3 needs EVIDENCE_S3_BUCKET.");
    store = new S3BlobStore({
      bucket: env.EVIDENCE_S3_BUCKET,
      prefix: env.EVIDENCE_S3_PREFIX,
      region: env.EVIDENCE_S3_REGION,
      endpoint: env.EVIDENCE_S3_ENDPOINT,
      forcePathStyle: env.EVIDENCE_S3_FORCE_PATH_STYLE,
    });
  } else {
    store = new LocalBlobStore(path.resolve(env.CASEBRIDGE_DATA_DIR, "evidence"));
  }
  return store;
}
