import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import type { TActor } from "@/lib/auth/session";
import { uploadEvidence } from "@/lib/evidence/upload";
import { getEvidence, type TEvidenceDetail } from "@/lib/evidence/queries";

// eslint-disable-next-line no-restricted-properties -- set by tests/helpers/global-setup.ts
export const EVIDENCE_ROOT = path.resolve(process.env.CASEBRIDGE_DATA_DIR ?? ".data", "evidence");

export const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
export const encodeMetadata = (meta: Record<string, unknown>) =>
  Buffer.from(JSON.stringify(meta)).toString("base64url");

/** A web stream of `bytes` in chunks; `failAfter` makes it error part-way, like a dropped connection. */
export function streamOf(bytes: Buffer, opts: { chunk?: number; failAfter?: number } = {}): ReadableStream<Uint8Array> {
  const chunk = opts.chunk ?? 64 * 1024;
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (opts.failAfter !== undefined && offset >= opts.failAfter) return controller.error(new Error("aborted"));
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + chunk)));
      offset += chunk;
    },
  });
}

export function upload(
  actor: TActor,
  caseId: string,
  bytes: Buffer,
  meta: Record<string, unknown> = {},
  opts: { sha256?: string; contentLength?: number | null; failAfter?: number } = {},
) {
  return uploadEvidence(actor, caseId, {
    body: streamOf(bytes, { failAfter: opts.failAfter }),
    metadata: encodeMetadata({
      title: "Evidence",
      kind: "OTHER",
      fileName: "evidence.txt",
      mimeType: "text/plain",
      ...meta,
    }),
    sha256: opts.sha256 ?? null,
    contentLength: opts.contentLength === null ? null : String(opts.contentLength ?? bytes.length),
  });
}

/** Temporary files left in the staging area (should be none after any upload, failed or not). */
export const stagedFiles = () => {
  try {
    return readdirSync(path.join(EVIDENCE_ROOT, "tmp"));
  } catch {
    return [];
  }
};

export const blobPath = (hash: string) => path.join(EVIDENCE_ROOT, "blobs", hash.slice(0, 2), hash);

/** getEvidence for a reader who may read the item: fails the test on a withheld stub. */
export async function readEvidence(...args: Parameters<typeof getEvidence>): Promise<TEvidenceDetail> {
  const e = await getEvidence(...args);
  if ("withheld" in e) throw new Error(`evidence ${e.id} is withheld from this reader`);
  return e;
}
