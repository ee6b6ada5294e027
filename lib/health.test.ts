import { describe, expect, it } from "vitest";
import { checkHealth } from "@/lib/health";
import { readMigrations } from "@/lib/db/schema-engine";

describe("checkHealth", () => {
  it("reports the database reachable and names the latest applied migration", async () => {
    const latest = (await readMigrations()).migrationDirectories.at(-1)?.path;
    expect(await checkHealth()).toMatchObject({ status: "ok", database: "reachable", latestMigration: latest });
  });
});
