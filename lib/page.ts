import "server-only";
import { notFound, redirect } from "next/navigation";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { getSessionActor, type TActor } from "@/lib/auth/session";

// Page-only helpers (they use next/navigation, which command-line scripts cannot load; the
// guards in lib/auth/guards.ts stay free of it).

/**
 * For pages: the acting user, or a redirect to sign-in (the proxy redirect is only a
 * convenience). A session that must still set up MFA goes to the enrolment page, the only page
 * it may see (`mfaEnrolment: true`).
 */
export async function requirePageUser({ mfaEnrolment = false } = {}): Promise<TActor> {
  const user = await getSessionActor();
  if (!user) redirect("/sign-in");
  if (user.mfaPending && !mfaEnrolment) redirect(MFA_SETUP_PATH);
  return user;
}

export const MFA_SETUP_PATH = "/mfa-setup";

/** For pages: a lib/ read that was refused renders the 404 page, like a missing record. */
export async function orNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ForbiddenError) notFound();
    throw error;
  }
}
