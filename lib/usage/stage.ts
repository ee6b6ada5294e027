import "server-only";
import type { Readable } from "node:stream";
import { BinaryRows, type TCopyChunk } from "@/lib/db/copy";
import type { UsageGroups } from "@/lib/usage/groups";
import { EVERY_COLUMN, type TimeSpread } from "@/lib/usage/load";
import {
  cellsOfValues,
  fieldIndex,
  IDENTITY,
  readUsageCells,
  rowContext,
  USAGE_COLUMNS,
  type TRedact,
  type TTimeFormatCounts,
  type TUsageCells,
} from "@/lib/usage/parse";
import { readUsageBatches } from "@/lib/usage/read";
import type { TUsageOptions } from "@/lib/usage/schemas";

// A usage file straight to COPY data, as the import job stages it: records read as cells by
// index (a CSV) or by name (JSON), one reused array of column texts, no object per row, and
// written as COPY text or in its binary format (one growing buffer). This parse is what bounds
// an import's rate, so it allocates little beyond the data it produces.

export type TStageEvents = {
  /** After each batch: the records read so far (good and refused). */
  onRecords?: (records: number) => void;
  onReject: (line: number, reason: string) => void;
  /** Counted as rows are read: how many times in each format. */
  timeFormats?: TTimeFormatCounts;
  /** Told each staged row's time, in file order (for the choice of index on time). */
  spread?: TimeSpread;
  /** Handed each batch of staged rows, for the import's rollups (a binary layout's groups, CopyLayout.groups). */
  groups?: UsageGroups;
};

/**
 * The file's good rows in `layout`'s columns, as COPY text or in its binary format, numbered 1…
 * in file order; refused rows go to onReject.
 */
export async function* usageCopyChunks(
  input: Readable,
  options: TUsageOptions,
  redact: TRedact,
  events: TStageEvents,
  layout = EVERY_COLUMN,
): AsyncGenerator<TCopyChunk> {
  const out: TUsageCells = new Array(USAGE_COLUMNS.length);
  let seq = 0;
  let records = 0;
  let index: Int32Array = IDENTITY;
  let indexed: readonly string[] | null = null;
  const row = rowContext(events.timeFormats);
  const binary = layout.binaryFormat ? new BinaryRows() : null;
  for await (const batch of readUsageBatches(input, options.preset)) {
    if (batch.columns && batch.columns !== indexed) {
      indexed = batch.columns;
      index = fieldIndex(batch.columns, options.mapping);
    }
    row.keyFree = "keyFree" in batch && batch.keyFree === true;
    row.nulFree = "nulFree" in batch && batch.nulFree === true;
    let text = "";
    const before = seq;
    for (const r of batch.records) {
      const reason =
        "error" in r
          ? r.error
          : "cells" in r
            ? readUsageCells(r.cells, index, options, redact, out, row)
            : readUsageCells(cellsOfValues(r.values, options.mapping), IDENTITY, options, redact, out, row);
      // A plain CSV batch's cells need no escapes, nor do the values read from them (times,
      // addresses, counts and redacted keys are written without tabs or backslashes).
      if (reason === null) {
        if (binary) layout.binary(binary, ++seq, r.line, out, row);
        else text += layout.line(++seq, r.line, out, "plain" in batch && batch.plain === true);
        events.spread?.add(row.ms);
      } else events.onReject(r.line, reason);
    }
    records += batch.records.length;
    events.onRecords?.(records);
    if (!binary) {
      yield { text, rows: seq - before };
      continue;
    }
    const rows = binary.take();
    await events.groups?.add(rows);
    yield { binary: rows, rows: seq - before };
  }
}
