import "server-only";
import type { TActor } from "@/lib/auth/session";
import { iterateTimelineEvents, type TTimelineEventRow } from "@/lib/timeline/queries";
import type { TTimelineFilters } from "@/lib/timeline/schemas";
import { EXPORT_COLUMNS } from "@/lib/timeline/import-presets";

// Exports of the filtered timeline, streamed: rows are written as keyset pages are read, so a
// million events never sit in memory. Times are UTC (ISO 8601 with Z).

// The columns are EXPORT_COLUMNS (import-presets.ts): the import recognises its own export by them.
const COLUMNS = EXPORT_COLUMNS;

/**
 * A CSV cell: quoted when needed; a leading = + - @ (or tab/CR) is prefixed with ' so that a
 * spreadsheet opening the export never runs a cell as a formula (CSV injection).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function record(e: TTimelineEventRow) {
  return {
    id: e.id,
    occurredAt: e.occurredAt,
    endsAt: e.endsAt,
    title: e.title,
    description: e.description,
    category: e.category,
    customCategory: e.customCategory,
    source: e.source,
    confidence: e.confidence,
    attributes: e.attributes,
    visibility: e.visibility,
    organisation: e.orgName,
    author: e.authorName,
    evidenceIds: e.evidence.map((x) => x.id),
  };
}

/** A list joined by ";", attributes as their JSON object, nothing as empty. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(";");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The export as text chunks: CSV (header + one line per event) or a JSON array. */
export async function* exportTimeline(
  actor: TActor,
  caseId: unknown,
  filters: TTimelineFilters,
  format: "csv" | "json",
): AsyncGenerator<string> {
  const events = iterateTimelineEvents(actor, caseId, filters, format);
  // Pull the first event before writing a byte: a refusal (404) then becomes a proper response.
  const first = await events.next();
  if (format === "csv") {
    yield "\uFEFF" + COLUMNS.join(",") + "\r\n";
    for (let r = first; !r.done; r = await events.next()) {
      const row = record(r.value);
      yield COLUMNS.map((c) => csvCell(cellText(row[c]))).join(",") + "\r\n";
    }
    return;
  }
  yield "[";
  let sep = "\n";
  for (let r = first; !r.done; r = await events.next()) {
    yield sep + JSON.stringify(record(r.value));
    sep = ",\n";
  }
  yield "\n]\n";
}
