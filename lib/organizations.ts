import "server-only";
import { getDb } from "@/lib/db";
import type { TActor } from "@/lib/auth/session";

/** Organisation names and ids: not sensitive, shown to any signed-in user for filters. */
export async function listOrganizationNames(_actor: TActor) {
  return getDb().organization.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
}
