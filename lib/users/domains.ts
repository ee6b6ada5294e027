import "server-only";
import { getDb } from "@/lib/db";

// Organisations' email domains (OrganizationDomain): which organisation an address may belong
// to. One rule for every way a user is created: an admin's form (lib/users/mutations.ts) and a
// first single sign-on (lib/auth/sso.ts).

/** The part of an address after its last @, lowercased. */
export const emailDomain = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();

/** An organisation's own domains, in order; none means any address not at another's. */
export async function domainsOf(orgId: string): Promise<string[]> {
  const rows = await getDb().organizationDomain.findMany({
    where: { orgId },
    select: { domain: true },
    orderBy: { domain: "asc" },
  });
  return rows.map((r) => r.domain);
}

/**
 * Whether a user of `orgId` may have `email`: never at another organisation's domain, and at one
 * of its own when it has any (`own`, for the refusal to name). Decided by the domain alone, never
 * by whether a user has the address, so a refusal tells nothing of the other organisation's
 * people, whether or not the asking organisation has domains of its own.
 */
export async function addressFitsOrg(orgId: string, email: string): Promise<{ fits: boolean; own: string[] }> {
  const [owner, own] = await Promise.all([
    getDb().organizationDomain.findUnique({ where: { domain: emailDomain(email) }, select: { orgId: true } }),
    domainsOf(orgId),
  ]);
  return { fits: owner ? owner.orgId === orgId : own.length === 0, own };
}
