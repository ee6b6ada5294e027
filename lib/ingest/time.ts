// Reading times out of files that other tools wrote (timeline imports, usage logs). A value is
// never silently read as something else: in the automatic format each value is read by its
// shape and, for epoch numbers, by its magnitude; in an explicit format a value whose magnitude
// fits another unit is refused with a reason naming that unit (never taken as 1970).
import { quoted } from "@/lib/ingest/secrets";
import { EVENT_TIME_MAX, EVENT_TIME_MIN, utcMs, zonedToUtc } from "@/lib/timeline/time";

export const TIME_FORMATS = [
  "auto",
  "iso",
  "epoch_s",
  "epoch_ms",
  "epoch_us",
  "epoch_ns",
  "clf",
  "rfc2822",
  "us_12h",
  "mdy",
] as const;
export type TTimeFormat = (typeof TIME_FORMATS)[number];
/** What a value was read as: every format but "auto". */
export type TReadAs = Exclude<TTimeFormat, "auto">;

/** The formats' names, times without an offset read in `zone` (the timeline's zone field, or UTC). */
export function timeFormatLabels(zone: string): Record<TTimeFormat, string> {
  return {
    // Short enough for a select on a phone; the shapes are the options below it.
    auto: "Automatic: each value by its shape (any below)",
    iso: `ISO 8601 (no offset: ${zone})`,
    epoch_s: "Unix epoch, seconds",
    epoch_ms: "Unix epoch, milliseconds",
    epoch_us: "Unix epoch, microseconds",
    epoch_ns: "Unix epoch, nanoseconds",
    clf: "Common log format (10/Oct/2000:13:55:36 -0700)",
    rfc2822: "RFC 2822 (Tue, 01 Dec 2026 07:41:05 +0000)",
    us_12h: `US 12-hour, in ${zone} (12/1/2026, 7:41:05.123 AM: Azure Log Analytics CSV)`,
    mdy: `Month/day/year, 24-hour, in ${zone} (04/20/2026 22:38:46: plaso l2tcsv date and time)`,
  };
}
export const TIME_FORMAT_LABELS = timeFormatLabels("the zone below");

/** A read format's short name, for counts ("ISO 8601 2 · epoch seconds 2"). */
export const TIME_FORMAT_SHORT: Record<TReadAs, string> = {
  iso: "ISO 8601",
  epoch_s: "epoch seconds",
  epoch_ms: "epoch milliseconds",
  epoch_us: "epoch microseconds",
  epoch_ns: "epoch nanoseconds",
  clf: "common log format",
  rfc2822: "RFC 2822",
  us_12h: "US 12-hour",
  mdy: "month/day/year",
};

type TEpochUnit = "epoch_s" | "epoch_ms" | "epoch_us" | "epoch_ns";
const UNIT_NAMES: Record<TEpochUnit, string> = {
  epoch_s: "seconds",
  epoch_ms: "milliseconds",
  epoch_us: "microseconds",
  epoch_ns: "nanoseconds",
};
/** Milliseconds per unit, and the magnitude band each unit's 1970–2286 values fall in. */
const UNITS: { unit: TEpochUnit; ms: number; below: number }[] = [
  { unit: "epoch_s", ms: 1e3, below: 1e10 },
  { unit: "epoch_ms", ms: 1, below: 1e13 },
  { unit: "epoch_us", ms: 1e-3, below: 1e16 },
  { unit: "epoch_ns", ms: 1e-6, below: 1e19 },
];

const NUMBER = /^-?\d+(\.\d+)?$/;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const CLF = /^\[?(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\]?$/;
const RFC2822 =
  /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|GMT|UTC?|Z)$/i;
const US_12H = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2}):(\d{2})(\.\d{1,3})?\s*([AP]M)$/i;
const MDY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;
const ISO_START = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|$)/i;
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

export type TTimeRead = { ok: true; date: Date; as: TReadAs } | { ok: false; reason: string };

const fail = (reason: string): TTimeRead => ({ ok: false, reason });
const quote = (v: string) => quoted(v);

/** The epoch unit a number's magnitude belongs to, or null when it fits none. */
function unitOf(n: number) {
  const size = Math.abs(n);
  return UNITS.find((u) => size < u.below) ?? null;
}

function readEpoch(v: string, format: "auto" | TEpochUnit): TTimeRead {
  if (!NUMBER.test(v))
    return fail(`${quote(v)} is not a number of ${UNIT_NAMES[format === "auto" ? "epoch_s" : format]}.`);
  const n = Number(v);
  const likely = unitOf(n);
  if (!likely) return fail(`${quote(v)} is too large for an epoch time in any unit.`);
  if (format !== "auto" && likely.unit !== format) {
    const asLikely = new Date(n * likely.ms);
    const when = Number.isNaN(asLikely.getTime()) ? "" : ` (${asLikely.toISOString()})`;
    return fail(
      `${quote(v)} looks like epoch ${UNIT_NAMES[likely.unit]}${when}, not ${UNIT_NAMES[format]}: check the time format.`,
    );
  }
  return { ok: true, date: new Date(Math.round(n * likely.ms)), as: likely.unit };
}

function readClf(v: string): TTimeRead {
  const m = CLF.exec(v);
  const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
  if (!m || month < 0) return fail(`${quote(v)} is not a common log format time (10/Oct/2000:13:55:36 -0700).`);
  const offset = (m[7] === "-" ? -1 : 1) * (+m[8]! * 60 + +m[9]!);
  return {
    ok: true,
    date: new Date(utcMs(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!) - offset * 60_000),
    as: "clf",
  };
}

function readRfc2822(v: string): TTimeRead {
  const m = RFC2822.exec(v);
  const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
  if (!m || month < 0) return fail(`${quote(v)} is not an RFC 2822 time (Tue, 01 Dec 2026 07:41:05 +0000).`);
  const zone = m[7]!.toUpperCase();
  const offset = /^[+-]/.test(zone) ? (zone[0] === "-" ? -1 : 1) * (+zone.slice(1, 3) * 60 + +zone.slice(3, 5)) : 0;
  const wall = utcMs(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  if (new Date(wall).getUTCDate() !== +m[1]!) return fail(`${quote(v)}: that date does not exist.`);
  return { ok: true, date: new Date(wall - offset * 60_000), as: "rfc2822" };
}

/** `12/1/2026, 7:41:05.123 AM`, as Azure Log Analytics writes times into a CSV export. */
function readUs12h(v: string, timeZone: string): TTimeRead {
  const m = US_12H.exec(v);
  if (!m || +m[4]! < 1 || +m[4]! > 12) return fail(`${quote(v)} is not a US 12-hour time (12/1/2026, 7:41:05 AM).`);
  const hour = (+m[4]! % 12) + (m[8]!.toUpperCase() === "PM" ? 12 : 0);
  const local = `${m[3]}-${m[1]!.padStart(2, "0")}-${m[2]!.padStart(2, "0")}T${String(hour).padStart(2, "0")}:${m[5]}:${m[6]}${m[7] ?? ""}`;
  const r = zonedToUtc(local, timeZone);
  return r.ok ? { ok: true, date: r.date, as: "us_12h" } : fail(`${quote(v)}: ${r.reason}`);
}

/** `04/20/2026 22:38:46`: plaso's l2tcsv `date` and `time` columns, joined; never guessed (day/month order). */
function readMdy(v: string, timeZone: string): TTimeRead {
  const m = MDY.exec(v);
  if (!m) return fail(`${quote(v)} is not a month/day/year time (04/20/2026 22:38:46).`);
  const local = `${m[3]}-${m[1]!.padStart(2, "0")}-${m[2]!.padStart(2, "0")}T${m[4]!.padStart(2, "0")}:${m[5]}:${m[6]}${(m[7] ?? "").slice(0, 4)}`;
  if (!dayExists(local)) return fail(`${quote(v)}: that date does not exist.`);
  const r = zonedToUtc(local, timeZone);
  return r.ok ? { ok: true, date: r.date, as: "mdy" } : fail(`${quote(v)}: ${r.reason}`);
}

function readIso(value: string, timeZone: string): TTimeRead {
  // ISO 8601 (and RFC 3339) allow a lower-case "t" and "z"; Date and zonedToUtc read upper case.
  const v = value.toUpperCase();
  if (!ISO_START.test(v)) return fail(`${quote(value)} is not an ISO 8601 time.`);
  if (HAS_OFFSET.test(v)) {
    if (!dayExists(v)) return fail(`${quote(value)}: that date does not exist.`);
    return { ok: true, date: new Date(v.replace(" ", "T")), as: "iso" };
  }
  const r = zonedToUtc(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00` : v, timeZone);
  if (!r.ok) return fail(r.reason.startsWith("Enter") ? `${quote(value)} is not an ISO 8601 time.` : r.reason);
  return { ok: true, date: r.date, as: "iso" };
}

/** Below this, a bare number may be a compact date (20261201) as well as 1970's seconds. */
const AUTO_EPOCH_MIN = 1e8;

/** The shape most machine logs write (`2026-11-02T10:00:00.123Z`): parsed without the ladder below. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The days in `month` (1–12) of `year`, in the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** JavaScript moves 30 February to 2 March; a time that names a day that does not exist is refused. */
function dayExists(v: string): boolean {
  const [y, m, d] = [+v.slice(0, 4), +v.slice(5, 7), +v.slice(8, 10)];
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** The number written by `count` ASCII digits of `v` from `at` (the caller has checked them). */
function digitsAt(v: string, at: number, count: number): number {
  let x = 0;
  for (let i = at; i < at + count; i++) x = x * 10 + v.charCodeAt(i) - 48;
  return x;
}

/** Like ISO_UTC, with at most milliseconds: such a value is its own canonical text for a timestamp(3). */
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/**
 * The bulk loader's shortcut for the shape nearly every machine log writes: the epoch
 * milliseconds of `2026-11-02T10:00:00.123Z` exactly as readTime would read it ("auto" or
 * "iso"), or null when the value has another shape or is not a valid time (then readTime
 * gives the answer and the reason).
 */
export function readIsoUtcMs(v: string): number | null {
  if (v.length < 20 || v.length > 24) return null;
  // Logs run in time order: most rows fall in the minute the row before did, already read and
  // checked. Then only the seconds and their fraction are read.
  if (lastMinute !== "" && v.startsWith(lastMinute)) {
    const ms = msInMinute(v);
    if (ms >= 0) {
      const t = lastMinuteMs + ms;
      return t >= EVENT_TIME_MIN && t < EVENT_TIME_MAX ? t : null;
    }
  }
  if (!ISO_UTC_MS.test(v)) return null;
  // The fields by their digits: no Date.parse and no substrings, for millions of rows.
  const year = digitsAt(v, 0, 4);
  const month = digitsAt(v, 5, 2);
  const day = digitsAt(v, 8, 2);
  const hour = digitsAt(v, 11, 2);
  const minute = digitsAt(v, 14, 2);
  const second = digitsAt(v, 17, 2);
  const fraction = v.length - 21; // digits after the point (1 to 3), or none
  const ms = fraction > 0 ? digitsAt(v, 20, fraction) * 10 ** (3 - fraction) : 0;
  // Anything unusual (24:00, a leap second, a year before 1970) gets readTime's own answer.
  if (hour > 23 || minute > 59 || second > 59) return null;
  // Logs run in time order: most rows fall on the day the one before did, already checked.
  const date = year * 10_000 + month * 100 + day;
  if (date !== lastDate) {
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
    lastDayMs = utcMs(year, month - 1, day);
    lastDate = date;
  }
  lastMinute = v.slice(0, 16);
  lastMinuteMs = lastDayMs + hour * 3_600_000 + minute * 60_000;
  const t = lastMinuteMs + second * 1_000 + ms;
  return t >= EVENT_TIME_MIN && t < EVENT_TIME_MAX ? t : null;
}
/** The last day readIsoUtcMs read (yyyymmdd), and its start in milliseconds since 1970. */
let lastDate = -1;
let lastDayMs = 0;
/** The last minute it read (`2026-11-02T10:00`), and its start. */
let lastMinute = "";
let lastMinuteMs = 0;

/**
 * The milliseconds into its minute of a time whose first 16 characters are a minute already
 * read: `:ss` and `.f` to `.fff`, then `Z`, exactly as ISO_UTC_MS has them; else -1.
 */
function msInMinute(v: string): number {
  const n = v.length;
  if (v.charCodeAt(16) !== 58 || v.charCodeAt(n - 1) !== 90 || n === 21) return -1; // ":", "Z"
  const tens = v.charCodeAt(17) - 48;
  const units = v.charCodeAt(18) - 48;
  if (tens < 0 || tens > 5 || units < 0 || units > 9) return -1;
  let fraction = 0;
  if (n > 20) {
    if (v.charCodeAt(19) !== 46) return -1; // "."
    for (let i = 20; i < n - 1; i++) {
      const d = v.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      fraction = fraction * 10 + d;
    }
    fraction *= 10 ** (3 - (n - 21));
  }
  return (tens * 10 + units) * 1_000 + fraction;
}

function readAuto(v: string, timeZone: string): TTimeRead {
  if (ISO_UTC.test(v)) return readIso(v, timeZone);
  if (NUMBER.test(v)) {
    if (Math.abs(Number(v)) < AUTO_EPOCH_MIN)
      return fail(`${quote(v)} is too short to tell which time it is: choose the time format explicitly.`);
    return readEpoch(v, "auto");
  }
  if (CLF.test(v)) return readClf(v);
  if (RFC2822.test(v)) return readRfc2822(v);
  if (US_12H.test(v)) return readUs12h(v, timeZone);
  if (ISO_START.test(v)) return readIso(v, timeZone);
  return fail(`${quote(v)} is not a time in any known format (ISO 8601, epoch, RFC 2822, common log format).`);
}

/**
 * One value in `format`; times without an offset are read in `timeZone`. Between 1970 and 2199
 * (an event's time), unless `anyYear` (a query's date: the caller checks its own range).
 */
export function readTime(
  value: string,
  format: TTimeFormat,
  timeZone: string,
  { anyYear = false }: { anyYear?: boolean } = {},
): TTimeRead {
  const v = value.trim();
  if (!v) return fail("The time is empty.");
  const r =
    format === "auto"
      ? readAuto(v, timeZone)
      : format === "clf"
        ? readClf(v)
        : format === "rfc2822"
          ? readRfc2822(v)
          : format === "us_12h"
            ? readUs12h(v, timeZone)
            : format === "mdy"
              ? readMdy(v, timeZone)
              : format === "iso"
                ? readIso(v, timeZone)
                : readEpoch(v, format);
  if (!r.ok) return r;
  const t = r.date.getTime();
  if (Number.isNaN(t)) return fail(`${quote(v)} is not a valid time.`);
  if (!anyYear && (t < EVENT_TIME_MIN || t >= EVENT_TIME_MAX))
    return fail(`${r.date.toISOString()} is outside 1970–2199: check the time format.`);
  return r;
}
