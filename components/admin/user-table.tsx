import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { RoleBadge, UserStatusBadge } from "@/components/admin/user-badges";

export type TUserRow = {
  id: string;
  email: string;
  name: string;
  role: string;
  disabledAt: Date | null;
  createdAt: Date;
};

export function UserTable({ users, isFiltered }: { users: TUserRow[]; isFiltered: boolean }) {
  if (users.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
        <p className="font-medium text-slate-800">{isFiltered ? "No users match these filters" : "No users yet"}</p>
        <p className="mt-1 text-sm text-slate-600">
          {isFiltered
            ? "Try another search, or clear the filters to see everyone."
            : "Create the first user to give someone access."}
        </p>
      </div>
    );
  }
  return (
    <DataTable caption="Users" columns={["User", "Role", "Status", "Created"]}>
      {users.map((u) => (
        <tr key={u.id} className="hover:bg-slate-50">
          <td className="px-4 py-3">
            <Link href={`/admin/users/${u.id}`} className="text-brand-700 font-medium hover:underline">
              {u.name}
            </Link>
            <div className="text-xs text-slate-500">{u.email}</div>
          </td>
          <td className="px-4 py-3">
            <RoleBadge role={u.role} />
          </td>
          <td className="px-4 py-3">
            <UserStatusBadge disabledAt={u.disabledAt} />
          </td>
          <td className="px-4 py-3 text-slate-600">
            <time dateTime={u.createdAt.toISOString()}>{u.createdAt.toISOString().slice(0, 10)}</time>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
