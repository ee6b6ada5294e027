import "server-only";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { BinaryRows, copyEscape, type TCopyChunk } from "@/lib/db/copy";
import { builtByNext } from "@/lib/env";
import type { TUsageTarget } from "@/lib/usage/load";
import { AT, GROUP_KEY, USAGE_COLUMNS } from "@/lib/usage/parse";

/** An address's texts as PostgreSQL writes them: the host, and its network (/24 for IPv4, /48 for IPv6). */
export type TAddressTexts = ReadonlyMap<string, { host: string; network: string }>;

// An import's rows grouped as they are read, for its rollups: per hour and distinct combination
// of account, project, key, address, model, endpoint, payment instrument and device. Logs repeat
// those combinations for thousands of requests, so the groups are a small fraction of the rows,
// and the hourly rollup and the accounts' attributes are then written from the groups
// (lib/usage/load.ts) rather than by two more scans of every row in the database. The counting
// runs on a thread of its own (lib/usage/groups.worker.ts), which reads the rows the parse wrote
// for COPY's binary format: the parse, which bounds the import, hands over each batch and goes
// on, and the thread takes its time on the core the server's COPY leaves half idle (a sixth of
// the parse's time, counted beside it). Past `limit` groups (memory stays bounded), a sum past
// what a double holds exactly, or a thread that fails, the groups are given up and the database
// groups the loaded rows instead (writeImportGroups): the same groups, more slowly.

/** What each binary field is to the groups (lib/usage/groups.worker.ts); a key field is found by position. */
type TFieldRole = "time" | "input" | "output" | "cached" | "requests" | "limited" | "other";
const ROLE: Partial<Record<(typeof USAGE_COLUMNS)[number], TFieldRole>> = {
  occurredAt: "time",
  inputTokens: "input",
  outputTokens: "output",
  cachedTokens: "cached",
  requests: "requests",
  rateLimited: "limited",
};

/** Each group's sums, in a run of SUMS numbers: what each holds, by offset. */
const SUM_AT = { requests: 0, input: 1, output: 2, cached: 3, limited: 4, rows: 5, first: 6, last: 7 } as const;
const SUMS = 8;

/** What the counting thread is told: how to read a row, and how far to go. */
export type TGroupsSetup = {
  /** Each field of a row, the ordinal and line first. */
  fields: TFieldRole[];
  /** The fields of a group's key, side by side (CopyLayout writes them so): the first, the last (-1: none). */
  keyFirst: number;
  keyLast: number;
  /** The columns of those fields, in order. */
  keyColumns: (typeof GROUP_KEY)[number][];
  /** Input, output and cached tokens, requests, and rate-limited (1 or 0), where a column is not written. */
  constants: [number, number, number, number, number];
  limit: number;
  sumsPerGroup: number;
  sumAt: typeof SUM_AT;
};

/** What it answers once every batch is counted. */
export type TGroupsResult =
  | { complete: false }
  | {
      complete: true;
      /** Each combination's key cells, in keyColumns order (an address as text; null where absent). */
      cells: (string | null)[][];
      /** How many groups; per group (the arrays may hold more room): its combination, its hour (since 1970), and its sums (SUMS each). */
      count: number;
      groupOf: Int32Array;
      hourOf: Float64Array;
      sums: Float64Array;
    };

/**
 * Rows are handed over this many bytes at a time (a file is read 64 KB a batch: one message
 * each would cost more than the copy that gathers them), moved to the thread, not copied.
 */
const HAND_OVER_BYTES = 2 << 20;
/** What a hand-over's buffer holds: the rows gathered, and a batch more (one larger gets a buffer its size). */
const GATHER_BYTES = HAND_OVER_BYTES + (1 << 20);
/**
 * The thread's young generation, where the key it reads from each row lives and dies: 4 MB,
 * not V8's default of three times 16, so the process stays further from its memory target.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 4 };
/** Handed over and not yet counted, at most: the parse waits past that (memory stays bounded). */
const MAX_WAITING = 4;

/** A combination's key cells, by position in GROUP_KEY. */
const [ACCOUNT, PROJECT, KEY, IP, MODEL, ENDPOINT, PAYMENT, DEVICE] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
const HOUR_MS = 3_600_000;
/** The counting thread's source, beside this one: where the app runs unbuilt. */
const WORKER_FILE = fileURLToPath(import.meta.url).replace(/\.ts$/, ".worker.ts");
/** The hourly rollup's sums: requests, input, output and cached tokens, rate-limited requests, rows. */
const HOURLY_SUMS = 6;

export class UsageGroups {
  /** At most 38 MB of sums (numbers in typed arrays, out of the collector's way). */
  static readonly LIMIT = 500_000;
  private readonly worker: Worker;
  private readonly keyColumns: (typeof GROUP_KEY)[number][];
  private gathered: Buffer = Buffer.allocUnsafe(GATHER_BYTES);
  private used = 0;
  /** Buffers the thread gave back once counted: used again, not new memory for every hand-over. */
  private readonly spare: Buffer[] = [];
  private waiting = 0;
  private counted: (() => void) | null = null;
  private answered: ((result: TGroupsResult) => void) | null = null;
  private failed = false;
  private closed = false;
  private grouped: Promise<Grouped | null> | null = null;

  /**
   * Groups for rows written in COPY's binary format with `written` (USAGE_COLUMNS positions,
   * after each row's ordinal and line; CopyLayout.groups), the rest of the columns `constants`.
   */
  constructor(written: readonly number[], constants: ReadonlyMap<number, string | null>, limit = UsageGroups.LIMIT) {
    const columns = written.map((i) => USAGE_COLUMNS[i]!);
    const keyAt = columns.flatMap((c, f) => ((GROUP_KEY as readonly string[]).includes(c) ? [f + 2] : []));
    if (keyAt.some((f, k) => k > 0 && f !== keyAt[k - 1]! + 1))
      throw new Error("A group's key columns must be written side by side.");
    const constant = (c: (typeof USAGE_COLUMNS)[number]) => Number(constants.get(AT[c]) ?? 0);
    const setup: TGroupsSetup = {
      fields: ["other", "other", ...columns.map((c) => ROLE[c] ?? "other")],
      keyFirst: keyAt[0] ?? -1,
      keyLast: keyAt.at(-1) ?? -1,
      keyColumns: (this.keyColumns = GROUP_KEY.filter((c) => columns.includes(c))),
      constants: [
        constant("inputTokens"),
        constant("outputTokens"),
        constant("cachedTokens"),
        constant("requests"),
        constants.get(AT.rateLimited) === "t" ? 1 : 0,
      ],
      limit,
      sumsPerGroup: SUMS,
      sumAt: SUM_AT,
    };
    this.worker = builtByNext()
      ? new Worker(new URL("./groups.worker.ts", import.meta.url), { workerData: setup, resourceLimits: THREAD_LIMITS }) // a chunk of its own
      : // Under tsx or Vitest, the TypeScript file itself, compiled by tsx's require (tsx's import
        // hooks do not reach a thread's entry on Node 20).
        new Worker(`require("tsx/cjs/api").require(${JSON.stringify(WORKER_FILE)}, __filename)`, {
          eval: true,
          workerData: setup,
          resourceLimits: THREAD_LIMITS,
        });
    // Never what keeps the process up; ended with the groups (close).
    this.worker.unref();
    this.worker.on("message", (m: { counted: ArrayBuffer } | TGroupsResult) => {
      if (!("counted" in m)) return this.answered?.(m);
      this.spare.push(Buffer.from(m.counted));
      this.waiting--;
      this.counted?.();
    });
    this.worker.on("error", (error) => {
      console.error("[usage] the groups' thread failed; the database groups the rows instead:", error);
      this.stopped();
    });
    this.worker.on("exit", () => {
      if (!this.closed && !this.failed)
        console.error("[usage] the groups' thread ended early; the database groups the rows instead.");
      this.stopped();
    });
  }

  /** The thread is gone (failed, ended, or closed): the groups are given up, unless they were answered. */
  private stopped(): void {
    this.failed = true;
    this.counted?.();
    this.answered?.({ complete: false });
  }

  /** Takes a batch of rows (COPY's binary format); waits while MAX_WAITING hand-overs are not yet counted. */
  async add(rows: Buffer): Promise<void> {
    if (this.failed || this.grouped) return;
    if (this.used + rows.length > this.gathered.length) await this.handOver(rows.length);
    rows.copy(this.gathered, this.used);
    this.used += rows.length;
    if (this.used >= HAND_OVER_BYTES) await this.handOver();
  }

  /** Moves the rows gathered to the thread (a buffer this size has its memory to itself, Buffer.allocUnsafe). */
  private post(): void {
    if (this.used === 0) return;
    const { buffer } = this.gathered;
    this.worker.postMessage({ buffer, length: this.used }, [buffer as ArrayBuffer]);
    this.waiting++;
    this.used = 0;
  }

  /** Hands the rows gathered over, and makes room for at least `next` bytes more. */
  private async handOver(next = 0): Promise<void> {
    this.post();
    const spare = this.spare.pop();
    this.gathered = spare && spare.length >= next ? spare : Buffer.allocUnsafe(Math.max(GATHER_BYTES, next));
    while (this.waiting > MAX_WAITING && !this.failed) await new Promise<void>((go) => (this.counted = go));
    this.counted = null;
  }

  /** The groups once every row taken is counted; null when they were given up. */
  private result(): Promise<Grouped | null> {
    this.grouped ??= new Promise<Grouped | null>((resolve) => {
      if (this.failed) return resolve(null);
      this.post();
      this.answered = (m) => {
        resolve(m.complete ? new Grouped(this.keyColumns, m) : null);
        this.close();
      };
      this.worker.postMessage("end");
    });
    return this.grouped;
  }

  /** Whether every row was grouped, exactly (then the rollups are written from the groups). */
  async complete(): Promise<boolean> {
    return (await this.result()) !== null;
  }

  /** Ends the counting thread, wherever it is (a failed or cancelled import); the groups answered stay. */
  close(): void {
    this.closed = true;
    void this.worker.terminate();
  }

  /** Every address the groups hold. Only when complete. */
  async addresses(): Promise<Set<string>> {
    return (await this.whole()).addresses();
  }

  /** See Grouped.hourly. Only when complete. */
  async *hourly(addresses: TAddressTexts, binary: boolean, perChunk = 10_000): AsyncGenerator<TCopyChunk> {
    yield* (await this.whole()).hourly(addresses, binary, perChunk);
  }

  /** See Grouped.attributes. Only when complete. */
  async *attributes(target: TUsageTarget, addresses: TAddressTexts): AsyncGenerator<TCopyChunk> {
    yield* (await this.whole()).attributes(target, addresses);
  }

  private async whole(): Promise<Grouped> {
    const grouped = await this.result();
    if (!grouped) throw new Error("The groups were given up: the rollups are written from the groups table.");
    return grouped;
  }
}

/** The counted groups. */
class Grouped {
  /** Each combination's cells, by position in GROUP_KEY (null where absent or not written). */
  private readonly cells: (string | null)[][];
  private readonly groupOf: Int32Array;
  private readonly hourOf: Float64Array;
  private readonly sums: Float64Array;

  constructor(keyColumns: readonly (typeof GROUP_KEY)[number][], r: Extract<TGroupsResult, { complete: true }>) {
    const from = GROUP_KEY.map((c) => keyColumns.indexOf(c));
    this.cells = r.cells.map((read) => from.map((k) => (k < 0 ? null : read[k]!)));
    this.groupOf = r.groupOf.subarray(0, r.count);
    this.hourOf = r.hourOf.subarray(0, r.count);
    this.sums = r.sums.subarray(0, r.count * SUMS);
  }

  addresses(): Set<string> {
    const found = new Set<string>();
    for (const cells of this.cells) if (cells[IP] !== null) found.add(cells[IP]!);
    return found;
  }

  /**
   * The import's hourly rollup in HOURLY_COLUMNS, in COPY's binary format or as its text: the
   * groups summed per hour × account × key × network × model × endpoint, each absent one as ''
   * (as the rollup's key has them), about `perChunk` rows a chunk. `addresses` gives each
   * address's network.
   */
  async *hourly(addresses: TAddressTexts, binary: boolean, perChunk: number): AsyncGenerator<TCopyChunk> {
    // Each combination's key in the rollup (no cell holds a NUL); then per key, each hour's sums.
    const keyOf = this.cells.map((cells) => {
      const ip = cells[IP] ?? null;
      const network = ip === null ? null : addresses.get(ip)!.network;
      return [cells[ACCOUNT], cells[KEY], network, cells[MODEL], cells[ENDPOINT]].map((v) => v ?? "").join("\0");
    });
    const rollup = new Map<string, Map<number, number>>();
    // No more rollup rows than groups: sized once.
    const sums = new Float64Array(this.groupOf.length * HOURLY_SUMS);
    let count = 0;
    const s = this.sums;
    for (let g = 0; g < this.groupOf.length; g++) {
      const key = keyOf[this.groupOf[g]!]!;
      let hours = rollup.get(key);
      if (!hours) rollup.set(key, (hours = new Map()));
      let to = hours.get(this.hourOf[g]!);
      if (to === undefined) hours.set(this.hourOf[g]!, (to = count++ * HOURLY_SUMS));
      const at = g * SUMS;
      sums[to] = sums[to]! + s[at + SUM_AT.requests]!;
      sums[to + 1] = sums[to + 1]! + s[at + SUM_AT.input]!;
      sums[to + 2] = sums[to + 2]! + s[at + SUM_AT.output]!;
      sums[to + 3] = sums[to + 3]! + s[at + SUM_AT.cached]!;
      sums[to + 4] = sums[to + 4]! + s[at + SUM_AT.limited]!;
      sums[to + 5] = sums[to + 5]! + s[at + SUM_AT.rows]!;
    }
    const w = new BinaryRows();
    let text = "";
    let rows = 0;
    for (const [key, hours] of rollup) {
      const parts = key.split("\0");
      const escaped = binary ? "" : parts.map(copyEscape).join("\t");
      for (const [hour, at] of hours) {
        if (binary) {
          w.fields(1 + parts.length + HOURLY_SUMS);
          w.timestamp(hour * HOUR_MS);
          for (const part of parts) w.text(part);
          for (let k = 0; k < HOURLY_SUMS - 1; k++) w.int8(sums[at + k]!);
          w.int4(sums[at + HOURLY_SUMS - 1]!);
        } else
          text += `${new Date(hour * HOUR_MS).toISOString()}\t${escaped}\t${sums[at]}\t${sums[at + 1]}\t${sums[at + 2]}\t${sums[at + 3]}\t${sums[at + 4]}\t${sums[at + 5]}\n`;
        if (++rows === perChunk) {
          yield binary ? { binary: w.take(), rows } : { text, rows };
          [text, rows] = ["", 0];
        }
      }
    }
    if (rows) yield binary ? { binary: w.take(), rows } : { text, rows };
  }

  /**
   * What each account was seen with, as COPY text in ATTRIBUTE_COLUMNS: per account (rows
   * without one are left out), kind and value, its first and last time and its requests.
   * `addresses` gives each address's host and network.
   */
  async *attributes(target: TUsageTarget, addresses: TAddressTexts): AsyncGenerator<TCopyChunk> {
    // Each combination's first and last time and its requests, over its hours.
    const n = this.cells.length;
    const [first, last, requests] = [
      new Float64Array(n).fill(Infinity),
      new Float64Array(n).fill(-Infinity),
      new Float64Array(n),
    ];
    const s = this.sums;
    for (let g = 0; g < this.groupOf.length; g++) {
      const [c, at] = [this.groupOf[g]!, g * SUMS];
      first[c] = Math.min(first[c]!, s[at + SUM_AT.first]!);
      last[c] = Math.max(last[c]!, s[at + SUM_AT.last]!);
      requests[c] = requests[c]! + s[at + SUM_AT.requests]!;
    }
    const byAccount = new Map<string, number[]>();
    this.cells.forEach((cells, c) => {
      const account = cells[ACCOUNT];
      if (account === null || account === undefined) return;
      const all = byAccount.get(account);
      if (all) all.push(c);
      else byAccount.set(account, [c]);
    });
    const ids = `${target.caseId}\t${target.importId}`;
    const time = (ms: number) => new Date(ms).toISOString();
    for (const [account, combinations] of byAccount) {
      const seen = new Map<string, [first: number, last: number, requests: number]>();
      for (const c of combinations) {
        const cells = this.cells[c]!;
        const ip = cells[IP] ? addresses.get(cells[IP])! : null;
        const values: [string, string | null | undefined][] = [
          ["API_KEY", cells[KEY]],
          ["PROJECT", cells[PROJECT]],
          ["IP", ip?.host],
          ["NETWORK", ip?.network],
          ["PAYMENT", cells[PAYMENT]],
          ["DEVICE", cells[DEVICE]],
        ];
        for (const [kind, value] of values) {
          if (value === null || value === undefined) continue;
          const key = `${kind}\t${copyEscape(value)}`;
          const had = seen.get(key);
          if (!had) seen.set(key, [first[c]!, last[c]!, requests[c]!]);
          else {
            had[0] = Math.min(had[0], first[c]!);
            had[1] = Math.max(had[1], last[c]!);
            had[2] += requests[c]!;
          }
        }
      }
      if (seen.size === 0) continue;
      let text = "";
      const who = copyEscape(account);
      for (const [key, [from, to, n]] of seen) text += `${ids}\t${who}\t${key}\t${time(from)}\t${time(to)}\t${n}\n`;
      yield { text, rows: seen.size };
    }
  }
}
