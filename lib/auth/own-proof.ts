import "server-only";
import { recordAudit } from "@/lib/audit/record";
import type { TActor } from "@/lib/auth/session";
import type { TSignInThrottle } from "@/lib/auth/throttle";
import { ValidationError } from "@/lib/errors";

type TProofWording = {
  /** The form field the secret was typed in. */
  field: string;
  /** The account is locked: the form's message, then the field's. */
  locked: [string, string];
  /** The secret is wrong: the form's message, then the field's. */
  wrong: [string, string];
};

/**
 * A secret a signed-in person types to prove it is still them (their current password, a code)
 * before a change to their own account. Attempts count against the account like sign-ins (the
 * same throttle and lock), so a stolen session cannot guess it; a wrong one is audited as
 * `refusedAs`. `check` answers what the secret proved, or null when it is wrong.
 */
export async function proveOwnSecret<T>(
  actor: Pick<TActor, "id" | "email">,
  throttle: TSignInThrottle,
  check: () => Promise<T | null>,
  refusedAs: { action: string; details?: Record<string, unknown> },
  wording: TProofWording,
): Promise<T> {
  const claim = await throttle.claim(actor.email, null);
  if (!claim.ok) throw new ValidationError(wording.locked[0], { [wording.field]: [wording.locked[1]] });
  const proved = await check();
  if (proved === null) {
    const locked = await throttle.failed(actor.email, claim.attempt);
    await recordAudit({
      actorId: actor.id,
      action: refusedAs.action,
      targetType: "user",
      targetId: actor.id,
      details: { ...refusedAs.details, failures: claim.attempt, locked },
    });
    throw new ValidationError(wording.wrong[0], { [wording.field]: [wording.wrong[1]] });
  }
  await throttle.succeeded(actor.email, null, false);
  return proved;
}
