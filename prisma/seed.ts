// npm run db:seed: idempotent demo data (two organisations, a user per role, one demo case).
import { seedDemoData } from "@/lib/seed/demo";
import { withDatabase } from "@/scripts/runtime";

await withDatabase(async () => {
  const { created } = await seedDemoData();
  console.log(created ? "Seeded demo organisations, users and case." : "Demo data already present.");
});
