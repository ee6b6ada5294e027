import "server-only";
import { getDb } from "@/lib/db";

export type THealth =
  | { status: "ok"; database: "reachable"; latestMigration: string | null; checkedAt: string }
  | { status: "error"; database: "unreachable"; error: string; checkedAt: string };

/** Database reachability and the latest applied migration. Public: reveals no case data. */
export async function checkHealth(): Promise<THealth> {
  const checkedAt = new Date().toISOString();
  try {
    const rows = await getDb().$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
      ORDER BY finished_at DESC, migration_name DESC LIMIT 1`;
    return { status: "ok", database: "reachable", latestMigration: rows[0]?.migration_name ?? null, checkedAt };
  } catch (error) {
    console.error("[health] database check failed:", error);
    return { status: "error", database: "unreachable", error: "The database did not answer.", checkedAt };
  }
}
