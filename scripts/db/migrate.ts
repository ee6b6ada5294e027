// npm run db:migrate: applies pending migrations to DATABASE_URL (or, when unset, to the
// embedded database under the data folder).
import { applyMigrations } from "@/lib/db/schema-engine";
import { withDatabase } from "@/scripts/runtime";

await withDatabase(async (url) => {
  const applied = await applyMigrations(url);
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
});
