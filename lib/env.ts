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
  // How long a request waits for a pool connection. The embedded database serves one
  // transaction at a time: during a long import commit a status poll must wait, not fail with
  // "connection timeout" (npm start raises it for the embedded database).
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  // How many reverse proxies of ours append to X-Forwarded-For (0: do not believe the header).
  CASEBRIDGE_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  // Sessions (lib/auth/sessions.ts): ended after this long without a request, and this long
  // after sign-in however active.
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  // Sign-in limits (lib/auth/throttle.ts): stored in Redis when REDIS_URL is set, else in
  // PostgreSQL, so they hold across app instances either way.
  REDIS_URL: z.string().url({ message: "REDIS_URL must be a redis:// URL" }).optional(),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  SIGN_IN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(10_000).default(50),
  // The first delay of the progressive back-off (doubling with each failure, up to 8 s).
  SIGN_IN_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(250),
  // Who must sign in with a second factor (lib/auth/mfa.ts): "admin", "lead" (anyone leading a
  // case), both (default) or "none". Everyone else may turn it on.
  MFA_REQUIRED_FOR: z
    .string()
    .regex(/^(none|(admin|lead)(,(admin|lead))*)$/, {
      message: 'MFA_REQUIRED_FOR must be "admin,lead", "admin", "lead" or "none"',
    })
    .default("admin,lead"),
  CASEBRIDGE_DATA_DIR: z.string().min(1).default(".data"),
  // Evidence: per-file size limit, and where blobs live (lib/storage).
  EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 ** 3),
  EVIDENCE_STORAGE: z.enum(["local", "s3"]).default("local"),
  EVIDENCE_S3_BUCKET: z.string().min(1).optional(),
  EVIDENCE_S3_PREFIX: z.string().default("evidence/"),
  EVIDENCE_S3_REGION: z.string().default("us-east-1"),
  // For S3-compatible services (MinIO, Ceph, R2): their endpoint, usually with path-style URLs.
  EVIDENCE_S3_ENDPOINT: z.string().url().optional(),
  EVIDENCE_S3_FORCE_PATH_STYLE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  // Credentials come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID, profiles, roles).
  // The storage sweep (lib/storage/sweep.ts): how often it runs in `npm start` (0: never), and
  // how old an unreferenced or staged file must be before it is removed — longer than any upload.
  STORAGE_SWEEP_EVERY_MINUTES: z.coerce.number().int().min(0).default(60),
  STORAGE_SWEEP_GRACE_MINUTES: z.coerce.number().int().min(5).default(60),
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
