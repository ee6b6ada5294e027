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

/** Each field's role (TGroupsSetup.fields) as a number: no string compared per field of every row. */
const [OTHER, TIME, INPUT, OUTPUT, CACHED, REQUESTS, LIMITED] = [0, 1, 2, 3, 4, 5, 6] as const;
const ROLE_CODES = {
  other: OTHER,
  time: TIME,
  input: INPUT,
  output: OUTPUT,
  cached: CACHED,
  requests: REQUESTS,
  limited: LIMITED,
};
const roles = Int8Array.from(fields, (role) => ROLE_CODES[role]);
const [INPUT_ALWAYS, OUTPUT_ALWAYS, CACHED_ALWAYS, REQUESTS_ALWAYS, LIMITED_ALWAYS] = constants;

/**
 * The distinct combinations, by their key: a row's key fields' bytes, lengths included, side by
 * side where the parse wrote them. Looked up there, in a table open-addressed by the bytes' hash,
 * so no row makes a string or an object of its own; each key's bytes are kept once, in `kept`.
 * Per combination: its key's hash, where its bytes start and how many, and the last hour a row of
 * it fell in, with that group's sums (rows of one combination mostly come hour after hour).
 */
let slots = new Int32Array(1 << 12).fill(-1);
let hashes = new Int32Array(1 << 10);
let starts = new Int32Array(1 << 10);
let lengths = new Int32Array(1 << 10);
let lastHour = new Float64Array(1 << 10);
let lastAt = new Int32Array(1 << 10);
/** Per combination: each hour it was seen in → where that group's sums start. */
let hoursOf: Map<number, number>[] = [];
let kept = Buffer.allocUnsafe(1 << 16);
let keptView = new DataView(kept.buffer, kept.byteOffset, kept.length);
let keptBytes = 0;
let combinations = 0;
/** Per group (a combination in an hour): its combination and hour, and its sums from `at`. */
let groupOf = new Int32Array(4_096);
let hourOf = new Float64Array(4_096);
let sums = new Float64Array(4_096 * sumsPerGroup);
let count = 0;
let given = false;

/** A signed 64-bit number at `p`, exact below 2^53. */
const int64 = (v: DataView, p: number) => v.getInt32(p) * TWO_32 + v.getUint32(p + 4);

/** A typed array `n` long holding `a`'s values (n ≥ its length). */
function grown<T extends Int32Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/**
 * MurmurHash3's 32-bit mixing of the bytes from `s` to `e`, read four at a time: keys that differ
 * in one byte land apart.
 */
function hashOf(v: DataView, s: number, e: number): number {
  let h = e - s;
  let p = s;
  for (; p + 4 <= e; p += 4) {
    let k = Math.imul(v.getInt32(p, true), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  for (; p < e; p++) h = Math.imul(h ^ v.getUint8(p), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Whether combination `c`'s key is the bytes from `s` to `e` (compared four at a time). */
function isKey(c: number, v: DataView, s: number, e: number): boolean {
  if (lengths[c] !== e - s) return false;
  let q = starts[c]!;
  let p = s;
  for (; p + 4 <= e; p += 4, q += 4) if (v.getInt32(p) !== keptView.getInt32(q)) return false;
  for (; p < e; p++, q++) if (v.getUint8(p) !== keptView.getUint8(q)) return false;
  return true;
}

/** Twice the slots, every combination placed again by its hash. */
function moreSlots(): void {
  slots = new Int32Array(slots.length * 2).fill(-1);
  const mask = slots.length - 1;
  for (let c = 0; c < combinations; c++) {
    let i = hashes[c]! & mask;
    while (slots[i] !== -1) i = (i + 1) & mask;
    slots[i] = c;
  }
}

/** The combination whose key is the bytes from `s` to `e` (a new one if none is). */
function combinationOf(b: Buffer, v: DataView, s: number, e: number): number {
  const h = hashOf(v, s, e);
  const mask = slots.length - 1;
  let i = h & mask;
  for (let c = slots[i]!; c !== -1; c = slots[i]!) {
    if (hashes[c] === h && isKey(c, v, s, e)) return c;
    i = (i + 1) & mask;
  }
  const c = combinations++;
  if (c === hashes.length) {
    const n = c * 2;
    [hashes, starts, lengths, lastAt] = [grown(hashes, n), grown(starts, n), grown(lengths, n), grown(lastAt, n)];
    lastHour = grown(lastHour, n);
  }
  if (keptBytes + (e - s) > kept.length) {
    const more = Buffer.allocUnsafe(Math.max(kept.length * 2, keptBytes + (e - s)));
    kept.copy(more, 0, 0, keptBytes);
    kept = more;
    keptView = new DataView(kept.buffer, kept.byteOffset, kept.length);
  }
  b.copy(kept, keptBytes, s, e);
  [hashes[c], starts[c], lengths[c], lastHour[c], lastAt[c]] = [h, keptBytes, e - s, NaN, -1];
  keptBytes += e - s;
  hoursOf.push(new Map());
  slots[i] = c;
  // At most half the slots taken: a search ends soon at an empty one.
  if (combinations * 2 > slots.length) moreSlots();
  return c;
}

/** A new group: of `combination` in `hour`, first and last seen at `ms`; answers where its sums start. */
function open(combination: number, hour: number, ms: number): number {
  // Room for it: by half again, not twice (less left unused once the groups end).
  if (count === groupOf.length) {
    const size = Math.ceil(groupOf.length * 1.5);
    groupOf = grown(groupOf, size);
    hourOf = grown(hourOf, size);
    sums = grown(sums, size * sumsPerGroup);
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
  hoursOf = [];
  kept = Buffer.alloc(0);
  sums = new Float64Array(0);
};

/** One batch of rows in COPY's binary format, each: its field count, then each field's length and bytes. */
function addRows(b: Buffer): void {
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  let p = 0;
  while (p < b.length && !given) {
    p += 2;
    let ms = 0;
    // One variable each (an array taken apart here would be made for every row).
    let input = INPUT_ALWAYS;
    let output = OUTPUT_ALWAYS;
    let cached = CACHED_ALWAYS;
    let requests = REQUESTS_ALWAYS;
    let limited = LIMITED_ALWAYS;
    let keyStart = p;
    let keyEnd = p;
    for (let f = 0; f < roles.length; f++) {
      const at = p;
      const length = view.getInt32(p);
      p += 4;
      if (f === keyFirst) keyStart = at;
      if (length > 0) {
        switch (roles[f]) {
          case OTHER:
            break;
          case TIME:
            ms = int64(view, p) / 1000 + PG_EPOCH_MS;
            break;
          case INPUT:
            input = int64(view, p);
            break;
          case OUTPUT:
            output = int64(view, p);
            break;
          case CACHED:
            cached = int64(view, p);
            break;
          case REQUESTS:
            requests = view.getInt32(p);
            break;
          case LIMITED:
            limited = view.getUint8(p);
            break;
        }
        p += length;
      }
      if (f === keyLast) keyEnd = p;
    }
    const c = combinationOf(b, view, keyStart, keyEnd);
    const hour = Math.floor(ms / HOUR_MS);
    let at = lastHour[c] === hour ? lastAt[c]! : (hoursOf[c]!.get(hour) ?? -1);
    if (at < 0) {
      if (count === limit) return giveUp();
      at = open(c, hour, ms);
      hoursOf[c]!.set(hour, at);
    }
    lastHour[c] = hour;
    lastAt[c] = at;
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

/** Combination `c`'s key cells, in keyColumns order: each field's text (an address as text), or null. */
function cellsOf(c: number): (string | null)[] {
  const cells: (string | null)[] = [];
  let p = starts[c]!;
  for (const column of keyColumns) {
    const length = keptView.getInt32(p);
    p += 4;
    if (length < 0) cells.push(null);
    else cells.push(column === "ip" ? inetText(kept.subarray(p, p + length)) : kept.toString("utf8", p, p + length));
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
    cells: Array.from({ length: combinations }, (_, c) => cellsOf(c)),
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
