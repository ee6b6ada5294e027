import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";

// The only place a Prisma client is created. One per process (kept on globalThis so dev-mode
// hot reloads do not open a new pool each time), created on first use.
const globalForDb = globalThis as unknown as { casebridgeDb?: PrismaClient };

function createClient(): PrismaClient {
  const { DATABASE_URL, DATABASE_POOL_MAX } = getEnv();
  const adapter = new PrismaPg({
    connectionString: DATABASE_URL,
    max: DATABASE_POOL_MAX,
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}

export function getDb(): PrismaClient {
  globalForDb.casebridgeDb ??= createClient();
  return globalForDb.casebridgeDb;
}

export type { PrismaClient };
export { Prisma } from "@/lib/generated/prisma/client";

/** Closes the pool (scripts and tests; the app keeps its client for the process lifetime). */
export async function disconnectDb(): Promise<void> {
  await globalForDb.casebridgeDb?.$disconnect();
  globalForDb.casebridgeDb = undefined;
}

/**
 * A connection of its own, for work the ORM cannot do (COPY … FROM STDIN for bulk loads):
 * opened for `work` and closed after it, whatever happens. The caller runs its own BEGIN/COMMIT.
 */
export async function withPgClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: getEnv().DATABASE_URL, connectionTimeoutMillis: 30_000 });
  client.on("error", (error) => console.error("[db] bulk connection error:", error));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
