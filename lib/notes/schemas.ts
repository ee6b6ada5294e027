import { z } from "zod";
import { NUL_MESSAGE, ZVersion, hasNoNul } from "@/lib/validation";

export const NOTE_MAX = 50_000;
export const VISIBILITIES = ["ALL_CASE_ORGS", "OWNER_ORG_ONLY"] as const;

const body = z
  .string({ message: "Write something first." })
  .trim()
  .min(1, { message: "Write something first." })
  .max(NOTE_MAX, { message: `A note can be at most ${NOTE_MAX.toLocaleString("en")} characters.` })
  .refine(hasNoNul, { message: NUL_MESSAGE });
const visibility = z.enum(VISIBILITIES, { message: "Choose who can see the note." });

export const ZCreateNote = z.object({ body, visibility: visibility.default("ALL_CASE_ORGS") });
export type TCreateNote = z.infer<typeof ZCreateNote>;

export const ZUpdateNote = z.object({
  body,
  visibility: visibility.optional(),
  version: ZVersion,
});
export type TUpdateNote = z.infer<typeof ZUpdateNote>;
