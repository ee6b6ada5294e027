import "server-only";
import { getEnv } from "@/lib/env";
import { formatBytes } from "@/lib/bytes";

/** The configured per-file size limit, for the upload form (the server enforces it on upload). */
export function getEvidenceSizeLimit(): { maxBytes: number; maxLabel: string } {
  const maxBytes = getEnv().EVIDENCE_MAX_BYTES;
  return { maxBytes, maxLabel: formatBytes(maxBytes) };
}
