import type { Server } from "node:http";
import Provider from "oidc-provider";

// A real OpenID Connect provider (the certified `oidc-provider` package) for the single sign-on
// journeys (tests/e2e/sso.spec.ts): discovery, authorization code + PKCE, signed ID tokens. Its
// development sign-in form accepts any password; the login name picks one of ACCOUNTS.

export const TEST_IDP_CLIENT = { id: "casebridge-e2e", secret: "casebridge-e2e-client-secret-0123456789" };

/** Accounts at the IdP, by login name. Their subjects are stable and unrelated to their emails. */
export const TEST_IDP_ACCOUNTS: Record<string, Record<string, unknown>> = {
  // A new Microsoft investigator: created on first sign-in.
  "sso-analyst": { email: "sso.analyst@microsoft.demo", name: "Sso Analyst", groups: ["cb-investigators"] },
  // An address outside the provider's allowed domains.
  mallory: { email: "mallory@evil.example", name: "Mallory", groups: ["cb-investigators"] },
  // The same address as a seeded password user: must not be linked to it.
  "lookalike-investigator": {
    email: "investigator@microsoft.demo",
    name: "Lookalike",
    groups: ["cb-investigators"],
  },
};

/** The IdP's port for an app on `appPort` (apart from every helper's E2E_PORT). */
export const testIdpPort = (appPort: number) => appPort + 1000;
export const testIdpIssuer = (port: number) => `http://127.0.0.1:${port}`;

export function startTestIdp(port: number, redirectUris: string[]): Server {
  const provider = new Provider(testIdpIssuer(port), {
    clients: [
      {
        client_id: TEST_IDP_CLIENT.id,
        client_secret: TEST_IDP_CLIENT.secret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups"],
    // The claims go into the ID token (which next-auth reads), not only to the userinfo endpoint.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["casebridge-e2e-idp-cookie-key"] },
    findAccount: (_ctx, id) => {
      const account = TEST_IDP_ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: `subject-${id}`, email_verified: true, ...account }) };
    },
  });
  return provider.listen(port, "127.0.0.1");
}
