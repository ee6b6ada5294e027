import { notFound } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/page";

// Decided here, above the pages' loading boundaries, so that to a non-admin the admin area
// answers a real HTTP 404. Each page and action still checks its own permission in lib/.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser();
  if (!can(user, "user.manage") && !can(user, "audit.read")) notFound();
  return children;
}
