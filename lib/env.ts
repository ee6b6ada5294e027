import "server-only";
import { z } from "zod";

// The one reader of process.env for the app. Parsed on first use rather than at import, so
// `next build` (which imports route modules) needs no database or secret.
const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgresql:// URL" }),
  // Optional here so database scripts run without it; sign-in refuses to work without it.
  NEXTAUTH_SECRET: z.string().min(32, { message: "NEXTAUTH_SECRET must be at least 32 characters" }).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
});

export type TEnv = z.infer<typeof ZEnv>;

let parsed: TEnv | undefined;

export function getEnv(): TEnv {
  if (!parsed) {
    const result = ZEnv.safeParse(process.env);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`Invalid environment (${problems}). Start the app with \`npm start\`, which sets these up.`);
    }
    parsed = result.data;
  }
  return parsed;
}
