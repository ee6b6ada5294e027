// Wall-clock times in a named IANA zone ↔ UTC instants, with Intl only (no date library).
// Shared by the server (parsing what was entered) and the client (showing it back), so it has
// no "server-only" import. Events are stored as UTC instants; the zone is only how they are
// entered and shown, and is always printed beside the time.

/**
 * The viewer's chosen zone, mirrored into a cookie by the client (components/timeline/
 * use-time-zone.ts) so that the server can draw the histogram in it on the first render.
 */
export const TIME_ZONE_COOKIE = "casebridge-tz";

// Seconds' fractions to the nanosecond, as logs and Python write them; kept to the millisecond.
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const formatters = new Map<string, Intl.DateTimeFormat>();
const FORMATTERS_KEPT = 200; // zone names come from users (cookie, query, import options): bounded
const ZONE_NAME_MAX = 64; // the longest IANA name is 32 characters

/** Events are kept between these instants (1970 to the end of 2199), typed or imported. */
export const EVENT_TIME_MIN = Date.UTC(1970, 0, 1);
export const EVENT_TIME_MAX = Date.UTC(2200, 0, 1);

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short", // year 0 and before come as "1 BC" and so on
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    if (formatters.size >= FORMATTERS_KEPT) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.length > ZONE_NAME_MAX) return false;
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's canonical IANA name as Intl spells it ("america/los_angeles" → "America/Los_Angeles",
 * "US/Pacific" → "America/Los_Angeles"), or null for an unknown zone or an offset ("+05:30",
 * which newer engines accept but PostgreSQL would read as a POSIX zone, sign inverted). For
 * handing a zone to the database, so that it and the browser apply the same rules.
 */
export function canonicalTimeZone(timeZone: string): string | null {
  if (!isValidTimeZone(timeZone)) return null;
  const name = partsFormatter(timeZone).resolvedOptions().timeZone;
  return /^[A-Za-z]/.test(name) ? name : null;
}

/** 400 Gregorian years, in milliseconds: the calendar repeats after them. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/**
 * Date.UTC for a calendar date and time as written, in any year: Date.UTC reads the years 0 to
 * 99 as 1900 to 1999, so a file's "0099-06-01" would become 1999 (in range, and wrong). Those are
 * computed 400 years later and moved back.
 */
export function utcMs(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (year >= 0 && year < 100)
    return Date.UTC(year + 400, monthIndex, day, hour, minute, second, ms) - FOUR_CENTURIES_MS;
  return Date.UTC(year, monthIndex, day, hour, minute, second, ms);
}

/** The zone's offset from UTC at `instant`, in minutes (America/Los_Angeles in winter: -480). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  // The usual zone of a shared timeline, and the default: no formatting needed (each call
  // otherwise formats the instant into parts, several times per row drawn).
  if (timeZone === "UTC") return 0;
  const p = Object.fromEntries(
    partsFormatter(timeZone)
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  const year = p.era === "BC" ? 1 - +p.year! : +p.year!;
  const asUtc = utcMs(year, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

export type TZonedResult = { ok: true; date: Date } | { ok: false; reason: string };

/**
 * The UTC instant of a wall-clock time (`2026-01-15T09:00`) in `timeZone`. A time skipped by a
 * daylight-saving jump does not exist and is refused (rather than silently moved); a time that
 * happens twice (clocks going back) is taken at its first occurrence, the earlier instant, as
 * Temporal's "compatible" disambiguation does — the offset shown beside it says which.
 */
export function zonedToUtc(local: string, timeZone: string): TZonedResult {
  const m = LOCAL.exec(local.trim());
  if (!m) return { ok: false, reason: "Enter the date and time as YYYY-MM-DD HH:MM." };
  if (!isValidTimeZone(timeZone)) return { ok: false, reason: `Unknown time zone "${timeZone}".` };
  const [, y, mo, d, h, mi, s, ms] = m;
  const wall = utcMs(+y!, +mo! - 1, +d!, +h!, +mi!, +(s ?? 0), +(ms ?? "0").slice(0, 3).padEnd(3, "0"));
  const check = new Date(wall);
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h! > 23 || +mi! > 59)
    return { ok: false, reason: "That date does not exist." };
  const [first] = instantsAt(wall, timeZone);
  if (first === undefined)
    return {
      ok: false,
      reason: `${local.replace("T", " ")} does not exist in ${timeZone}: the clocks skip that hour.`,
    };
  return { ok: true, date: new Date(first) };
}

/**
 * Every instant (ms) at which the zone's clocks show `wall` (that wall-clock time's ms read as
 * if it were UTC), earliest first: one usually, none when skipped, two when repeated. The
 * candidates are the wall time minus each offset the zone has around then.
 */
function instantsAt(wall: number, timeZone: string): number[] {
  const offsets = new Set([
    zoneOffsetMinutes(new Date(wall - 86_400_000), timeZone),
    zoneOffsetMinutes(new Date(wall + 86_400_000), timeZone),
    zoneOffsetMinutes(new Date(wall), timeZone),
  ]);
  return [...offsets]
    .map((off) => wall - off * 60_000)
    .filter((t) => zoneOffsetMinutes(new Date(t), timeZone) * 60_000 === wall - t)
    .sort((a, b) => a - b);
}

/**
 * The first instant at which the zone's clocks show `local` (`YYYY-MM-DDTHH:MM:SS`) or later:
 * where a bucket that starts at that wall-clock time starts. A repeated time gives its first
 * occurrence; a skipped one (midnight in zones that spring forward at midnight) gives the
 * moment the clocks jump past it.
 */
export function zonedStart(local: string, timeZone: string): Date {
  const wall = Date.parse(`${local}Z`);
  const [first] = instantsAt(wall, timeZone);
  if (first !== undefined) return new Date(first);
  // Skipped: the jump lies between the wall time read with the offset after it (too early)
  // and with the offset before it (the jump or later). Bisect to the millisecond.
  const after = zoneOffsetMinutes(new Date(wall + 86_400_000), timeZone);
  let lo = wall - after * 60_000;
  let hi = wall - zoneOffsetMinutes(new Date(wall - 86_400_000), timeZone) * 60_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffsetMinutes(new Date(mid), timeZone) === after) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** `2026-01-15T09:00` (for a datetime-local input) of an instant in a zone. */
export function utcToZonedInput(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** `YYYY-MM-DD` of the instant in the zone: the day an event is grouped under. */
export function zonedDay(instant: Date, timeZone: string): string {
  return utcToZonedInput(instant, timeZone).slice(0, 10);
}

/** `UTC-08:00`-style label of a zone's offset at an instant. */
export function offsetLabel(instant: Date, timeZone: string): string {
  const off = zoneOffsetMinutes(instant, timeZone);
  const abs = Math.abs(off);
  return `UTC${off < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** `2026-01-15 09:00 America/Los_Angeles (UTC-08:00)`: the zone is always visible. */
export function formatInZone(instant: Date, timeZone: string): string {
  return `${utcToZonedInput(instant, timeZone).replace("T", " ")} ${timeZone} (${offsetLabel(instant, timeZone)})`;
}

const SAMPLE_MS = 7 * 86_400_000;
const PERIODS_SPAN_MAX = EVENT_TIME_MAX - EVENT_TIME_MIN;

/**
 * The zone's UTC offsets over [from, to] as periods: the first starts at `from`, each next one at
 * the instant the offset changes (found to the millisecond; zones change at most a few times a
 * year, so weekly samples find each change). Lets SQL shift times with a short CASE over
 * instants instead of converting every row by zone name. Null for a span longer than events
 * may have (the caller converts in SQL instead).
 */
export function offsetPeriods(timeZone: string, from: Date, to: Date): { start: Date; offset: number }[] | null {
  if (to.getTime() - from.getTime() > PERIODS_SPAN_MAX) return null;
  const periods = [{ start: from, offset: zoneOffsetMinutes(from, timeZone) }];
  for (let t = from.getTime(); t < to.getTime();) {
    const next = Math.min(t + SAMPLE_MS, to.getTime());
    const current = periods.at(-1)!.offset;
    if (zoneOffsetMinutes(new Date(next), timeZone) !== current) {
      let [lo, hi] = [t, next]; // the offset at lo is current, at hi it is not
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (zoneOffsetMinutes(new Date(mid), timeZone) === current) lo = mid;
        else hi = mid;
      }
      periods.push({ start: new Date(hi), offset: zoneOffsetMinutes(new Date(hi), timeZone) });
      t = hi;
    } else t = next;
  }
  return periods;
}
