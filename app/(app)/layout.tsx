import { AppHeader } from "@/components/layout/app-header";
import { requirePageUser } from "@/lib/page";
import { can } from "@/lib/auth/permissions";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser();
  const adminLinks = [
    ...(can(user, "summary.view") ? [{ href: "/summary", label: "Summary" }] : []),
    ...(can(user, "user.manage") ? [{ href: "/admin/users", label: "Users" }] : []),
    ...(can(user, "audit.read") ? [{ href: "/admin/audit", label: "Audit log" }] : []),
  ];
  return (
    <>
      <AppHeader userName={user.name} orgName={user.orgName} role={user.role} adminLinks={adminLinks} />
      <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6">{children}</main>
    </>
  );
}
