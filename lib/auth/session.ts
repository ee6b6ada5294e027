import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { cache } from "react";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { credentialStamp } from "@/lib/auth/password";
import { SESSION_ABSOLUTE_MAX_SECONDS } from "@/lib/auth/options";
import type { GlobalRole } from "@/lib/generated/prisma/enums";

export type TActor = {
  id: string;
  email: string;
  name: string;
  role: GlobalRole;
  orgId: string;
  orgName: string;
};

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The verified claims of the session token, or null (absent, forged, expired). */
async function readToken() {
  const jar = await cookies();
  const raw = SESSION_COOKIES.map((name) => jar.get(name)?.value).find(Boolean);
  const secret = getEnv().NEXTAUTH_SECRET;
  if (!raw || !secret) return null;
  return decode({ token: raw, secret }).catch(() => null);
}

/**
 * The only reader of the session. The JWT names the user; role, organisation and disabled
 * state are re-read from the database on every request, so a demotion or a disable takes
 * effect at once rather than when the token expires. A token also stops working when the
 * password is reset (its credential stamp no longer matches) and 12 hours after sign-in,
 * however active. Null when signed out, disabled or expired.
 */
export const getCurrentUser = cache(async (): Promise<TActor | null> => {
  const token = await readToken();
  const id = token?.sub;
  const authTime = Number(token?.authTime ?? 0);
  if (!id || Date.now() / 1000 - authTime > SESSION_ABSOLUTE_MAX_SECONDS) return null;
  const user = await getDb().user.findUnique({
    where: { id },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      orgId: true,
      disabledAt: true,
      passwordHash: true,
      org: { select: { name: true } },
    },
  });
  if (!user || user.disabledAt || token?.stamp !== credentialStamp(user.passwordHash)) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    orgId: user.orgId,
    orgName: user.org.name,
  };
});
