import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { NotFoundError } from "@/lib/errors";
import { requireCaseAccess } from "@/lib/auth/guards";
import { resolveSession, type TActor } from "@/lib/auth/session";
import {
  createSession,
  endOtherOwnSessions,
  endOwnSession,
  endSessionById,
  listOwnSessions,
} from "@/lib/auth/sessions";
import { removeMember } from "@/lib/cases/mutations";
import { endAllUserSessions, resetPassword, setUserDisabled, unlockSignIn, updateUser } from "@/lib/users/mutations";
import { createJointCase, createOrg, createUser } from "@/tests/helpers/factories";

// Server-side sessions: a token is only as good as its row. Each test signs in (creates a row),
// makes the cookie the browser would hold, and replays it after the event that must end it.
const NON_ADMIN_ROLES = ["INVESTIGATOR", "LEGAL", "EXECUTIVE"] as const;

const tokenFor = (sid: string) => encode({ token: { sid }, secret: getEnv().NEXTAUTH_SECRET! });

async function signedIn(user: TActor) {
  const sessionId = await createSession(user.id, { ip: "203.0.113.5", userAgent: "vitest" });
  return { sessionId, token: await tokenFor(sessionId), actor: { ...user, sessionId } };
}

async function orgWithAdmin() {
  const org = await createOrg();
  const admin = await createUser({ orgId: org.id, role: "ADMIN" });
  const user = await createUser({ orgId: org.id });
  return { org, admin, user };
}

describe("resolveSession", () => {
  it("accepts a live session's token, as the user the database says", async () => {
    const { user } = await orgWithAdmin();
    const { token, sessionId } = await signedIn(user);
    expect(await resolveSession(token)).toEqual({ ...user, sessionId });
  });

  it("a token it has already read stops working when it expires, as an unread one does", async () => {
    const { user } = await orgWithAdmin();
    const { sessionId } = await signedIn(user);
    const secret = getEnv().NEXTAUTH_SECRET!;
    const shortLived = await encode({ token: { sid: sessionId }, secret, maxAge: 60 });
    const unread = await encode({ token: { sid: sessionId }, secret, maxAge: 60 });
    expect(await resolveSession(shortLived)).not.toBeNull(); // read, and remembered
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 70_000 });
    try {
      // Within next-auth's 15 s leeway, both still pass; past it, neither does.
      expect(await resolveSession(shortLived)).not.toBeNull();
      vi.setSystemTime(Date.now() + 10_000);
      expect(await resolveSession(shortLived)).toBeNull();
      expect(await resolveSession(unread)).toBeNull();
      // The session itself is still live: a token with a longer life is taken.
      expect(await resolveSession(await tokenFor(sessionId))).not.toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a token replayed after sign-out", async () => {
    const { user } = await orgWithAdmin();
    const { token, sessionId } = await signedIn(user);
    await endSessionById(sessionId, "signed_out");
    expect(await resolveSession(token)).toBeNull();
  });

  it("refuses tokens without a session row: forged, foreign secret, old shape, unknown id", async () => {
    const { user } = await orgWithAdmin();
    const { sessionId } = await signedIn(user);
    expect(await resolveSession(undefined)).toBeNull();
    expect(await resolveSession("not-a-jwt")).toBeNull();
    expect(await resolveSession(await encode({ token: { sid: sessionId }, secret: "x".repeat(40) }))).toBeNull();
    expect(
      await resolveSession(await encode({ token: { sub: user.id }, secret: getEnv().NEXTAUTH_SECRET! })),
    ).toBeNull();
    expect(await resolveSession(await tokenFor(randomUUID()))).toBeNull();
    expect(await resolveSession(await tokenFor("'; DROP TABLE x; --"))).toBeNull();
    expect(await resolveSession(await tokenFor("-".repeat(36)))).toBeNull();
  });

  it("ends a session idle for longer than the limit, and one past its absolute lifetime", async () => {
    const { user } = await orgWithAdmin();
    const idle = await signedIn(user);
    await getDb().userSession.update({
      where: { id: idle.sessionId },
      data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    });
    expect(await resolveSession(idle.token)).toBeNull();

    const old = await signedIn(user);
    await getDb().userSession.update({ where: { id: old.sessionId }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await resolveSession(old.token)).toBeNull();
  });

  it("keeps an active session alive by marking its use, at most once a minute", async () => {
    const { user } = await orgWithAdmin();
    const { token, sessionId } = await signedIn(user);
    const before = new Date(Date.now() - 29 * 60_000);
    await getDb().userSession.update({ where: { id: sessionId }, data: { lastSeenAt: before } });
    expect(await resolveSession(token)).not.toBeNull();
    const seen = (await getDb().userSession.findUniqueOrThrow({ where: { id: sessionId } })).lastSeenAt;
    expect(seen.getTime()).toBeGreaterThan(Date.now() - 10_000);
    await resolveSession(token);
    expect((await getDb().userSession.findUniqueOrThrow({ where: { id: sessionId } })).lastSeenAt).toEqual(seen);
  });
});

describe("events that end a user's sessions on the next request", () => {
  it("disabling ends them, and re-enabling does not bring old tokens back", async () => {
    const { admin, user } = await orgWithAdmin();
    const { token } = await signedIn(user);
    await setUserDisabled(admin, user.id, true);
    expect(await resolveSession(token)).toBeNull();
    await setUserDisabled(admin, user.id, false);
    expect(await resolveSession(token)).toBeNull();
    expect(await resolveSession((await signedIn(user)).token)).not.toBeNull();
  });

  it("a role change ends them; the user signs in again under the new role", async () => {
    const { admin, user } = await orgWithAdmin();
    const { token } = await signedIn(user);
    await updateUser(admin, user.id, { role: "LEGAL" });
    expect(await resolveSession(token)).toBeNull();
    expect((await resolveSession((await signedIn(user)).token))?.role).toBe("LEGAL");
  });

  it("a password reset ends them", async () => {
    const { admin, user } = await orgWithAdmin();
    const { token } = await signedIn(user);
    await resetPassword(admin, user.id, {
      password: "a brand new passphrase",
      confirmPassword: "a brand new passphrase",
    });
    expect(await resolveSession(token)).toBeNull();
  });

  it("an admin's 'end all sessions' ends every session of that user only, audited", async () => {
    const { admin, user } = await orgWithAdmin();
    const [a, b] = [await signedIn(user), await signedIn(user)];
    const bystander = await signedIn(admin);
    expect(await endAllUserSessions(admin, user.id)).toBe(2);
    expect(await resolveSession(a.token)).toBeNull();
    expect(await resolveSession(b.token)).toBeNull();
    expect(await resolveSession(bystander.token)).not.toBeNull();
    const audit = await getDb().auditEvent.findFirst({ where: { action: "user.sessions_ended", targetId: user.id } });
    expect(audit).toMatchObject({ actorId: admin.id, details: { count: 2 } });
  });

  it("removal from a case denies that case on the next request; the session itself goes on", async () => {
    const joint = await createJointCase();
    const { token } = await signedIn(joint.investigator);
    const before = await resolveSession(token);
    await expect(requireCaseAccess(before!, joint.caseId, "case.read")).resolves.toBeDefined();
    await removeMember(joint.lead, joint.caseId, { userId: joint.investigator.id });
    const after = await resolveSession(token);
    expect(after).not.toBeNull();
    await expect(requireCaseAccess(after!, joint.caseId, "case.read")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("admin session and lockout controls, from both organisations and every role", () => {
  it("another organisation's admin cannot end a user's sessions or unlock them (404), and nothing changes", async () => {
    const { user } = await orgWithAdmin();
    const other = await orgWithAdmin();
    const { token } = await signedIn(user);
    await expect(endAllUserSessions(other.admin, user.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(unlockSignIn(other.admin, user.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await resolveSession(token)).not.toBeNull();
  });

  it.each(NON_ADMIN_ROLES)("a %s cannot end anyone's sessions or unlock anyone (404)", async (role) => {
    const { org, user } = await orgWithAdmin();
    const actor = await createUser({ orgId: org.id, role });
    const { token } = await signedIn(user);
    await expect(endAllUserSessions(actor, user.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(unlockSignIn(actor, user.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await resolveSession(token)).not.toBeNull();
  });

  it("an admin ending their own sessions keeps the one they act from", async () => {
    const { admin } = await orgWithAdmin();
    const [current, elsewhere] = [await signedIn(admin), await signedIn(admin)];
    await endAllUserSessions(current.actor, admin.id);
    expect(await resolveSession(current.token)).not.toBeNull();
    expect(await resolveSession(elsewhere.token)).toBeNull();
  });

  it("an admin unlocks their own organisation's user, audited", async () => {
    const { admin, user } = await orgWithAdmin();
    await unlockSignIn(admin, user.id);
    const audit = await getDb().auditEvent.findFirst({ where: { action: "user.sign_in_unlocked", targetId: user.id } });
    expect(audit).toMatchObject({ actorId: admin.id, details: { wasLocked: false } });
  });
});

describe("a user's own sessions", () => {
  it("lists only the user's live sessions, marking the current one", async () => {
    const { user, admin } = await orgWithAdmin();
    const [current, other, ended] = [await signedIn(user), await signedIn(user), await signedIn(user)];
    await signedIn(admin);
    await endSessionById(ended.sessionId, "signed_out");
    const list = await listOwnSessions(current.actor);
    expect(list.map((s) => [s.id, s.isCurrent]).sort()).toEqual(
      [
        [current.sessionId, true],
        [other.sessionId, false],
      ].sort(),
    );
    expect(list[0]).toMatchObject({ ip: "203.0.113.5", userAgent: "vitest" });
  });

  it("ends one of them, or all but the current one", async () => {
    const { user } = await orgWithAdmin();
    const [current, b, c] = [await signedIn(user), await signedIn(user), await signedIn(user)];
    await endOwnSession(current.actor, b.sessionId);
    expect(await resolveSession(b.token)).toBeNull();
    expect(await endOtherOwnSessions(current.actor)).toBe(1);
    expect(await resolveSession(c.token)).toBeNull();
    expect(await resolveSession(current.token)).not.toBeNull();
  });

  it("cannot end another user's session, in its organisation or the other (404, nothing ends)", async () => {
    const mine = await orgWithAdmin();
    const theirs = await orgWithAdmin();
    const me = await signedIn(mine.user);
    for (const victim of [mine.admin, theirs.user, theirs.admin]) {
      const target = await signedIn(victim);
      await expect(endOwnSession(me.actor, target.sessionId)).rejects.toBeInstanceOf(NotFoundError);
      expect(await resolveSession(target.token)).not.toBeNull();
    }
    await expect(endOwnSession(me.actor, "nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(endOwnSession(me.actor, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });
});
