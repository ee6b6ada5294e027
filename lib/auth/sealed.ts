import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { sessionSecret } from "@/lib/auth/session";

// Values only the server may read: what it stores (the MFA secrets) and what it hands out to come
// back unchanged (the audit log's page links, whose row ids would tell one organisation how much
// the other does). AES-256-GCM, so a changed value fails to open rather than opening as another;
// the key is derived from NEXTAUTH_SECRET and the purpose, so one purpose's value never opens as
// another's. Rotating NEXTAUTH_SECRET makes every sealed value unreadable.

export type TSealPurpose = "mfa" | "audit-cursor";

const IV_BYTES = 12;
// The whole tag, and only it: a shorter one would make forgeries cheaper to try.
const TAG_BYTES = 16;

function key(purpose: TSealPurpose): Buffer {
  return createHash("sha256").update(`casebridge-${purpose}:${sessionSecret()}`).digest();
}

/** `plain`, encrypted and authenticated: three base64url parts (iv, tag, body) joined by dots. */
export function seal(purpose: TSealPurpose, plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key(purpose), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
}

/**
 * The sealed text, or null for a value that is damaged, forged, of another purpose or key. Each
 * part must be written exactly as seal writes it: base64url's last character may carry bits the
 * decoder ignores, and a link changed there must not open as the one it was made from.
 */
export function unseal(purpose: TSealPurpose, sealed: string): string | null {
  try {
    const parts = sealed.split(".");
    const [iv, tag, body, extra] = parts.map((part) => Buffer.from(part, "base64url"));
    if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !body || extra) return null;
    if (parts.some((part, i) => [iv, tag, body][i]!.toString("base64url") !== part)) return null;
    const decipher = createDecipheriv("aes-256-gcm", key(purpose), iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
