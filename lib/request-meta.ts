import "server-only";
import { headers } from "next/headers";

export type TRequestMeta = { ip?: string | null; userAgent?: string | null };

/** Client address and user agent of the current request, for the audit log. */
export async function getRequestMeta(): Promise<TRequestMeta> {
  try {
    const h = await headers();
    return { ip: h.get("x-forwarded-for")?.split(",")[0]?.trim() ?? h.get("x-real-ip"), userAgent: h.get("user-agent") };
  } catch {
    return {}; // outside a request (scripts, tests)
  }
}
