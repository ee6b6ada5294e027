import "server-only";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getOidcProviders, type TOidcProvider } from "@/lib/env";

export type TOidcClaims = Record<string, unknown>;

/**
 * A next-auth provider for one configured OpenID Connect IdP. Discovery from the issuer's
 * well-known document; the authorization-code flow with PKCE (S256), state and nonce all on, each
 * held in a signed, short-lived cookie and checked on the callback (a mismatch is refused there,
 * before lib/auth/sso.ts sees anything). The profile is the verified ID token's claims.
 */
export function oidcProvider(provider: TOidcProvider): OAuthConfig<TOidcClaims> {
  return {
    id: provider.id,
    name: provider.name,
    type: "oauth",
    wellKnown: `${provider.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    authorization: { params: { scope: provider.scopes } },
    checks: ["pkce", "state", "nonce"],
    idToken: true,
    profile: (claims) => ({
      id: String(claims.sub),
      email: typeof claims.email === "string" ? claims.email : null,
      name: typeof claims.name === "string" ? claims.name : null,
    }),
  };
}

/** What the sign-in page shows: one button per configured provider. */
export function listSsoProviders(): { id: string; name: string }[] {
  return getOidcProviders().map(({ id, name }) => ({ id, name }));
}
