import Link from "next/link";
import { RoleBadge, UserStatusBadge } from "@/components/admin/user-badges";

type Props = { user: { name: string; email: string; role: string; orgName: string; disabledAt: Date | null } };

export function UserSummary({ user }: Props) {
  return (
    <div>
      <Link href="/admin/users" className="text-brand-700 text-sm hover:underline">
        ← All users
      </Link>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">{user.name}</h1>
      <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
        <span>{user.email}</span>
        <span aria-hidden="true">·</span>
        <span>{user.orgName}</span>
        <RoleBadge role={user.role} />
        <UserStatusBadge disabledAt={user.disabledAt} />
      </p>
    </div>
  );
}
