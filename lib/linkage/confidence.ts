// Confidence bands of a link, on the STIX 2.1 0–100 confidence scale. The one place the bands
// are defined: the graph view, the link lists and the exports all call confidenceBand. Plain
// data, safe on both sides.

// STIX 2.1 Appendix A, "None / Low / Med / High": Low 1–29, Med 30–69, High 70–100.
/** At or below: low. */
export const LOW_CONFIDENCE_MAX = 29;
/** At or above: high. Between the two: medium. */
export const HIGH_CONFIDENCE_MIN = 70;

export const CONFIDENCE_BANDS = ["low", "medium", "high"] as const;
export type TConfidenceBand = (typeof CONFIDENCE_BANDS)[number];

/** The band of a STIX confidence (0–100). Out-of-range input is clamped, NaN counts as 0. */
export function confidenceBand(confidence: number): TConfidenceBand {
  const n = Number.isFinite(confidence) ? confidence : 0;
  if (n <= LOW_CONFIDENCE_MAX) return "low";
  if (n >= HIGH_CONFIDENCE_MIN) return "high";
  return "medium";
}

/** The lowest confidence inside a band (for "at least medium" filters). */
export function bandFloor(band: TConfidenceBand): number {
  return band === "low" ? 0 : band === "medium" ? LOW_CONFIDENCE_MAX + 1 : HIGH_CONFIDENCE_MIN;
}
