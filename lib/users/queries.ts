import "server-only";
import { getDb, type Prisma } from "@/lib/db";
import { likeLiteral } from "@/lib/validation";
import { parseId, requireGlobal } from "@/lib/auth/guards";
import type { TActor } from "@/lib/auth/session";
import { sessionLimits } from "@/lib/auth/sessions";
import { getSignInThrottle } from "@/lib/auth/throttle";
import type { GlobalRole } from "@/lib/generated/prisma/enums";
import { NotFoundError } from "@/lib/errors";
import { domainsOf } from "@/lib/users/domains";
import { USERS_PAGE_SIZE, ZUserFilters, type TUserFilters } from "@/lib/users/schemas";

export type TUserListItem = {
  id: string;
  email: string;
  name: string;
  role: GlobalRole;
  orgId: string;
  orgName: string;
  disabledAt: Date | null;
  createdAt: Date;
};

export type TUserPage = {
  users: TUserListItem[];
  filters: TUserFilters;
  total: number;
  page: number;
  pageCount: number;
};

// The one projection of a user that leaves lib/: never the password hash.
const USER_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  orgId: true,
  disabledAt: true,
  createdAt: true,
  org: { select: { name: true } },
} satisfies Prisma.UserSelect;

type TUserRow = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

function toListItem({ org, ...row }: TUserRow): TUserListItem {
  return { ...row, orgName: org.name };
}

// Every read is scoped to the actor's organisation: an admin administers their own people only.
function whereFor(actor: TActor, filters: TUserFilters): Prisma.UserWhereInput {
  const where: Prisma.UserWhereInput = { orgId: actor.orgId };
  if (filters.role) where.role = filters.role;
  if (filters.status) where.disabledAt = filters.status === "disabled" ? { not: null } : null;
  if (filters.q) {
    where.OR = [
      { email: { contains: likeLiteral(filters.q), mode: "insensitive" } },
      { name: { contains: likeLiteral(filters.q), mode: "insensitive" } },
    ];
  }
  return where;
}

/**
 * The users of the admin's own organisation, filtered and paginated by email. `rawFilters` may
 * come straight from the URL: malformed values are dropped (an organisation filter too: there
 * is only the admin's own), and a page past the end shows the last page.
 */
export async function listUsers(actor: TActor, rawFilters: unknown = {}): Promise<TUserPage> {
  requireGlobal(actor, "user.manage");
  const filters = ZUserFilters.parse(rawFilters ?? {});
  const where = whereFor(actor, filters);
  const total = await getDb().user.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
  const page = Math.min(filters.page, pageCount);
  const rows = await getDb().user.findMany({
    where,
    orderBy: [{ email: "asc" }],
    skip: (page - 1) * USERS_PAGE_SIZE,
    take: USERS_PAGE_SIZE,
    select: USER_SELECT,
  });
  return { users: rows.map(toListItem), filters: { ...filters, page }, total, page, pageCount };
}

/** The admin's own organisation's email domains (OrganizationDomain), in order; none means any address. */
export async function ownEmailDomains(actor: TActor): Promise<string[]> {
  requireGlobal(actor, "user.manage");
  return domainsOf(actor.orgId);
}

/** One user of the admin's own organisation; NotFound for another's, or an unknown or malformed id. */
export async function getUser(actor: TActor, userId: unknown): Promise<TUserListItem> {
  requireGlobal(actor, "user.manage");
  const row = await getDb().user.findFirst({
    where: { id: parseId(userId), orgId: actor.orgId },
    select: USER_SELECT,
  });
  if (!row) throw new NotFoundError();
  return toListItem(row);
}

export type TUserSignInState = { activeSessions: number; lockedForMinutes: number; mfaEnabled: boolean };

/** How many live sessions a user of the admin's organisation has, and whether sign-in is locked. */
export async function getUserSignInState(actor: TActor, userId: unknown): Promise<TUserSignInState> {
  const user = await getUser(actor, userId);
  const { idleMs } = sessionLimits();
  const now = Date.now();
  const [activeSessions, lockedForMs, mfa] = await Promise.all([
    getDb().userSession.count({
      where: {
        userId: user.id,
        endedAt: null,
        expiresAt: { gt: new Date(now) },
        lastSeenAt: { gt: new Date(now - idleMs) },
      },
    }),
    getSignInThrottle().lockedFor(user.email),
    getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { mfaEnabledAt: true } }),
  ]);
  return {
    activeSessions,
    lockedForMinutes: Math.ceil(lockedForMs / 60_000),
    mfaEnabled: Boolean(mfa.mfaEnabledAt),
  };
}
