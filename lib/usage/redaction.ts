import "server-only";
import { createHash } from "node:crypto";
import { getEnv } from "@/lib/env";
import { createRedactor, type TRedact } from "@/lib/usage/parse";

/**
 * Secret API keys are redacted with a key of this server's (derived from, never equal to, the
 * session secret): the same secret gives the same value in a usage import and in an entity
 * typed by hand, so they link, but the value cannot be checked against a guessed key.
 */
export function serverRedactor(): TRedact {
  const secret = getEnv().NEXTAUTH_SECRET ?? "casebridge-development-redaction-key";
  return createRedactor(createHash("sha256").update(`casebridge usage redaction\0${secret}`).digest());
}
