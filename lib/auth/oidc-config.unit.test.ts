import { describe, expect, it } from "vitest";
import { parseOidcProviders } from "@/lib/env";

// Single sign-on configuration from the environment (lib/env.ts): every field that decides who
// gets in is required, and a mistake stops the app with the variable's name.
const entra = {
  OIDC_ENTRA_NAME: "Microsoft Entra ID",
  OIDC_ENTRA_ISSUER: "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
  OIDC_ENTRA_CLIENT_ID: "client",
  OIDC_ENTRA_CLIENT_SECRET: "secret",
  OIDC_ENTRA_ORG: "microsoft",
  OIDC_ENTRA_EMAIL_DOMAINS: "Microsoft.com, microsoft.demo",
  OIDC_ENTRA_ROLE_CLAIM: "roles",
  OIDC_ENTRA_ROLES: "Casebridge.Admin=ADMIN, Casebridge.Investigator=INVESTIGATOR",
};

describe("parseOidcProviders", () => {
  it("reads each listed provider from its own OIDC_<ID>_* variables", () => {
    const [p] = parseOidcProviders("entra", entra);
    expect(p).toEqual({
      id: "entra",
      name: "Microsoft Entra ID",
      issuer: entra.OIDC_ENTRA_ISSUER,
      clientId: "client",
      clientSecret: "secret",
      scopes: "openid email profile",
      orgSlug: "microsoft",
      emailDomains: ["microsoft.com", "microsoft.demo"],
      roleClaim: "roles",
      roles: [
        ["Casebridge.Admin", "ADMIN"],
        ["Casebridge.Investigator", "INVESTIGATOR"],
      ],
      mfa: "amr",
    });
  });

  it("maps ids with dashes to underscores and needs no providers at all", () => {
    const vars = Object.fromEntries(Object.entries(entra).map(([k, v]) => [k.replace("ENTRA", "OKTA_EU"), v]));
    expect(parseOidcProviders("okta-eu", vars)[0]?.orgSlug).toBe("microsoft");
    expect(parseOidcProviders(undefined, {})).toEqual([]);
  });

  it.each([
    ["OIDC_ENTRA_ISSUER", undefined],
    ["OIDC_ENTRA_ORG", undefined],
    ["OIDC_ENTRA_EMAIL_DOMAINS", ""],
    ["OIDC_ENTRA_EMAIL_DOMAINS", "*"],
    ["OIDC_ENTRA_ROLES", "Casebridge.Admin=ROOT"],
    ["OIDC_ENTRA_MFA", "none"],
  ])("refuses %s=%j, naming the variable", (key, value) => {
    expect(() => parseOidcProviders("entra", { ...entra, [key]: value })).toThrow(key);
  });
});
