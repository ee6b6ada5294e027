import Link from "next/link";

type Props = { userName: string; orgName: string; role: string; adminLinks: { href: string; label: string }[] };

export function AppHeader({ userName, orgName, role, adminLinks }: Props) {
  const roleLabel = role.charAt(0) + role.slice(1).toLowerCase();
  return (
    <header className="border-b border-slate-200 bg-white">
      {/* One row from the small breakpoint up; on a phone the main links take a row of their own. */}
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 sm:h-14 sm:flex-nowrap sm:gap-6 sm:px-6 sm:py-0">
        <Link href="/cases" className="text-brand-900 shrink-0 text-base font-semibold tracking-tight sm:text-lg">
          Casebridge
        </Link>
        <nav
          aria-label="Main"
          className="order-last flex w-full gap-4 overflow-x-auto text-sm whitespace-nowrap sm:order-none sm:w-auto"
        >
          <Link href="/cases" className="hover:text-brand-700 text-slate-700">
            Cases
          </Link>
          {adminLinks.map((link) => (
            <Link key={link.href} href={link.href} className="hover:text-brand-700 text-slate-700">
              {link.label}
            </Link>
          ))}
        </nav>
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
