import { z } from "zod";

export const NOTE_MAX = 50_000;
export const VISIBILITIES = ["ALL_CASE_ORGS", "OWNER_ORG_ONLY"] as const;

const body = z
  .string({ message: "Write something first." })
  .trim()
  .min(1, { message: "Write something first." })
  .max(NOTE_MAX, { message: `A note can be at most ${NOTE_MAX.toLocaleString("en")} characters.` });
const visibility = z.enum(VISIBILITIES, { message: "Choose who can see the note." });

export const ZCreateNote = z.object({ body, visibility: visibility.default("ALL_CASE_ORGS") });
export type TCreateNote = z.infer<typeof ZCreateNote>;

export const ZUpdateNote = z.object({
  body,
  visibility: visibility.optional(),
  version: z.coerce.number({ message: "The form is missing its version; reload the page." }).int().positive(),
});
export type TUpdateNote = z.infer<typeof ZUpdateNote>;
