import "server-only";
import { notFound, redirect } from "next/navigation";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { getCurrentUser, type TActor } from "@/lib/auth/session";

// Page-only helpers (they use next/navigation, which command-line scripts cannot load; the
// guards in lib/auth/guards.ts stay free of it).

/** For pages: the acting user, or a redirect to sign-in (the proxy redirect is only a convenience). */
export async function requirePageUser(): Promise<TActor> {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return user;
}

/** For pages: a lib/ read that was refused renders the 404 page, like a missing record. */
export async function orNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof ForbiddenError) notFound();
    throw error;
  }
}
