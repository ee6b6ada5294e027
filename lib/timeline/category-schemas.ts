import { z } from "zod";
import { NUL_MESSAGE, ZVersion, hasNoNul } from "@/lib/validation";

// A case's own event categories (shared with the client forms; the server parse is the one
// that counts). Colours are chosen from a palette, never typed: each reaches 4.5:1 on white like
// the built-in category colours (components/charts/theme.ts), and neighbours differ in hue.
export const CASE_CATEGORY_COLOURS = {
  blue: "#2563eb",
  orange: "#c2410c",
  green: "#15803d",
  purple: "#9333ea",
  cyan: "#0e7490",
  red: "#dc2626",
  yellow: "#a16207",
  pink: "#db2777",
  teal: "#0f766e",
  indigo: "#4f46e5",
  brown: "#92400e",
  slate: "#475569",
} as const;
export type TCaseCategoryColour = keyof typeof CASE_CATEGORY_COLOURS;
export const CASE_CATEGORY_COLOUR_NAMES = Object.keys(CASE_CATEGORY_COLOURS) as TCaseCategoryColour[];

/** A category without a chosen colour gets one from its name: the same name, the same colour. */
export function categoryColour(name: string, colour: string | null): string {
  if (colour && colour in CASE_CATEGORY_COLOURS) return CASE_CATEGORY_COLOURS[colour as TCaseCategoryColour];
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return Object.values(CASE_CATEGORY_COLOURS)[h % CASE_CATEGORY_COLOUR_NAMES.length]!;
}

/** A case's own category name (an import's "Write time"). */
export const CUSTOM_CATEGORY_MAX = 100;
export const customCategoryName = z
  .string({ message: "Enter the category's name." })
  .trim()
  .min(1, { message: "Enter the category's name." })
  .max(CUSTOM_CATEGORY_MAX, { message: `A category name can be at most ${CUSTOM_CATEGORY_MAX} characters.` })
  .refine(hasNoNul, { message: NUL_MESSAGE });

const colour = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z.enum(CASE_CATEGORY_COLOUR_NAMES, { message: "Choose a colour from the list." }).optional(),
);

export const ZCreateCaseCategory = z.object({ name: customCategoryName, colour });
export const ZUpdateCaseCategory = z.object({ name: customCategoryName, colour, version: ZVersion });
/**
 * Deleting a category: its events move to another of the organisation's categories (`moveTo`),
 * or, without one, keep their built-in category and the old name as an attribute.
 */
export const ZDeleteCaseCategory = z.object({
  version: ZVersion,
  moveTo: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().uuid().optional()),
});

/** The attribute a deleted category's name is kept under on its events. */
export const FORMER_CATEGORY_ATTRIBUTE = "former case category";
