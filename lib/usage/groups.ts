import "server-only";
import { copyEscape } from "@/lib/db/copy";
import type { TCopyChunk } from "@/lib/db/copy";
import type { TUsageTarget } from "@/lib/usage/load";
import { AT, COUNTS, type TRowContext, type TUsageCells } from "@/lib/usage/parse";

/** An address's texts as PostgreSQL writes them: the host, and its network (/24 for IPv4, /48 for IPv6). */
export type TAddressTexts = ReadonlyMap<string, { host: string; network: string }>;

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
/** A combination's key cells, by position in KEY_CELLS. */
const [ACCOUNT_CELL, PROJECT, KEY, IP, MODEL, ENDPOINT, PAYMENT, DEVICE] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
/** The hourly rollup's sums: requests, input, output and cached tokens, rate-limited requests, rows. */
const HOURLY_SUMS = 6;
const RATE_LIMITED = AT.rateLimited;
/** A row's counts, by position in TRowContext.counts. */
const [INPUT, OUTPUT, CACHED, REQUESTS] = (["inputTokens", "outputTokens", "cachedTokens", "requests"] as const).map(
  (c) => COUNTS.indexOf(c),
) as [number, number, number, number];

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
      // By half again, not twice: less room left unused once the groups end.
      const grown = new Float64Array(Math.ceil((this.sums.length * 1.5) / SUMS) * SUMS);
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

  /**
   * Whether every row was grouped, exactly: not given up, and every sum a whole number that a
   * double holds exactly (a sum only grows, so one that ends below 2^53 never went past).
   */
  complete(): boolean {
    if (this.given) return false;
    for (let i = 0; i < this.count * SUMS; i++) if (!Number.isSafeInteger(this.sums[i])) return false;
    return true;
  }

  /** Every address the groups hold (as readUsageCells wrote it). */
  addresses(): Set<string> {
    const found = new Set<string>();
    for (const { all } of this.accounts.values())
      for (const { cells } of all.values()) if (cells[IP] !== null) found.add(cells[IP]!);
    return found;
  }

  /**
   * The import's hourly rollup as COPY text, in HOURLY_COLUMNS: the groups summed per hour ×
   * account × key × network × model × endpoint, each absent one as '' (as the rollup's key has
   * them), about `perChunk` rows a chunk. `addresses` gives each address's network.
   */
  async *hourly(addresses: TAddressTexts, perChunk = 10_000): AsyncGenerator<TCopyChunk> {
    // The rollup's own combinations, each with its hours → where its sums start.
    const rollup = new Map<string, { key: string; hours: Map<number, number> }>();
    // No more rollup rows than groups: sized once.
    const sums = new Float64Array(this.count * HOURLY_SUMS);
    let count = 0;
    const s = this.sums;
    for (const { all } of this.accounts.values())
      for (const { cells, hours } of all.values()) {
        const ip = cells[IP] ?? null;
        const parts = [
          cells[ACCOUNT_CELL],
          cells[KEY],
          ip === null ? null : addresses.get(ip)!.network,
          cells[MODEL],
          cells[ENDPOINT],
        ];
        const key = parts.map((v) => copyEscape(v ?? "")).join("\t");
        let combination = rollup.get(key);
        if (!combination) rollup.set(key, (combination = { key, hours: new Map() }));
        for (const [hour, at] of hours) {
          let to = combination.hours.get(hour);
          if (to === undefined) {
            to = count++ * HOURLY_SUMS;
            combination.hours.set(hour, to);
          }
          sums[to] = sums[to]! + s[at + REQUESTS_SUM]!;
          sums[to + 1] = sums[to + 1]! + s[at + INPUT_SUM]!;
          sums[to + 2] = sums[to + 2]! + s[at + OUTPUT_SUM]!;
          sums[to + 3] = sums[to + 3]! + s[at + CACHED_SUM]!;
          sums[to + 4] = sums[to + 4]! + s[at + LIMITED_SUM]!;
          sums[to + 5] = sums[to + 5]! + s[at + ROWS_SUM]!;
        }
      }
    let text = "";
    let rows = 0;
    for (const { key, hours } of rollup.values())
      for (const [hour, at] of hours) {
        text += `${new Date(hour * HOUR_MS).toISOString()}\t${key}\t${sums[at]}\t${sums[at + 1]}\t${sums[at + 2]}\t${sums[at + 3]}\t${sums[at + 4]}\t${sums[at + 5]}\n`;
        if (++rows === perChunk) {
          yield { text, rows };
          [text, rows] = ["", 0];
        }
      }
    if (rows) yield { text, rows };
  }

  /**
   * What each account was seen with, as COPY text in ATTRIBUTE_COLUMNS: per account (rows
   * without one are left out), kind and value, its first and last time and its requests.
   * `addresses` gives each address's host and network.
   */
  async *attributes(target: TUsageTarget, addresses: TAddressTexts): AsyncGenerator<TCopyChunk> {
    const s = this.sums;
    const ids = `${target.caseId}\t${target.importId}`;
    const time = (ms: number) => new Date(ms).toISOString();
    for (const { all } of this.accounts.values()) {
      const seen = new Map<string, [first: number, last: number, requests: number]>();
      let account: string | null = null;
      for (const { cells, hours } of all.values()) {
        account = cells[ACCOUNT_CELL]!;
        if (account === null) break;
        let [first, last, requests] = [Infinity, -Infinity, 0];
        for (const at of hours.values()) {
          first = Math.min(first, s[at + FIRST]!);
          last = Math.max(last, s[at + LAST]!);
          requests += s[at + REQUESTS_SUM]!;
        }
        const ip = cells[IP] === null ? null : addresses.get(cells[IP]!)!;
        const values: [string, string | null][] = [
          ["API_KEY", cells[KEY]!],
          ["PROJECT", cells[PROJECT]!],
          ["IP", ip?.host ?? null],
          ["NETWORK", ip?.network ?? null],
          ["PAYMENT", cells[PAYMENT]!],
          ["DEVICE", cells[DEVICE]!],
        ];
        for (const [kind, value] of values) {
          if (value === null) continue;
          const key = `${kind}\t${copyEscape(value)}`;
          const had = seen.get(key);
          if (!had) seen.set(key, [first, last, requests]);
          else {
            had[0] = Math.min(had[0], first);
            had[1] = Math.max(had[1], last);
            had[2] += requests;
          }
        }
      }
      if (account === null || seen.size === 0) continue;
      let text = "";
      const who = copyEscape(account);
      for (const [key, [first, last, requests]] of seen)
        text += `${ids}\t${who}\t${key}\t${time(first)}\t${time(last)}\t${requests}\n`;
      yield { text, rows: seen.size };
    }
  }
}
