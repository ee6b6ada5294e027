// Times as pages, PDFs and tables show them: in UTC (which they say), to the minute or the second.
// One writing for the whole app, so a time reads the same wherever it appears.

type TInstant = Date | string;

/** "2026-11-02 08:00", or to the second "2026-11-02 08:00:07": the zone not said. */
export function utcText(at: TInstant, precision: "minute" | "second" = "minute"): string {
  return new Date(at)
    .toISOString()
    .slice(0, precision === "minute" ? 16 : 19)
    .replace("T", " ");
}

/** "2026-11-02 08:00 UTC", or a dash for no time. */
export function utcLabel(at: TInstant | null | undefined, precision: "minute" | "second" = "minute"): string {
  return at ? `${utcText(at, precision)} UTC` : "—";
}

/** "2026-11-02 08:00 – 2026-11-03 09:00 UTC": a period, its zone said once; a dash for an end not known. */
export function utcRange(from: TInstant | null | undefined, to: TInstant | null | undefined): string {
  if (!from && !to) return "—";
  return `${from ? utcText(from) : "—"} – ${to ? utcText(to) : "—"} UTC`;
}
