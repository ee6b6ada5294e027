// npm run db:migration -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that takes the committed migrations to the current prisma/schema.prisma. Two scratch
// in-memory databases (the replay and the shadow) are used, so no server is needed.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { startEmbeddedDatabase } from "@/lib/db/embedded";
import { MIGRATIONS_DIR, diffMigrationsToSchema } from "@/lib/db/schema-engine";

const name = (process.argv[2] ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
if (!name) {
  console.error("Usage: npm run db:migration -- <name>   (e.g. add_evidence)");
  process.exit(2);
}

const target = await startEmbeddedDatabase();
const shadow = await startEmbeddedDatabase();
try {
  const sql = await diffMigrationsToSchema(target.url, shadow.url);
  if (sql === null) {
    console.log("prisma/schema.prisma already matches the migrations: nothing to write.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const folder = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, "migration.sql"), sql);
    console.log(`Wrote ${path.relative(process.cwd(), folder)}/migration.sql — review it, then commit it.`);
  }
} finally {
  await shadow.stop();
  await target.stop();
}
