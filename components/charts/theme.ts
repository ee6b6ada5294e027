// Colours of the timeline categories, shared by the histogram and its legend.
export const CATEGORY_COLOURS: Record<string, string> = {
  ACCOUNT_CREATION: "#2563eb",
  PAYMENT: "#16a34a",
  API_ACCESS: "#0891b2",
  EXTRACTION: "#dc2626",
  RATE_LIMITING: "#ea580c",
  DETECTION: "#9333ea",
  COMMUNICATION: "#ca8a04",
  RESPONSE: "#db2777",
  OTHER: "#64748b",
};
