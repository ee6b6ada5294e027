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
  // Server processes on this machine (scripts/servers.ts); npm start sets it for each of them.
  // Set but empty is as if unset.
  WEB_CONCURRENCY: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce
      .number({ message: "WEB_CONCURRENCY must be a whole number of server processes" })
      .int({ message: "WEB_CONCURRENCY must be a whole number of server processes" })
      .min(1, { message: "WEB_CONCURRENCY must be between 1 and 64" })
      .max(64, { message: "WEB_CONCURRENCY must be between 1 and 64" })
      .optional(),
  ),
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
  // Single sign-on (lib/auth/oidc.ts): the ids of the OpenID Connect providers, each configured by
  // its own OIDC_<ID>_* variables (parseOidcProviders below).
  OIDC_PROVIDERS: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}(,[a-z][a-z0-9-]{0,30})*$/, {
      message: 'OIDC_PROVIDERS must be comma-separated ids such as "entra,okta" (lower case, digits, -)',
    })
    .optional(),
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
  // How long `npm start` waits for another instance migrating or seeding the same database.
  CASEBRIDGE_STARTUP_WAIT_SECONDS: z.coerce
    .number({ message: "CASEBRIDGE_STARTUP_WAIT_SECONDS must be a number of seconds" })
    .int({ message: "CASEBRIDGE_STARTUP_WAIT_SECONDS must be a whole number of seconds" })
    .min(1, { message: "CASEBRIDGE_STARTUP_WAIT_SECONDS must be at least 1" })
    .max(86_400, { message: "CASEBRIDGE_STARTUP_WAIT_SECONDS must be at most 86400 (a day)" })
    .default(600),
});

export type TEnv = z.infer<typeof ZEnv>;

const ROLES = ["ADMIN", "INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const;
const list = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);

// One provider's OIDC_<ID>_* variables. Every field that decides who gets in is required: no
// default organisation, no "any domain".
const ZOidcProvider = z.object({
  NAME: z.string().min(1).max(60).optional(),
  ISSUER: z.string().url(),
  CLIENT_ID: z.string().min(1),
  CLIENT_SECRET: z.string().min(1),
  // Scopes asked for; add the one that releases the role claim if the IdP needs it (Okta: groups).
  SCOPES: z.string().min(1).default("openid email profile"),
  // The slug of the organisation its users belong to.
  ORG: z.string().min(1),
  EMAIL_DOMAINS: z
    .string()
    .transform((v) => list(v.toLowerCase()))
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "a domain such as example.com")).min(1)),
  // The claim that carries groups or app roles, and "value=ROLE" pairs (first listed match wins).
  ROLE_CLAIM: z.string().min(1).default("groups"),
  ROLES: z
    .string()
    .default("")
    .transform((v) => list(v).map((pair) => pair.split("=").map((p) => p.trim())))
    .pipe(z.array(z.tuple([z.string().min(1), z.enum(ROLES)], { message: 'pairs "claim value=ROLE"' }))),
  // Role when no mapping matches; unset: such a user is refused.
  DEFAULT_ROLE: z.enum(ROLES).optional(),
  // Second factor for users our MFA policy covers: "amr" (default) wants the ID token's amr
  // claim to show one; "idp" trusts that the IdP enforces MFA itself (e.g. Conditional Access).
  MFA: z.enum(["amr", "idp"]).default("amr"),
});

export type TOidcProvider = {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  orgSlug: string;
  emailDomains: string[];
  roleClaim: string;
  roles: [string, (typeof ROLES)[number]][];
  defaultRole?: (typeof ROLES)[number];
  mfa: "amr" | "idp";
};

/** The providers named in OIDC_PROVIDERS, read from their OIDC_<ID>_* variables (ID upper-cased, - as _). */
export function parseOidcProviders(ids: string | undefined, vars: Record<string, string | undefined>): TOidcProvider[] {
  return list(ids ?? "").map((id) => {
    const prefix = `OIDC_${id.toUpperCase().replace(/-/g, "_")}_`;
    const own = Object.fromEntries(
      Object.entries(vars)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, value]) => [key.slice(prefix.length), value]),
    );
    const result = ZOidcProvider.safeParse(own);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${prefix}${String(i.path[0] ?? "")}: ${i.message}`).join("; ");
      throw new Error(`Invalid single sign-on configuration (${problems}). See README, "Single sign-on".`);
    }
    const p = result.data;
    return {
      id,
      name: p.NAME ?? id,
      issuer: p.ISSUER,
      clientId: p.CLIENT_ID,
      clientSecret: p.CLIENT_SECRET,
      scopes: p.SCOPES,
      orgSlug: p.ORG,
      emailDomains: p.EMAIL_DOMAINS,
      roleClaim: p.ROLE_CLAIM,
      roles: p.ROLES,
      ...(p.DEFAULT_ROLE ? { defaultRole: p.DEFAULT_ROLE } : {}),
      mfa: p.MFA,
    };
  });
}

let oidcProviders: TOidcProvider[] | undefined;

/** The configured single sign-on providers (none unless OIDC_PROVIDERS is set). */
export function getOidcProviders(): TOidcProvider[] {
  oidcProviders ??= parseOidcProviders(getEnv().OIDC_PROVIDERS, process.env);
  return oidcProviders;
}

/**
 * CASEBRIDGE_STARTUP_WAIT_SECONDS on its own, for `npm start`, which needs it before the rest of
 * the environment is complete (DATABASE_URL is set up later). Throws with the reason when invalid.
 */
export function startupWaitSeconds(value: string | undefined): number {
  const result = ZEnv.shape.CASEBRIDGE_STARTUP_WAIT_SECONDS.safeParse(value);
  if (!result.success) throw new Error(result.error.issues[0]!.message);
  return result.data;
}

/**
 * WEB_CONCURRENCY on its own: for `npm start`, which decides on it before the rest of the
 * environment is complete (scripts/servers.ts), and for the password hashes' share of the cores
 * (lib/auth/password.ts), which hash without a database. Throws with the reason when invalid.
 */
export function webConcurrency(value: string | undefined): number | undefined {
  const result = ZEnv.shape.WEB_CONCURRENCY.safeParse(value);
  if (!result.success) throw new Error(`${result.error.issues[0]!.message}, not "${value}"`);
  return result.data;
}

/** This process's own WEB_CONCURRENCY (webConcurrency). */
export const ownWebConcurrency = () => webConcurrency(process.env.WEB_CONCURRENCY);

/**
 * Whether this code runs as Next.js built it (next start, next dev), which sets NEXT_RUNTIME;
 * not under tsx or Vitest, which run the sources as they are (a worker thread's file, say).
 */
export const builtByNext = () => process.env.NEXT_RUNTIME !== undefined;

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
