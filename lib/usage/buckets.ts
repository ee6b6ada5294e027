// The time buckets of the usage charts (the Usage tab's, the brief's): UTC hours, days, weeks
// (from Monday, as PostgreSQL's date_trunc) and months. A chart's axis has every bucket from
// its first to its last, the empty ones too: left out, a quiet month would not show, and a
// stray row years away would sit next to the rest as if it were the next bucket.

export type TTimeBucket = "hour" | "day" | "week" | "month";

/** No axis is filled past this many buckets (the bucket widths chosen keep well under it). */
const MAX_BUCKETS = 5_000;

/** The start of the bucket after the one that starts at `t`. */
export function nextBucket(t: Date, bucket: TTimeBucket): Date {
  switch (bucket) {
    case "hour":
      return new Date(t.getTime() + 3_600_000);
    case "day":
      return new Date(t.getTime() + 86_400_000);
    case "week":
      return new Date(t.getTime() + 7 * 86_400_000);
    case "month":
      return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
  }
}

/**
 * `points` (in time order, `t` as `key` writes a bucket's start) with a point made by `empty`
 * for each bucket between the first and the last that has none.
 */
export function withEmptyBuckets<T extends { t: string }>(
  points: T[],
  bucket: TTimeBucket,
  key: (start: Date) => string,
  empty: (t: string) => T,
): T[] {
  if (points.length < 2) return points;
  const byT = new Map(points.map((p) => [p.t, p]));
  const out: T[] = [];
  const last = Date.parse(points.at(-1)!.t);
  for (let start = new Date(Date.parse(points[0]!.t)); start.getTime() <= last; start = nextBucket(start, bucket)) {
    if (out.length === MAX_BUCKETS) return points;
    const t = key(start);
    out.push(byT.get(t) ?? empty(t));
  }
  return out;
}
