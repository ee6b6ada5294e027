import "server-only";
import { createInterface } from "node:readline";
import Papa from "papaparse";
import { unzipped } from "@/lib/ingest/records";
import { getBlobStore } from "@/lib/storage";
import { IMAGE_PREVIEW_TYPES, TEXT_PREVIEW_TYPES } from "@/lib/evidence/sniff";

// Previews are built on the server as plain data and rendered by React as text (escaped), so
// uploaded content never runs in the app's origin. Images are served by the preview endpoint
// with CSP sandbox; HTML, SVG, PDF and everything else get no inline preview at all.
const TEXT_BYTES = 64 * 1024;
const JSON_MAX = 512 * 1024;
const CSV_ROWS = 20;

export type TPreview =
  | { kind: "image" }
  | { kind: "text"; text: string; truncated: boolean }
  | { kind: "json"; text: string; truncated: boolean }
  | { kind: "csv"; rows: string[][]; truncated: boolean }
  | { kind: "none"; reason: string };

async function readHead(sha256: string, limit: number): Promise<Buffer | null> {
  const stream = await getBlobStore().read(sha256, limit);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The first rows of a CSV text (Papa Parse; a file cut off mid-row ends with that partial row). */
export function parseCsvRows(text: string, maxRows: number): string[][] {
  return Papa.parse<string[]>(text, { preview: maxRows, skipEmptyLines: true, delimiter: "," }).data;
}

export async function readPreview(e: { sha256: string; mimeType: string; size: bigint }): Promise<TPreview> {
  if (IMAGE_PREVIEW_TYPES.has(e.mimeType)) return { kind: "image" };
  if (!TEXT_PREVIEW_TYPES.has(e.mimeType))
    return { kind: "none", reason: "No preview for this type of file: download it and open it outside Casebridge." };
  const size = Number(e.size);
  const isJson = e.mimeType === "application/json" && size <= JSON_MAX;
  const head = await readHead(e.sha256, isJson ? JSON_MAX : TEXT_BYTES);
  if (!head) return { kind: "none", reason: "The stored file is missing. Run an integrity check." };
  const text = head.toString("utf8");
  const truncated = size > head.length;
  if (isJson) {
    try {
      return { kind: "json", text: JSON.stringify(JSON.parse(text), null, 2).slice(0, TEXT_BYTES), truncated: false };
    } catch {
      return { kind: "text", text: text.slice(0, TEXT_BYTES), truncated };
    }
  }
  if (e.mimeType === "text/csv") return { kind: "csv", rows: parseCsvRows(text, CSV_ROWS), truncated: true };
  return { kind: "text", text, truncated };
}

const SOURCE_LINE_CHARS = 2_000;

export type TSourceLines = { line: number; lines: { n: number; text: string }[] };

/**
 * The lines around `line` of the stored file (un-gzipped if need be), as the usage rows and
 * timeline events derived from it cite them: where a derived row came from, next to the file's
 * SHA-256. Read from the start (rows keep no byte offsets), stopping just after the line.
 */
export async function readSourceLines(sha256: string, line: number, context = 2): Promise<TSourceLines | null> {
  const stream = await getBlobStore().read(sha256);
  if (!stream) return null;
  // As it is stored: a file imported before imports refused text that is not UTF-8 still shows.
  const input = await unzipped(stream);
  const lines: { n: number; text: string }[] = [];
  let n = 0;
  const reader = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of reader) {
      n++;
      if (n >= line - context) lines.push({ n, text: text.slice(0, SOURCE_LINE_CHARS) });
      if (n >= line + context) break;
    }
  } finally {
    reader.close();
    input.destroy();
    stream.destroy();
  }
  return { line, lines };
}
