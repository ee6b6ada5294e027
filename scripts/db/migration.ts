// npm run db:migration -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that takes the committed migrations to the current prisma/schema.prisma.
// Needs a PostgreSQL server (for a throwaway shadow database): DATABASE_URL, or the local one.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { MIGRATIONS_DIR, diffMigrationsToSchema } from "@/lib/db/schema-engine";
import { fail } from "@/scripts/runtime";

// eslint-disable-next-line no-restricted-properties -- command-line tool configuration
const server = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const name = (process.argv[2] ?? "")
  .toLowerCase()
  .replace(/[^a-z0-9]+/g, "_")
  .replace(/^_|_$/g, "");
if (!name) fail("Usage: npm run db:migration -- <name>   (e.g. add_evidence)");

const sql = await diffMigrationsToSchema(server).catch((error: Error) =>
  fail(
    `Could not diff against ${new URL(server).host}: ${error.message}\nSet DATABASE_URL to a PostgreSQL server where you may CREATE DATABASE.`,
  ),
);
if (sql === null) {
  console.log("prisma/schema.prisma already matches the migrations: nothing to write.");
} else {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const folder = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, "migration.sql"), sql);
  console.log(`Wrote ${path.relative(process.cwd(), folder)}/migration.sql — review it, then commit it.`);
}
