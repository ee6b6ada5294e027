import "server-only";
import { headers } from "next/headers";
import { getEnv } from "@/lib/env";

export type TRequestMeta = { ip?: string | null; userAgent?: string | null };

/**
 * The client address recorded in the audit log. X-Forwarded-For is set by whoever sends the
 * request, so it is believed only when CASEBRIDGE_TRUSTED_PROXIES says how many proxies of
 * ours append to it: then the entry that many hops from the end is the one our outermost proxy
 * saw. Otherwise the address is unknown (Next does not expose the socket's peer address).
 */
export function clientIp(forwardedFor: string | null, trustedProxies: number): string | null {
  if (!forwardedFor || trustedProxies < 1) return null;
  const hops = forwardedFor
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  return hops[hops.length - trustedProxies] ?? null;
}

/** Client address and user agent of the current request, for the audit log. */
export async function getRequestMeta(): Promise<TRequestMeta> {
  try {
    const h = await headers();
    return {
      ip: clientIp(h.get("x-forwarded-for"), getEnv().CASEBRIDGE_TRUSTED_PROXIES),
      userAgent: h.get("user-agent"),
    };
  } catch {
    return {}; // outside a request (scripts, tests)
  }
}
