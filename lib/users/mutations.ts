import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { parseId, requireGlobal } from "@/lib/auth/guards";
import { hashPassword } from "@/lib/auth/password";
import { clearMfa } from "@/lib/auth/mfa";
import { endUserSessions } from "@/lib/auth/sessions";
import { getSignInThrottle } from "@/lib/auth/throttle";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, FIELDS_REFUSED, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { addressFitsOrg } from "@/lib/users/domains";
import { ZCreateUser, ZResetPassword, ZUpdateUser } from "@/lib/users/schemas";
import { parseInput } from "@/lib/validation";

// Admin user management. An admin is their own organisation's admin: every function here acts
// on users of the actor's organisation only, and a user or organisation id of another one is
// NotFound, as if it did not exist (there is no operator above the organisations). Order in
// every function: the role check (non-admins get 404 whatever they send), then the input parse
// (bad input writes nothing), then one transaction holding the change and its audit row, so a
// change is never saved unaudited. Passwords and hashes never reach the audit details.

type Tx = Prisma.TransactionClient;

function duplicateEmail(email: string): ConflictError {
  return new ConflictError(`A user with the email ${email} already exists.`);
}

/**
 * The address must fit the actor's organisation (addressFitsOrg): not at another organisation's
 * domain, and at one of its own when it has any. Asked before anything is looked up by email, so
 * another organisation's address meets this refusal whether or not a user has it.
 */
async function requireAddressFits(actor: TActor, email: string): Promise<void> {
  const { fits, own } = await addressFitsOrg(actor.orgId, email);
  if (fits) return;
  throw new ValidationError(FIELDS_REFUSED, {
    email: [
      own.length
        ? `Use an address at ${own.join(" or ")}: your organisation's users are created only at its own domains.`
        : "That address is at another organisation's domain: use one of your organisation's own.",
    ],
  });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * The organisation a form names must be the admin's own; leaving it out means the admin's own.
 * Any other id, real or forged, is NotFound: no admin places a user in another organisation.
 */
function ownOrg(actor: TActor, orgId: string | undefined): string {
  if (orgId !== undefined && orgId !== actor.orgId) throw new NotFoundError();
  return actor.orgId;
}

// Two admins of one organisation demoting or disabling each other at the same moment must not
// leave it with nobody able to administer it: a transaction-scoped advisory lock per
// organisation serialises such changes, and each checks that another active admin of the
// organisation remains.
const ADMIN_SET_LOCK = 0x0ca5ec;
async function assertAnotherAdminRemains(tx: Tx, orgId: string, targetId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK}::int, hashtext(${orgId}))`;
  const others = await tx.user.count({
    where: { orgId, role: "ADMIN", disabledAt: null, id: { not: targetId } },
  });
  if (others === 0)
    throw new ForbiddenError("This is your organisation's last active admin: make someone else an admin first.");
}

// Row-locks the user for the rest of the transaction, so two admins editing the same user at
// once are serialised and each audit row records the true "before" state. A user of another
// organisation is neither locked nor found.
async function lockUser(tx: Tx, actor: TActor, userId: string) {
  await tx.$queryRaw`SELECT 1 FROM "User" WHERE id = ${userId}::uuid AND "orgId" = ${actor.orgId}::uuid FOR UPDATE`;
  const user = await tx.user.findFirst({
    where: { id: userId, orgId: actor.orgId },
    select: { id: true, email: true, role: true, disabledAt: true, mfaEnabledAt: true },
  });
  if (!user) throw new NotFoundError();
  return user;
}

export async function createUser(actor: TActor, input: unknown): Promise<{ id: string }> {
  requireGlobal(actor, "user.manage");
  const parsed = parseInput(ZCreateUser, input);
  const { email, name, role, password } = parsed;
  const orgId = ownOrg(actor, parsed.orgId);
  await requireAddressFits(actor, email);
  const passwordHash = await hashPassword(password); // slow on purpose: outside the transaction

  try {
    return await getDb().$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw duplicateEmail(email);
      const user = await tx.user.create({ data: { email, name, orgId, role, passwordHash }, select: { id: true } });
      await recordAudit(
        {
          actorId: actor.id,
          action: "user.created",
          targetType: "user",
          targetId: user.id,
          details: { email, name, orgId, role },
        },
        tx,
      );
      return user;
    });
  } catch (error) {
    // Two admins creating the same email at once: the unique index decides, with the same message.
    if (isUniqueViolation(error)) throw duplicateEmail(email);
    throw error;
  }
}

/**
 * Changes a user's global role. Users never change organisation: a form may name only the
 * admin's own. An admin cannot remove their own admin role.
 */
export async function updateUser(actor: TActor, userId: unknown, input: unknown): Promise<void> {
  requireGlobal(actor, "user.manage");
  const id = parseId(userId);
  const parsed = parseInput(ZUpdateUser, input);
  ownOrg(actor, parsed.orgId);
  const { role } = parsed;

  // Guarantees the actor stays an admin and no one locks themself out.
  if (id === actor.id && role !== "ADMIN")
    throw new ForbiddenError("You cannot remove your own admin role. Ask another admin to do it.");

  await getDb().$transaction(async (tx) => {
    const before = await lockUser(tx, actor, id);
    if (before.role === role) return;
    if (before.role === "ADMIN") await assertAnotherAdminRemains(tx, actor.orgId, id);
    await tx.user.update({ where: { id }, data: { role } });
    // Every request re-reads the role anyway; ending the sessions also makes the user sign in
    // again under the new role's rules (e.g. its MFA requirement).
    const sessionsEnded = await endUserSessions(tx, id, "role_changed");
    await recordAudit(
      {
        actorId: actor.id,
        action: "user.updated",
        targetType: "user",
        targetId: id,
        details: { changes: { role: { from: before.role, to: role } }, sessionsEnded },
      },
      tx,
    );
  });
}

/**
 * Disables (signs out at the next request and refuses sign-in) or re-enables a user. An admin
 * cannot disable themself. Setting the state a user already has changes and audits nothing.
 */
export async function setUserDisabled(actor: TActor, userId: unknown, disabled: boolean): Promise<void> {
  requireGlobal(actor, "user.manage");
  const id = parseId(userId);
  if (id === actor.id && disabled)
    throw new ForbiddenError("You cannot disable your own account. Ask another admin to do it.");

  await getDb().$transaction(async (tx) => {
    const before = await lockUser(tx, actor, id);
    if (Boolean(before.disabledAt) === disabled) return;
    if (disabled && before.role === "ADMIN") await assertAnotherAdminRemains(tx, actor.orgId, id);
    await tx.user.update({ where: { id }, data: { disabledAt: disabled ? new Date() : null } });
    // Ended for good: re-enabling the user later does not bring these sessions back.
    const sessionsEnded = disabled ? await endUserSessions(tx, id, "disabled") : 0;
    await recordAudit(
      {
        actorId: actor.id,
        action: disabled ? "user.disabled" : "user.enabled",
        targetType: "user",
        targetId: id,
        ...(disabled ? { details: { sessionsEnded } } : {}),
      },
      tx,
    );
  });
}

/**
 * Sets a new password typed by the admin, ends every session of the user and lifts any sign-in
 * lockout on their email.
 */
export async function resetPassword(actor: TActor, userId: unknown, input: unknown): Promise<void> {
  requireGlobal(actor, "user.manage");
  const id = parseId(userId);
  const passwordHash = await hashPassword(parseInput(ZResetPassword, input).password);
  // The lock is read before the transaction: it lives in Redis or on another connection, which
  // the embedded database would not serve while this transaction is open. Only the audit row
  // (written once lockUser has allowed the reset) tells of it.
  const known = await getDb().user.findFirst({ where: { id, orgId: actor.orgId }, select: { email: true } });
  const lockedBefore = known ? (await getSignInThrottle().lockedFor(known.email)) > 0 : false;

  const email = await getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, actor, id);
    await tx.user.update({ where: { id }, data: { passwordHash } });
    const sessionsEnded = await endUserSessions(tx, id, "password_reset");
    const lockoutCleared = lockedBefore && known?.email === user.email;
    await recordAudit(
      {
        actorId: actor.id,
        action: "user.password_reset",
        targetType: "user",
        targetId: id,
        details: { lockoutCleared, sessionsEnded },
      },
      tx,
    );
    return user.email;
  });
  await getSignInThrottle().unlock(email);
}

/** An admin's "end all sessions": the user is signed out everywhere at their next request. */
export async function endAllUserSessions(actor: TActor, userId: unknown): Promise<number> {
  requireGlobal(actor, "user.manage");
  const id = parseId(userId);
  return getDb().$transaction(async (tx) => {
    await lockUser(tx, actor, id);
    const count = await endUserSessions(tx, id, "ended_by_admin", id === actor.id ? actor.sessionId : undefined);
    await recordAudit(
      { actorId: actor.id, action: "user.sessions_ended", targetType: "user", targetId: id, details: { count } },
      tx,
    );
    return count;
  });
}

/**
 * An admin's reset of a user's two-step sign-in (a lost phone): secret and recovery codes are
 * removed and the user's sessions end; where MFA is required they enrol again at next sign-in.
 * A user who has not set it up is refused (Conflict) and nothing changes: there is nothing to
 * reset, and ending their sessions for it would only sign them out.
 */
export async function resetUserMfa(actor: TActor, userId: unknown): Promise<void> {
  requireGlobal(actor, "user.manage");
  const id = parseId(userId);
  await getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, actor, id);
    if (!user.mfaEnabledAt) {
      throw new ConflictError("Two-step sign-in is not set up for this user: there is nothing to reset.");
    }
    await clearMfa(tx, id);
    const sessionsEnded = await endUserSessions(tx, id, "mfa_reset", id === actor.id ? actor.sessionId : undefined);
    await recordAudit(
      { actorId: actor.id, action: "user.mfa_reset", targetType: "user", targetId: id, details: { sessionsEnded } },
      tx,
    );
  });
}

/** An admin's unlock: the user's sign-in lockout ends now instead of when it runs out. */
export async function unlockSignIn(actor: TActor, userId: unknown): Promise<boolean> {
  requireGlobal(actor, "user.manage");
  const id = parseId(userId);
  const user = await getDb().user.findFirst({ where: { id, orgId: actor.orgId }, select: { email: true } });
  if (!user) throw new NotFoundError();
  const wasLocked = (await getSignInThrottle().lockedFor(user.email)) > 0;
  await getSignInThrottle().unlock(user.email);
  await recordAudit({
    actorId: actor.id,
    action: "user.sign_in_unlocked",
    targetType: "user",
    targetId: id,
    details: { wasLocked },
  });
  return wasLocked;
}
