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
      {/* The first Tab stop: past the header's links to the page itself. */}
      <a
        href="#content"
        className="text-brand-700 sr-only rounded-md bg-white px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <AppHeader userName={user.name} orgName={user.orgName} role={user.role} adminLinks={adminLinks} />
      <main id="content" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-8 outline-none sm:px-6">
        {children}
      </main>
    </>
  );
}
