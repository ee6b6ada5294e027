// Shared by the command-line entry points (start, db:migrate, db:seed): where local data lives,
// the generated development secret, and the database to use when DATABASE_URL is unset.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "@/lib/db/embedded";

// eslint-disable-next-line no-restricted-properties -- scripts configure the environment the app reads
const env = process.env;

export const DATA_DIR = path.resolve(env.CASEBRIDGE_DATA_DIR ?? ".data");

export function fail(message: string): never {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

/**
 * NEXTAUTH_SECRET from the environment; else, outside production, one generated on first run
 * and kept (mode 600, git-ignored) under the data folder. Production without one is refused.
 */
export async function resolveAuthSecret(): Promise<string> {
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  if (env.NODE_ENV === "production") {
    fail(
      "NEXTAUTH_SECRET is not set. In production Casebridge refuses to start without it, because it signs every session.\n" +
        "  Generate one with:  openssl rand -base64 48   and set it in the environment.",
    );
  }
  const file = path.join(DATA_DIR, "nextauth-secret");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  await mkdir(DATA_DIR, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  try {
    // "wx": two instances starting at once on one data folder keep the first one's secret.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    for (;;) {
      const written = (await readFile(file, "utf8")).trim(); // empty while the other is writing
      if (written) return written;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await chmod(file, 0o600);
  return secret;
}

/**
 * DATABASE_URL when set; else, outside production, the embedded PostgreSQL persisted under the
 * data folder. Production without DATABASE_URL is refused: the embedded database serves one
 * process on one machine, for trying the app, not for a deployment's data.
 */
export async function openDatabase(preferredPort = 0): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  if (env.NODE_ENV === "production") {
    fail(
      "DATABASE_URL is not set. In production Casebridge refuses to start without it: the embedded database is for trying the app on one machine, not for production data.\n" +
        "  Set DATABASE_URL=postgresql://user:password@host:5432/casebridge (a PostgreSQL 15 or newer server).",
    );
  }
  const embedded = await startEmbeddedDatabase(path.join(DATA_DIR, "pglite"), { preferredPort });
  return { url: embedded.url, embedded };
}

/** Runs `work` against the database, with DATABASE_URL set for lib/db, then shuts down cleanly. */
export async function withDatabase(work: (url: string) => Promise<void>): Promise<void> {
  const { url, embedded } = await openDatabase();
  env.DATABASE_URL = url;
  try {
    await work(url);
  } finally {
    const { disconnectDb } = await import("@/lib/db");
    await disconnectDb();
    await embedded?.stop();
  }
}
