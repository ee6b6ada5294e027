import { humanise } from "@/components/cases/case-badges";

// Colours of the timeline categories, shared by the histogram and its legend. Recharts writes the
// legend and tooltip labels in these colours, so each reaches 4.5:1 on white (text contrast, WCAG
// 1.4.3): Tailwind 600s where they pass, 700s where the 600 is too light (green, cyan, orange,
// yellow); the hues stay apart.
export const CATEGORY_COLOURS: Record<string, string> = {
  ACCOUNT_CREATION: "#2563eb", // blue-600, 5.2:1
  PAYMENT: "#15803d", // green-700, 5.0:1
  API_ACCESS: "#0e7490", // cyan-700, 5.4:1
  EXTRACTION: "#dc2626", // red-600, 4.8:1
  RATE_LIMITING: "#c2410c", // orange-700, 5.2:1
  DETECTION: "#9333ea", // purple-600, 5.4:1
  COMMUNICATION: "#a16207", // yellow-700, 4.9:1
  RESPONSE: "#db2777", // pink-600, 4.6:1
  OTHER: "#64748b", // slate-500, 4.8:1
};

/**
 * Colours of stacked series (models, top accounts), in order, then slate for "Other". Each
 * reaches 4.5:1 on white, like the category colours, and neighbours differ in hue.
 */
export const SERIES_COLOURS = [
  "#2563eb", // blue-600
  "#c2410c", // orange-700
  "#15803d", // green-700
  "#9333ea", // purple-600
  "#0e7490", // cyan-700
  "#dc2626", // red-600
  "#a16207", // yellow-700
  "#db2777", // pink-600
];
export const OTHER_COLOUR = "#64748b"; // slate-500

export const seriesColour = (key: string, index: number) =>
  key === "Other" ? OTHER_COLOUR : SERIES_COLOURS[index % SERIES_COLOURS.length]!;

/**
 * The Okabe–Ito palette (distinguishable with every common colour-vision deficiency), for
 * series told apart by colour alone; the summary's charts also name every series in a legend
 * and a table. Yellow and sky blue are darkened for contrast on white.
 */
export const CB_SAFE_COLOURS = [
  "#0072b2", // blue
  "#d55e00", // vermillion
  "#009e73", // bluish green
  "#cc79a7", // reddish purple
  "#e69f00", // orange
  "#56b4e9", // sky blue
  "#000000", // black
];
export const cbSafeColour = (key: string, index: number) =>
  key === "Other" ? OTHER_COLOUR : CB_SAFE_COLOURS[index % CB_SAFE_COLOURS.length]!;

/** A time axis's title: its bucket ("hour", "day"), in UTC, as every chart's buckets are. */
export const utcAxisTitle = (bucket: string) => `${humanise(bucket)} (UTC)`;
