import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import type { TOidcProvider } from "@/lib/env";
import { createSession } from "@/lib/auth/sessions";
import { verifyPassword } from "@/lib/auth/password";
import { amrShowsMfa, signInWithSso, SSO_ERROR } from "@/lib/auth/sso";
import { createOrg, createUser, TEST_PASSWORD, uid } from "@/tests/helpers/factories";

// The decisions after the OIDC protocol has run (tests/e2e/sso.spec.ts runs the protocol against
// a real provider): who an (issuer, subject) is here, and who is refused, against real PostgreSQL.
const ISSUER = "https://idp.test.example";

async function setup(overrides: Partial<TOidcProvider> = {}) {
  const org = await createOrg();
  const provider: TOidcProvider = {
    id: "test",
    name: "Test IdP",
    issuer: ISSUER,
    clientId: "casebridge",
    clientSecret: "secret",
    scopes: "openid email profile",
    orgSlug: org.slug,
    emailDomains: ["corp.example"],
    roleClaim: "groups",
    roles: [
      ["cb-admins", "ADMIN"],
      ["cb-investigators", "INVESTIGATOR"],
    ],
    mfa: "amr",
    ...overrides,
  };
  return { org, provider };
}

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  sub: randomUUID(),
  email: `person-${uid()}@corp.example`,
  name: "Sam Person",
  groups: ["cb-investigators"],
  ...extra,
});

const auditRows = (action: string, since: Date) =>
  getDb().auditEvent.findMany({ where: { action, occurredAt: { gte: since } }, orderBy: { occurredAt: "asc" } });

describe("signInWithSso", () => {
  it("creates the user in the provider's organisation with the mapped role, then signs the same identity in", async () => {
    const { org, provider } = await setup();
    const c = claims();
    const since = new Date();
    const first = await signInWithSso(provider, c);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const user = await getDb().user.findUniqueOrThrow({ where: { id: first.userId } });
    expect(user).toMatchObject({ email: c.email, orgId: org.id, role: "INVESTIGATOR", name: "Sam Person" });
    // Nobody knows its password: it signs in only through the IdP.
    expect(await verifyPassword(user.passwordHash, "")).toBe(false);
    const session = await getDb().userSession.findUniqueOrThrow({ where: { id: first.sessionId } });
    expect(session).toMatchObject({ userId: user.id, endedAt: null, mfaPending: false });

    const second = await signInWithSso(provider, { ...c, email: c.email.toUpperCase() });
    expect(second).toMatchObject({ ok: true, userId: user.id });
    expect(await getDb().ssoAccount.count({ where: { userId: user.id } })).toBe(1);
    expect((await auditRows("user.created_by_sso", since)).filter((r) => r.targetId === user.id)).toHaveLength(1);
    const signIns = (await auditRows("auth.sign_in", since)).filter((r) => r.actorId === user.id);
    expect(signIns.map((r) => (r.details as { method: string }).method)).toEqual(["sso", "sso"]);
  });

  it("never links an existing user by email: refused, nothing created, the password still works", async () => {
    const { org, provider } = await setup({ emailDomains: ["test.example"] });
    const existing = await createUser({ orgId: org.id });
    const since = new Date();
    const result = await signInWithSso(provider, claims({ email: existing.email }));
    expect(result).toEqual({ ok: false, error: SSO_ERROR.emailTaken });
    expect(await getDb().ssoAccount.count({ where: { userId: existing.id } })).toBe(0);
    const user = await getDb().user.findUniqueOrThrow({ where: { id: existing.id } });
    expect(await verifyPassword(user.passwordHash, TEST_PASSWORD)).toBe(true);
    expect(await getDb().userSession.count({ where: { userId: existing.id } })).toBe(0);
    const refused = await auditRows("auth.sso_refused", since);
    expect(refused.some((r) => (r.details as { email: string }).email === existing.email)).toBe(true);
  });

  it("keys on (issuer, subject): the same subject at another issuer is another identity", async () => {
    const { provider } = await setup();
    const c = claims();
    const first = await signInWithSso(provider, c);
    const other = await signInWithSso(
      { ...provider, issuer: "https://other.test.example" },
      {
        ...c,
        iss: "https://other.test.example",
      },
    );
    expect(first.ok).toBe(true);
    // Same email, new identity: not linked to the first user.
    expect(other).toEqual({ ok: false, error: SSO_ERROR.emailTaken });
  });

  it("refuses an email outside the allowed domains, an unverified one, and none at all", async () => {
    const { provider } = await setup();
    for (const extra of [
      { email: "mallory@evil.example" },
      { email: "mallory@corp.example.evil.example" },
      { email_verified: false },
      { email: undefined },
    ]) {
      expect(await signInWithSso(provider, claims(extra))).toEqual({ ok: false, error: SSO_ERROR.domain });
    }
    expect(
      await getDb().ssoAccount.count({ where: { provider: "test", user: { email: "mallory@evil.example" } } }),
    ).toBe(0);
  });

  it("refuses an address at another organisation's domain, whatever the provider allows; its own signs in", async () => {
    const [theirs, mine] = [`${uid()}.example`, `${uid()}.example`];
    const { org, provider } = await setup({ emailDomains: [theirs, mine] });
    const other = await createOrg();
    await getDb().organizationDomain.createMany({
      data: [
        { domain: theirs, orgId: other.id },
        { domain: mine, orgId: org.id },
      ],
    });
    const taken = await getDb().user.create({
      data: {
        email: `taken-${uid()}@${theirs}`,
        name: "Theirs",
        passwordHash: "x",
        orgId: other.id,
        role: "INVESTIGATOR",
      },
    });
    // The same refusal whether or not the other organisation has a user at that address.
    for (const email of [taken.email, `free-${uid()}@${theirs}`, `FREE-${uid()}@${theirs.toUpperCase()}`])
      expect(await signInWithSso(provider, claims({ email }))).toEqual({ ok: false, error: SSO_ERROR.domain });
    expect(await getDb().user.count({ where: { email: { endsWith: `@${theirs}` } } })).toBe(1);
    expect(await getDb().ssoAccount.count({ where: { user: { email: { endsWith: `@${theirs}` } } } })).toBe(0);

    const own = await signInWithSso(provider, claims({ email: `person-${uid()}@${mine}` }));
    expect(own.ok).toBe(true);
    if (own.ok)
      expect(await getDb().user.findUniqueOrThrow({ where: { id: own.userId } })).toMatchObject({ orgId: org.id });
  });

  it("refuses a provider mapped to an organisation that does not exist", async () => {
    const { provider } = await setup({ orgSlug: `missing-${uid()}` });
    const c = claims();
    expect(await signInWithSso(provider, c)).toEqual({ ok: false, error: SSO_ERROR.noOrganisation });
    expect(await getDb().user.count({ where: { email: c.email } })).toBe(0);
  });

  it("refuses without a mapped role unless a default role is configured", async () => {
    const { provider } = await setup();
    expect(await signInWithSso(provider, claims({ groups: ["someone-else"] }))).toEqual({
      ok: false,
      error: SSO_ERROR.noRole,
    });
    const withDefault = await signInWithSso({ ...provider, defaultRole: "EXECUTIVE" }, claims({ groups: "x" }));
    expect(withDefault.ok).toBe(true);
    if (withDefault.ok)
      expect((await getDb().user.findUniqueOrThrow({ where: { id: withDefault.userId } })).role).toBe("EXECUTIVE");
  });

  it("refuses a disabled user and a user who moved to another organisation", async () => {
    const { provider } = await setup();
    const c = claims();
    const first = await signInWithSso(provider, c);
    if (!first.ok) throw new Error("sign-in failed");
    await getDb().user.update({ where: { id: first.userId }, data: { disabledAt: new Date() } });
    expect(await signInWithSso(provider, c)).toEqual({ ok: false, error: SSO_ERROR.disabled });
    const other = await createOrg();
    await getDb().user.update({ where: { id: first.userId }, data: { disabledAt: null, orgId: other.id } });
    expect(await signInWithSso(provider, c)).toEqual({ ok: false, error: SSO_ERROR.wrongOrganisation });
  });

  it("syncs the role from the IdP and ends the user's older sessions when it changes", async () => {
    const { provider } = await setup({ mfa: "idp" });
    const c = claims();
    const first = await signInWithSso(provider, c);
    if (!first.ok) throw new Error("sign-in failed");
    const older = await createSession(first.userId);
    const promoted = await signInWithSso(provider, { ...c, groups: ["cb-admins", "cb-investigators"] });
    expect(promoted.ok).toBe(true);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: first.userId } })).role).toBe("ADMIN");
    const ended = await getDb().userSession.findUniqueOrThrow({ where: { id: older } });
    expect(ended.endedReason).toBe("role_changed");
  });

  it("wants the IdP's second factor for users our MFA policy covers, unless the provider enforces MFA", async () => {
    const { provider } = await setup();
    const admin = claims({ groups: ["cb-admins"] });
    expect(await signInWithSso(provider, admin)).toEqual({ ok: false, error: SSO_ERROR.mfa });
    expect(await signInWithSso(provider, { ...admin, amr: ["pwd"] })).toEqual({ ok: false, error: SSO_ERROR.mfa });
    expect((await signInWithSso(provider, { ...admin, amr: ["pwd", "otp"] })).ok).toBe(true);
    expect((await signInWithSso({ ...provider, mfa: "idp" }, claims({ groups: ["cb-admins"] }))).ok).toBe(true);
    // Not covered by the policy: no second factor needed.
    expect((await signInWithSso(provider, claims())).ok).toBe(true);
  });

  it("refuses malformed claims without writing a user", async () => {
    const { provider } = await setup();
    for (const bad of [{}, { iss: ISSUER }, claims({ sub: "" }), claims({ email: ["a@corp.example"] })]) {
      const result = await signInWithSso(provider, bad);
      expect(result.ok).toBe(false);
    }
  });
});

describe("amrShowsMfa", () => {
  it.each([
    [undefined, false],
    [["pwd"], false],
    [["pwd", "pwd"], false],
    [["mfa"], true],
    [["pwd", "otp"], true],
    [["hwk", "pin"], true],
  ])("%j → %s", (amr, expected) => {
    expect(amrShowsMfa(amr)).toBe(expected);
  });
});
