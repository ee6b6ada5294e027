import "server-only";
import { getDb, Prisma } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { parseId, requireGlobal } from "@/lib/auth/guards";
import { hashPassword } from "@/lib/auth/password";
import type { TActor } from "@/lib/auth/session";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { ZCreateUser, ZResetPassword, ZUpdateUser } from "@/lib/users/schemas";
import { parseInput } from "@/lib/validation";

// Admin user management. Order in every function: the role check (non-admins get 404 whatever
// they send), then the input parse (bad input writes nothing), then one transaction holding the
// change and its audit row, so a change is never saved unaudited. Passwords and hashes never
// reach the audit details.

type Tx = Prisma.TransactionClient;

const ORG_NOT_FOUND = "That organisation no longer exists. Reload the page and choose another.";

function duplicateEmail(email: string): ConflictError {
  return new ConflictError(`A user with the email ${email} already exists.`);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

async function requireOrg(tx: Tx, orgId: string): Promise<void> {
  const org = await tx.organization.findUnique({ where: { id: orgId }, select: { id: true } });
  if (!org) throw new NotFoundError(ORG_NOT_FOUND);
}

// Two admins demoting or disabling each other at the same moment must not leave nobody able to
// administer: a transaction-scoped advisory lock serialises such changes, and each checks that
// an active admin other than its target remains.
const ADMIN_SET_LOCK = 0x0ca5ec;
async function assertAnotherAdminRemains(tx: Tx, targetId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK})`;
  const others = await tx.user.count({ where: { role: "ADMIN", disabledAt: null, id: { not: targetId } } });
  if (others === 0) throw new ForbiddenError("This is the last active admin: make someone else an admin first.");
}

// Row-locks the user for the rest of the transaction, so two admins editing the same user at
// once are serialised and each audit row records the true "before" state.
async function lockUser(tx: Tx, userId: string) {
  await tx.$queryRaw`SELECT 1 FROM "User" WHERE id = ${userId}::uuid FOR UPDATE`;
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, orgId: true, role: true, disabledAt: true },
  });
  if (!user) throw new NotFoundError();
  return user;
}

export async function createUser(actor: TActor, input: unknown): Promise<{ id: string }> {
  requireGlobal(actor, "user.manage");
  const { email, name, orgId, role, password } = parseInput(ZCreateUser, input);
  const passwordHash = await hashPassword(password); // slow on purpose: outside the transaction

  try {
    return await getDb().$transaction(async (tx) => {
      await requireOrg(tx, orgId);
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

/** Changes a user's organisation and global role. An admin cannot remove their own admin role. */
export async function updateUser(actor: TActor, userId: unknown, input: unknown): Promise<void> {
  requireGlobal(actor, "user.manage");
  const id = parseId(userId);
  const { orgId, role } = parseInput(ZUpdateUser, input);
  // Guarantees at least one admin always remains (the actor) and no one locks themself out.
  if (id === actor.id && role !== "ADMIN")
    throw new ForbiddenError("You cannot remove your own admin role. Ask another admin to do it.");
  // Moving oneself into another organisation would open that organisation's owner-only items
  // to the admin; another admin must do it (and it is audited).
  if (id === actor.id && orgId !== actor.orgId)
    throw new ForbiddenError("You cannot move yourself to another organisation. Ask another admin to do it.");

  await getDb().$transaction(async (tx) => {
    const before = await lockUser(tx, id);
    if (before.role === "ADMIN" && role !== "ADMIN") await assertAnotherAdminRemains(tx, id);
    const changes: Record<string, { from: string; to: string }> = {};
    if (before.orgId !== orgId) {
      await requireOrg(tx, orgId);
      changes.orgId = { from: before.orgId, to: orgId };
    }
    if (before.role !== role) changes.role = { from: before.role, to: role };
    if (Object.keys(changes).length === 0) return;
    await tx.user.update({ where: { id }, data: { orgId, role } });
    await recordAudit(
      { actorId: actor.id, action: "user.updated", targetType: "user", targetId: id, details: { changes } },
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
    const before = await lockUser(tx, id);
    if (Boolean(before.disabledAt) === disabled) return;
    if (disabled && before.role === "ADMIN") await assertAnotherAdminRemains(tx, id);
    await tx.user.update({ where: { id }, data: { disabledAt: disabled ? new Date() : null } });
    await recordAudit(
      { actorId: actor.id, action: disabled ? "user.disabled" : "user.enabled", targetType: "user", targetId: id },
      tx,
    );
  });
}

/** Sets a new password typed by the admin and lifts any sign-in lockout on the user's email. */
export async function resetPassword(actor: TActor, userId: unknown, input: unknown): Promise<void> {
  requireGlobal(actor, "user.manage");
  const id = parseId(userId);
  const passwordHash = await hashPassword(parseInput(ZResetPassword, input).password);

  await getDb().$transaction(async (tx) => {
    const user = await lockUser(tx, id);
    await tx.user.update({ where: { id }, data: { passwordHash } });
    const lockout = await tx.signInThrottle.deleteMany({ where: { email: user.email } });
    await recordAudit(
      {
        actorId: actor.id,
        action: "user.password_reset",
        targetType: "user",
        targetId: id,
        details: { lockoutCleared: lockout.count > 0 },
      },
      tx,
    );
  });
}
