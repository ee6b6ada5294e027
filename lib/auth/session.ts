import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { getDb } from "@/lib/db";
import { getAuthOptions } from "@/lib/auth/options";
import type { GlobalRole } from "@/lib/generated/prisma/enums";

export type TActor = {
  id: string;
  email: string;
  name: string;
  role: GlobalRole;
  orgId: string;
  orgName: string;
};

/**
 * The only reader of the session. The JWT names the user; role, organisation and disabled
 * state are re-read from the database on every request, so a demotion or a disable takes
 * effect at once rather than when the token expires. Null when signed out or disabled.
 */
export const getCurrentUser = cache(async (): Promise<TActor | null> => {
  const session = await getServerSession(getAuthOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const user = await getDb().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, orgId: true, disabledAt: true, org: { select: { name: true } } },
  });
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, orgId: user.orgId, orgName: user.org.name };
});
