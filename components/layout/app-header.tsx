import Link from "next/link";

type Props = { userName: string; orgName: string; role: string; adminLinks: { href: string; label: string }[] };

export function AppHeader({ userName, orgName, role, adminLinks }: Props) {
  const roleLabel = role.charAt(0) + role.slice(1).toLowerCase();
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-7xl items-center justify-between gap-3 px-4 sm:px-6">
        <div className="flex shrink-0 items-center gap-3 sm:gap-6">
          <Link href="/cases" className="text-brand-900 text-base font-semibold tracking-tight sm:text-lg">
            Casebridge
          </Link>
          <nav aria-label="Main" className="flex gap-3 text-sm whitespace-nowrap sm:gap-4">
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
        <div className="flex min-w-0 flex-1 items-center justify-end gap-2 text-sm sm:gap-4">
          {/* One line each, cut with an ellipsis on a phone (the full text in the tooltip). */}
          <span className="min-w-0 text-right leading-tight" title={`${userName} · ${orgName} · ${roleLabel}`}>
            <span className="block max-w-[9rem] truncate font-medium text-slate-800 sm:max-w-[16rem]">{userName}</span>
            <span className="block max-w-[9rem] truncate text-xs text-slate-500 sm:max-w-[16rem]">
              {orgName} · {roleLabel}
            </span>
          </span>
          <Link
            href="/account/sessions"
            className="rounded-md px-2 py-1 whitespace-nowrap text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            Sessions
          </Link>
          <Link
            href="/sign-out"
            className="rounded-md px-2 py-1 whitespace-nowrap text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            Sign out
          </Link>
        </div>
      </div>
    </header>
  );
}
