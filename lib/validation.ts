import type { z } from "zod";
import { validationFromZod } from "@/lib/errors";

/** Parses input with a schema, or throws ValidationError with per-field messages. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationFromZod(result.error);
  return result.data;
}
