import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getDb, Prisma } from "@/lib/db";
import type { TOidcProvider } from "@/lib/env";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { isMfaRequired } from "@/lib/auth/mfa";
import { endUserSessions, startSignedInSession } from "@/lib/auth/sessions";
import type { TOidcClaims } from "@/lib/auth/oidc";
import type { GlobalRole } from "@/lib/generated/prisma/enums";
import { addressFitsOrg, emailDomain } from "@/lib/users/domains";

// Single sign-on through an organisation's OpenID Connect IdP (lib/auth/oidc.ts runs the
// protocol; this decides who that is here). Rules:
// - An IdP identity is (issuer, subject). The first sign-in of an unknown identity creates a user
//   in the provider's organisation, but only when no user has that email: an existing account is
//   never linked by email (whoever controls an address at some IdP must not inherit it).
// - Every sign-in needs an email in one of the provider's domains, a role from the claim mapping
//   (synced on each sign-in; a change ends the user's other sessions), an organisation that
//   exists, and a user that is not disabled and still belongs to that organisation.
// - MFA: when our policy covers the user (lib/auth/mfa.ts: admins, case leads, or anyone who has
//   turned on our TOTP), the IdP must have done it: its ID token's `amr` claim shows a second
//   factor, or the provider is configured with MFA=idp (the IdP enforces MFA itself). Our own
//   TOTP is not asked after an SSO sign-in.
// - The result is the same server-side session as a password sign-in, and an audit row either way.

export const SSO_ERROR = {
  invalid: "SsoInvalid",
  domain: "SsoDomain",
  emailTaken: "SsoEmailTaken",
  noOrganisation: "SsoNoOrganisation",
  wrongOrganisation: "SsoWrongOrganisation",
  noRole: "SsoNoRole",
  mfa: "SsoMfaRequired",
  disabled: "AccountDisabled",
} as const;

type TSsoError = (typeof SSO_ERROR)[keyof typeof SSO_ERROR];
type TRequestMeta = { ip?: string | null; userAgent?: string | null };
export type TSsoResult = { ok: true; userId: string; sessionId: string } | { ok: false; error: TSsoError };

const ZClaims = z.object({
  iss: z.string().url(),
  sub: z.string().min(1).max(255),
  email: z.string().trim().toLowerCase().email().max(254).optional(),
  email_verified: z.boolean().optional(),
  name: z.string().trim().max(200).optional(),
  amr: z.array(z.string()).optional(),
});

/** The role the claim mapping gives: the first listed pair whose value the claim holds, else the default. */
export function mapRole(provider: TOidcProvider, claims: TOidcClaims): GlobalRole | null {
  const raw = claims[provider.roleClaim];
  const values = new Set((Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === "string"));
  const match = provider.roles.find(([value]) => values.has(value));
  return match?.[1] ?? provider.defaultRole ?? null;
}

// RFC 8176 methods. "mfa"/"mca" say so outright; otherwise two different methods were used.
const MULTI = new Set(["mfa", "mca"]);

/** True when the ID token's amr claim shows more than one factor. */
export function amrShowsMfa(amr: string[] | undefined): boolean {
  if (!amr) return false;
  return amr.some((m) => MULTI.has(m)) || new Set(amr).size >= 2;
}

export function isAllowedDomain(provider: TOidcProvider, email: string): boolean {
  return provider.emailDomains.includes(emailDomain(email));
}

/**
 * Signs in the user behind verified ID token claims (next-auth has checked signature, issuer,
 * audience, expiry, nonce, state and PKCE before this runs) and opens a server-side session.
 */
export async function signInWithSso(
  provider: TOidcProvider,
  rawClaims: TOidcClaims,
  meta: TRequestMeta = {},
): Promise<TSsoResult> {
  const db = getDb();
  const parsed = ZClaims.safeParse(rawClaims);
  const refuse = async (error: TSsoError, userId: string | null = null, details: Record<string, unknown> = {}) => {
    await recordAudit({
      actorId: userId,
      action: "auth.sso_refused",
      targetType: "user",
      targetId: userId,
      ...meta,
      details: {
        provider: provider.id,
        reason: error,
        issuer: parsed.data?.iss ?? null,
        subject: parsed.data?.sub ?? null,
        email: parsed.data?.email ?? null,
        ...details,
      },
    });
    return { ok: false as const, error };
  };
  if (!parsed.success) return refuse(SSO_ERROR.invalid);
  const claims = parsed.data;

  const org = await db.organization.findUnique({ where: { slug: provider.orgSlug }, select: { id: true } });
  if (!org) return refuse(SSO_ERROR.noOrganisation, null, { organisation: provider.orgSlug });
  // The provider's domains, and never another organisation's (OrganizationDomain), so no IdP
  // configured with the other organisation's domain signs in or creates users at its addresses.
  if (
    !claims.email ||
    claims.email_verified === false ||
    !isAllowedDomain(provider, claims.email) ||
    !(await addressFitsOrg(org.id, claims.email)).fits
  )
    return refuse(SSO_ERROR.domain);
  const role = mapRole(provider, rawClaims);
  if (!role) return refuse(SSO_ERROR.noRole);

  const account = await db.ssoAccount.findUnique({
    where: { issuer_subject: { issuer: claims.iss, subject: claims.sub } },
    select: { id: true, userId: true },
  });
  const userId = account?.userId ?? (await createSsoUser(provider, org.id, role, claims, meta));
  if (!userId) return refuse(SSO_ERROR.emailTaken);

  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, orgId: true, role: true, disabledAt: true, mfaEnabledAt: true },
  });
  if (user.orgId !== org.id) return refuse(SSO_ERROR.wrongOrganisation, user.id);
  if (user.disabledAt) return refuse(SSO_ERROR.disabled, user.id);
  if (user.role !== role) await syncRole(user.id, user.role, role, provider, meta);
  const mfaCovered = Boolean(user.mfaEnabledAt) || (await isMfaRequired({ id: user.id, role }));
  if (mfaCovered && provider.mfa === "amr" && !amrShowsMfa(claims.amr))
    return refuse(SSO_ERROR.mfa, user.id, { amr: claims.amr ?? null });

  await db.ssoAccount.updateMany({
    where: { issuer: claims.iss, subject: claims.sub },
    data: { lastLoginAt: new Date() },
  });
  const sessionId = await startSignedInSession(user.id, meta, {
    method: "sso",
    provider: provider.id,
    amr: claims.amr ?? null,
  });
  return { ok: true, userId: user.id, sessionId };
}

/**
 * A new user for an IdP identity seen for the first time, with its SsoAccount, in one
 * transaction. Null when a user already has that email (not linked; an admin decides). The
 * password is random and unknown to anyone, so the account signs in only through its IdP.
 */
async function createSsoUser(
  provider: TOidcProvider,
  orgId: string,
  role: GlobalRole,
  claims: z.infer<typeof ZClaims>,
  meta: TRequestMeta,
): Promise<string | null> {
  const email = claims.email!;
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  try {
    return await getDb().$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email, name: claims.name || email, passwordHash, orgId, role },
        select: { id: true },
      });
      await tx.ssoAccount.create({
        data: { userId: user.id, issuer: claims.iss, subject: claims.sub, provider: provider.id },
      });
      await recordAudit(
        {
          actorId: user.id,
          action: "user.created_by_sso",
          targetType: "user",
          targetId: user.id,
          ...meta,
          details: { provider: provider.id, issuer: claims.iss, subject: claims.sub, role },
        },
        tx,
      );
      return user.id;
    });
  } catch (error) {
    // Unique email: an existing user (never linked). Unique (issuer, subject): a parallel first
    // sign-in of the same identity won; use its row.
    if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2002") throw error;
    const winner = await getDb().ssoAccount.findUnique({
      where: { issuer_subject: { issuer: claims.iss, subject: claims.sub } },
      select: { userId: true },
    });
    return winner?.userId ?? null;
  }
}

/** The IdP is the authority on the role: a change applies now and ends older sessions. */
async function syncRole(userId: string, from: GlobalRole, to: GlobalRole, provider: TOidcProvider, meta: TRequestMeta) {
  await getDb().$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { role: to } });
    const sessionsEnded = await endUserSessions(tx, userId, "role_changed");
    await recordAudit(
      {
        actorId: userId,
        action: "user.role_synced_from_sso",
        targetType: "user",
        targetId: userId,
        ...meta,
        details: { provider: provider.id, from, to, sessionsEnded },
      },
      tx,
    );
  });
}
