import Link from "next/link";

type Props = { userName: string; orgName: string; role: string; adminLinks: { href: string; label: string }[] };

export function AppHeader({ userName, orgName, role, adminLinks }: Props) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-7xl items-center justify-between px-4 sm:px-6">
        <div className="flex items-center gap-6">
          <Link href="/cases" className="text-brand-900 text-lg font-semibold tracking-tight">
            Casebridge
          </Link>
          <nav aria-label="Main" className="flex gap-4 text-sm">
            <Link href="/cases" className="hover:text-brand-700 text-slate-700">
              Cases
            </Link>
            {adminLinks.map((link) => (
              <Link key={link.href} href={link.href} className="hover:text-brand-700 text-slate-700">
                {link.label}
              </Link>
            ))}
          </nav>
        </div>
        <div className="flex items-center gap-4 text-sm">
          <span className="text-right leading-tight">
            <span className="block font-medium text-slate-800">{userName}</span>
            <span className="block text-xs text-slate-500">
              {orgName} · {role.charAt(0) + role.slice(1).toLowerCase()}
            </span>
          </span>
          <Link
            href="/sign-out"
            className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            Sign out
          </Link>
        </div>
      </div>
    </header>
  );
}
