// The usage import's groups (lib/usage/groups.ts), counted on a thread of their own: the parse
// hands over each batch of rows as it wrote them for COPY's binary format, and this thread reads
// back only what a group needs. It imports nothing: it runs where the app was built (a chunk of
// its own), under tsx, and under Vitest alike.
import { parentPort, workerData } from "node:worker_threads";
import type { TGroupsSetup, TGroupsResult } from "@/lib/usage/groups";

const { fields, keyFirst, keyLast, keyColumns, constants, limit, sumsPerGroup, sumAt } = workerData as TGroupsSetup;
const HOUR_MS = 3_600_000;
/** PostgreSQL's timestamps count microseconds from 2000-01-01. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 4_294_967_296;

type TCombination = { index: number; hours: Map<number, number>; hour: number; at: number };

/** Distinct key → its combination; the keys in the order they were first seen. */
const combinations = new Map<string, TCombination>();
const keys: string[] = [];
/** Per group (a combination in an hour): its combination and hour, and its sums from `at`. */
let groupOf = new Int32Array(4_096);
let hourOf = new Float64Array(4_096);
let sums = new Float64Array(4_096 * sumsPerGroup);
let count = 0;
let given = false;

const int32 = (b: Buffer, p: number) => (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
/** A signed 64-bit number at `p`, exact below 2^53. */
const int64 = (b: Buffer, p: number) => int32(b, p) * TWO_32 + (int32(b, p + 4) >>> 0);

/** A new group: of `combination` in `hour`, first and last seen at `ms`; answers where its sums start. */
function open(combination: number, hour: number, ms: number): number {
  // Room for it: by half again, not twice (less left unused once the groups end).
  if (count === groupOf.length) {
    const size = Math.ceil(groupOf.length * 1.5);
    const grow = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    groupOf = grow(groupOf, size);
    hourOf = grow(hourOf, size);
    sums = grow(sums, size * sumsPerGroup);
  }
  groupOf[count] = combination;
  hourOf[count] = hour;
  const at = count++ * sumsPerGroup;
  sums[at + sumAt.first] = ms;
  sums[at + sumAt.last] = ms;
  return at;
}

const giveUp = () => {
  given = true;
  combinations.clear();
  keys.length = 0;
  sums = new Float64Array(0);
};

/** One batch of rows in COPY's binary format, each: its field count, then each field's length and bytes. */
function addRows(b: Buffer): void {
  let p = 0;
  while (p < b.length && !given) {
    p += 2;
    let ms = 0;
    let [input, output, cached, requests, limited] = constants;
    let keyStart = p;
    let keyEnd = p;
    for (let f = 0; f < fields.length; f++) {
      const at = p;
      const length = int32(b, p);
      p += 4;
      if (f === keyFirst) keyStart = at;
      if (length > 0) {
        switch (fields[f]) {
          case "time":
            ms = int64(b, p) / 1000 + PG_EPOCH_MS;
            break;
          case "input":
            input = int64(b, p);
            break;
          case "output":
            output = int64(b, p);
            break;
          case "cached":
            cached = int64(b, p);
            break;
          case "requests":
            requests = int32(b, p);
            break;
          case "limited":
            limited = b[p]!;
            break;
        }
        p += length;
      }
      if (f === keyLast) keyEnd = p;
    }
    // The key fields' bytes, lengths included, one character a byte: equal keys, equal strings.
    const key = b.toString("latin1", keyStart, keyEnd);
    let combination = combinations.get(key);
    if (!combination) {
      combination = { index: keys.length, hours: new Map(), hour: NaN, at: -1 };
      combinations.set(key, combination);
      keys.push(key);
    }
    const hour = Math.floor(ms / HOUR_MS);
    let at = combination.hour === hour ? combination.at : (combination.hours.get(hour) ?? -1);
    if (at < 0) {
      if (count === limit) return giveUp();
      at = open(combination.index, hour, ms);
      combination.hours.set(hour, at);
    }
    combination.hour = hour;
    combination.at = at;
    sums[at + sumAt.requests] = sums[at + sumAt.requests]! + requests!;
    sums[at + sumAt.input] = sums[at + sumAt.input]! + input!;
    sums[at + sumAt.output] = sums[at + sumAt.output]! + output!;
    sums[at + sumAt.cached] = sums[at + sumAt.cached]! + cached!;
    if (limited) sums[at + sumAt.limited] = sums[at + sumAt.limited]! + requests!;
    sums[at + sumAt.rows] = sums[at + sumAt.rows]! + 1;
    if (ms < sums[at + sumAt.first]!) sums[at + sumAt.first] = ms;
    if (ms > sums[at + sumAt.last]!) sums[at + sumAt.last] = ms;
  }
}

/** An inet's bytes (family, bits, is-a-network, size, address) as text PostgreSQL reads back. */
function inetText(b: Buffer): string {
  if (b[3] === 4) return `${b[4]}.${b[5]}.${b[6]}.${b[7]}`;
  const words: string[] = [];
  for (let i = 4; i < 20; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return words.join(":");
}

/** A key's cells, in keyColumns order: each field's text (an address as text), or null. */
function cellsOf(key: string): (string | null)[] {
  const b = Buffer.from(key, "latin1");
  const cells: (string | null)[] = [];
  let p = 0;
  for (const column of keyColumns) {
    const length = int32(b, p);
    p += 4;
    if (length < 0) cells.push(null);
    else cells.push(column === "ip" ? inetText(b.subarray(p, p + length)) : b.toString("utf8", p, p + length));
    p += Math.max(length, 0);
  }
  return cells;
}

function result(): TGroupsResult {
  // Every sum a whole number a double holds exactly (a sum only grows: one that ends below 2^53
  // never went past).
  const exact = !given && sums.subarray(0, count * sumsPerGroup).every((s) => Number.isSafeInteger(s));
  if (!exact) return { complete: false };
  return {
    complete: true,
    cells: keys.map(cellsOf),
    count,
    // Moved whole, room to spare and all (Grouped reads the first `count`): nothing copied.
    groupOf,
    hourOf,
    sums,
  };
}

parentPort!.on("message", (message: { buffer: ArrayBuffer; length: number } | "end") => {
  if (message === "end") {
    const r = result();
    parentPort!.postMessage(r, r.complete ? [r.groupOf, r.hourOf, r.sums].map((a) => a.buffer as ArrayBuffer) : []);
    return;
  }
  addRows(Buffer.from(message.buffer, 0, message.length));
  // Given back, for the next rows.
  parentPort!.postMessage({ counted: message.buffer }, [message.buffer]);
});
