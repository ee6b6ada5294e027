import "server-only";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { TActor } from "@/lib/auth/session";
import { proveOwnSecret } from "@/lib/auth/own-proof";
import { endUserSessions } from "@/lib/auth/sessions";
import { getSignInThrottle, type TSignInThrottle } from "@/lib/auth/throttle";
import { parseInput } from "@/lib/validation";
import { ZChangeOwnPassword } from "@/lib/users/schemas";

// What signed-in people change of their own account. There is no user id in the input: the
// account is always the actor's, so nobody reaches another's.

/**
 * A new password, proven by the current one (ASVS 6.2.3). Wrong current passwords count against
 * the account like wrong sign-ins (the same throttle and lock), so a stolen session cannot guess
 * it. Every other session of the user ends; this one stays. Accounts made by single sign-on have
 * a random password nobody knows (lib/auth/sso.ts), so they cannot change it here.
 */
export async function changeOwnPassword(
  actor: TActor,
  input: unknown,
  throttle: TSignInThrottle = getSignInThrottle(),
): Promise<{ sessionsEnded: number }> {
  const data = parseInput(ZChangeOwnPassword, input);
  const user = await getDb().user.findUniqueOrThrow({ where: { id: actor.id }, select: { passwordHash: true } });
  await proveOwnSecret(
    actor,
    throttle,
    async () => ((await verifyPassword(user.passwordHash, data.currentPassword)) ? true : null),
    { action: "user.password_change_refused" },
    {
      field: "currentPassword",
      locked: ["Too many wrong passwords. Try again later, or ask an administrator.", "Too many wrong passwords."],
      wrong: ["Your current password is not right.", "This is not your current password."],
    },
  );
  const passwordHash = await hashPassword(data.password);
  return getDb().$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.id }, data: { passwordHash } });
    const sessionsEnded = await endUserSessions(tx, actor.id, "password_changed", actor.sessionId);
    await recordAudit(
      {
        actorId: actor.id,
        action: "user.password_changed",
        targetType: "user",
        targetId: actor.id,
        details: { sessionsEnded },
      },
      tx,
    );
    return { sessionsEnded };
  });
}
