import "server-only";
import { copyEscape } from "@/lib/db/copy";
import { AT, COUNTS, type TRowContext, type TUsageCells } from "@/lib/usage/parse";

// An import's rows grouped as they are read, for its rollups: per hour and distinct combination
// of account, project, key, address, model, endpoint, payment instrument and device. Logs repeat
// those combinations for thousands of requests, so the groups are a small fraction of the rows,
// and the hourly rollup and the accounts' attributes are then written from the groups
// (lib/usage/load.ts) rather than by two more scans of every row in the database. That work
// moves into the parse, which runs beside the COPY: about 15% more parse, for steps after the
// COPY that take half as long. Past `limit` groups (memory stays bounded) or a sum past what a
// double holds exactly, the groups are given up and the database groups the loaded rows instead
// (writeImportGroups): the same groups, more slowly.

/** The cells a group is keyed by (USAGE_COLUMNS positions), in the order of GROUP_COLUMNS. */
const KEY_CELLS = (
  ["accountId", "projectId", "apiKeyId", "ip", "model", "endpoint", "paymentFingerprint", "deviceFingerprint"] as const
).map((c) => AT[c]);
const ACCOUNT = AT.accountId;
const RATE_LIMITED = AT.rateLimited;
/** A row's counts, by position in TRowContext.counts. */
const [INPUT, OUTPUT, CACHED, REQUESTS] = (["inputTokens", "outputTokens", "cachedTokens", "requests"] as const).map(
  (c) => COUNTS.indexOf(c),
) as [number, number, number, number];

/**
 * The groups table's columns, as a group's COPY text gives them: its hour in hours since 1970,
 * its rows' first and last time in milliseconds since 1970, its key cells and its sums.
 */
export const GROUP_COLUMNS = [
  "hour",
  "accountId",
  "projectId",
  "apiKeyId",
  "ip",
  "model",
  "endpoint",
  "paymentFingerprint",
  "deviceFingerprint",
  "firstSeen",
  "lastSeen",
  "requests",
  "inputTokens",
  "outputTokens",
  "cachedTokens",
  "rateLimited",
  "rows",
] as const;

const HOUR_MS = 3_600_000;

/** Each group's sums, in a run of SUMS numbers: what each holds, by offset. */
const [REQUESTS_SUM, INPUT_SUM, OUTPUT_SUM, CACHED_SUM, LIMITED_SUM, ROWS_SUM, FIRST, LAST, SUMS] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8,
] as const;

type TCombination = {
  /** The key cells, as read. */
  cells: (string | null)[];
  /** Hours since 1970 → where the group's sums start. */
  hours: Map<number, number>;
  /** The hour the last row of this combination fell in (rows come mostly in time order), and its sums. */
  hour: number;
  at: number;
};

/** An account's combinations: the one its last row had (most rows repeat it), and all by key. */
type TAccount = { last: TCombination; all: Map<string, TCombination> };

/**
 * A string of its own: a cell read from the file is a slice of its whole chunk of text, which a
 * group kept for the rest of the import would keep in memory with it.
 */
const own = (v: string | null) => (v === null ? null : Buffer.from(v).toString());

const cellText = (v: string | null) => (v === null ? "\\N" : copyEscape(v));

/** Whether a row's key cells are those of a combination. */
function sameKey(key: (string | null)[], cells: TUsageCells): boolean {
  for (let k = 0; k < KEY_CELLS.length; k++) if (key[k] !== (cells[KEY_CELLS[k]!] ?? null)) return false;
  return true;
}

export class UsageGroups {
  /** At most 38 MB of sums (numbers in one typed array, out of the collector's way). */
  static readonly LIMIT = 500_000;
  private readonly accounts = new Map<string, TAccount>();
  private sums = new Float64Array(4_096 * SUMS);
  private count = 0;
  private given = false;

  constructor(private readonly limit = UsageGroups.LIMIT) {}

  /** Adds a kept row: its column texts, and its time and counts (both as readUsageCells left them). */
  add(cells: TUsageCells, { ms, counts }: Pick<TRowContext, "ms" | "counts">): void {
    if (this.given) return;
    const account = cells[ACCOUNT] ?? "";
    const seen = this.accounts.get(account);
    let combination = seen?.last;
    if (!combination || !sameKey(combination.cells, cells)) {
      // No cell is empty (an empty cell is null) or holds a NUL (refused): the key is unique.
      const key = KEY_CELLS.map((i) => cells[i] ?? "").join("\0");
      combination = seen?.all.get(key);
      if (!combination) {
        combination = { cells: KEY_CELLS.map((i) => own(cells[i] ?? null)), hours: new Map(), hour: NaN, at: -1 };
        if (seen) seen.all.set(key, combination);
        else this.accounts.set(combination.cells[0] ?? "", { last: combination, all: new Map([[key, combination]]) });
      }
      if (seen) seen.last = combination;
    }
    const hour = Math.floor(ms / HOUR_MS);
    let at = combination.hour === hour ? combination.at : (combination.hours.get(hour) ?? -1);
    if (at < 0) {
      if (this.count === this.limit) return this.giveUp();
      at = this.open(ms);
      combination.hours.set(hour, at);
    }
    combination.hour = hour;
    combination.at = at;
    const s = this.sums;
    const requests = counts[REQUESTS]!;
    s[at + REQUESTS_SUM] = s[at + REQUESTS_SUM]! + requests;
    s[at + INPUT_SUM] = s[at + INPUT_SUM]! + counts[INPUT]!;
    s[at + OUTPUT_SUM] = s[at + OUTPUT_SUM]! + counts[OUTPUT]!;
    s[at + CACHED_SUM] = s[at + CACHED_SUM]! + counts[CACHED]!;
    if (cells[RATE_LIMITED] === "t") s[at + LIMITED_SUM] = s[at + LIMITED_SUM]! + requests;
    s[at + ROWS_SUM] = s[at + ROWS_SUM]! + 1;
    if (ms < s[at + FIRST]!) s[at + FIRST] = ms;
    if (ms > s[at + LAST]!) s[at + LAST] = ms;
  }

  /** A new group's sums: zeros, first and last seen at `ms`. */
  private open(ms: number): number {
    const at = this.count++ * SUMS;
    if (at + SUMS > this.sums.length) {
      const grown = new Float64Array(this.sums.length * 2);
      grown.set(this.sums);
      this.sums = grown;
    }
    this.sums[at + FIRST] = ms;
    this.sums[at + LAST] = ms;
    return at;
  }

  private giveUp(): void {
    this.given = true;
    this.accounts.clear();
    this.sums = new Float64Array(0);
  }

  /** Every group: its hour, its key cells, and where its sums start. */
  private *groups(): Generator<[hour: number, cells: (string | null)[], at: number]> {
    for (const { all } of this.accounts.values())
      for (const { cells, hours } of all.values()) for (const [hour, at] of hours) yield [hour, cells, at];
  }

  /**
   * Whether every row was grouped, exactly: not given up, and every sum a whole number that a
   * double holds exactly (a sum only grows, so one that ends below 2^53 never went past).
   */
  complete(): boolean {
    if (this.given) return false;
    for (let i = 0; i < this.count * SUMS; i++) if (!Number.isSafeInteger(this.sums[i])) return false;
    return true;
  }

  /** The groups as COPY text (GROUP_COLUMNS), about `perChunk` a chunk. */
  async *text(perChunk = 10_000): AsyncGenerator<{ text: string; rows: number }> {
    let text = "";
    let rows = 0;
    let last: (string | null)[] | null = null;
    let key = "";
    for (const [hour, cells, at] of this.groups()) {
      if (cells !== last) [last, key] = [cells, cells.map(cellText).join("\t")];
      const s = this.sums;
      text += `${hour}\t${key}\t${s[at + FIRST]}\t${s[at + LAST]}\t${s[at + REQUESTS_SUM]}\t${s[at + INPUT_SUM]}\t${s[at + OUTPUT_SUM]}\t${s[at + CACHED_SUM]}\t${s[at + LIMITED_SUM]}\t${s[at + ROWS_SUM]}\n`;
      if (++rows === perChunk) {
        yield { text, rows };
        [text, rows] = ["", 0];
      }
    }
    if (rows) yield { text, rows };
  }
}
