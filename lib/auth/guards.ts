import "server-only";
import { redirect } from "next/navigation";
import { UnauthorizedError } from "@/lib/errors";
import { getCurrentUser, type TActor } from "@/lib/auth/session";

/** For route handlers and server actions: the acting user, or UnauthorizedError (401). */
export async function requireUser(): Promise<TActor> {
  const user = await getCurrentUser();
  if (!user) throw new UnauthorizedError();
  return user;
}

/** For pages: the acting user, or a redirect to sign-in (the proxy redirect is only a convenience). */
export async function requirePageUser(): Promise<TActor> {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return user;
}
