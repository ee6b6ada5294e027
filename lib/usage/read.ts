import "server-only";
import type { Readable } from "node:stream";
import {
  csvCells,
  decompressed,
  jsonRecords,
  peek,
  PREVIEW_LIMIT,
  previewRecords,
  textRecords,
  type TCellBatch,
  type TReadLimit,
  type TRecord,
} from "@/lib/ingest/records";
import { USAGE_PRESET_INFO, type TUsagePreset } from "@/lib/usage/schemas";

// A usage file's records, flattened to named columns, whatever shape its tool wrote: CSV or
// JSON Lines (sniffed from the first byte), gzip or not (sniffed from the magic number), or
// the OpenAI usage export's JSON pages of time buckets. The mapping then works on columns.

type TRecords = AsyncGenerator<TRecord[]>;

/** Each bucket of a usage page (`data[]`, in one page, an array of pages, or JSON Lines of pages). */
const OPENAI_BUCKET = /^(?:\d+\.)?data\.\d+$/;

function bucketRecords(value: unknown, ordinal: number): TRecord[] {
  const bucket = value as { start_time?: unknown; end_time?: unknown; results?: unknown };
  if (!bucket || typeof bucket !== "object" || !Array.isArray(bucket.results))
    return [{ line: ordinal, error: `Bucket ${ordinal} has no results list.` }];
  return bucket.results.map((result: unknown) => {
    if (!result || typeof result !== "object")
      return { line: ordinal, error: `Bucket ${ordinal}: a result is not an object.` };
    return {
      line: ordinal,
      values: flatten({ start_time: bucket.start_time, end_time: bucket.end_time, ...(result as object) }),
    };
  });
}

function flatten(object: Record<string, unknown>, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(object)) {
    if (v === null || v === undefined) out[prefix + k] = "";
    else if (typeof v === "object" && !Array.isArray(v))
      Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[prefix + k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

/**
 * Azure Monitor keeps the request's details in `properties_s`, a JSON object in one CSV cell:
 * its fields become `properties.<name>` columns. A cell that is not JSON refuses its row.
 */
async function* withAzureProperties(records: TRecords): TRecords {
  for await (const batch of records) {
    yield batch.map((r) => {
      if (!("values" in r) || !r.values.properties_s) return r;
      try {
        const parsed: unknown = JSON.parse(r.values.properties_s);
        if (!parsed || typeof parsed !== "object") throw new Error("not an object");
        return { line: r.line, values: { ...r.values, ...flatten(parsed as Record<string, unknown>, "properties.") } };
      } catch {
        return { line: r.line, error: "properties_s is not a JSON object." };
      }
    });
  }
}

const looksLikeJsonLines = (head: Buffer) =>
  /^\s*\{/.test(
    head
      .subarray(0, 64)
      .toString("utf8")
      .replace(/^\uFEFF/, ""),
  );

/** How the file is written, as the preset will read it (recorded on the job). */
export async function usageFormat(input: Readable, preset: TUsagePreset): Promise<"CSV" | "JSONL" | "JSON"> {
  if (USAGE_PRESET_INFO[preset].reader === "openai_pages") return "JSON";
  try {
    const { head } = await peek(await decompressed(input));
    return looksLikeJsonLines(head) ? "JSONL" : "CSV";
  } finally {
    input.destroy(); // the rest is not read, nor is a file refused as not text
  }
}

/** The file's records for `preset`, in file order, a batch at a time. */
export async function* readUsageRecords(input: Readable, preset: TUsagePreset, limit?: TReadLimit): TRecords {
  const { head, stream } = await peek(await decompressed(input, limit));
  yield* recordsOf(head, stream, preset);
}

async function* recordsOf(head: Buffer, stream: Readable, preset: TUsagePreset): TRecords {
  if (USAGE_PRESET_INFO[preset].reader === "openai_pages") {
    yield* jsonRecords(stream, { path: OPENAI_BUCKET, records: bucketRecords });
    return;
  }
  // `stream` is already decompressed (readUsageRecords, readUsageBatches).
  const records = textRecords(stream, looksLikeJsonLines(head) ? "JSONL" : "CSV");
  yield* preset === "azure_diagnostics" ? withAzureProperties(records) : records;
}

/**
 * The same records for the bulk loader: a plain CSV's as arrays of cells under its header (no
 * object per row), anything else as records of named values (`columns` empty).
 */
export async function* readUsageBatches(
  input: Readable,
  preset: TUsagePreset,
): AsyncGenerator<TCellBatch | { columns: null; records: TRecord[] }> {
  const { head, stream } = await peek(await decompressed(input));
  if (preset === "gateway" && !looksLikeJsonLines(head)) {
    yield* csvCells(stream);
    return;
  }
  for await (const records of recordsOf(head, stream, preset)) yield { columns: null, records };
}

/** The columns and the first rows, for the mapping step; the rest is not read. */
export async function previewUsage(input: Readable, preset: TUsagePreset, rows = 10) {
  try {
    return await previewRecords(readUsageRecords(input, preset, PREVIEW_LIMIT), rows);
  } finally {
    input.destroy(); // the rest is not read, nor is a file refused as not text
  }
}
