import type { Metadata } from "next";
import Link from "next/link";
import { UserCreateForm } from "@/components/admin/user-create-form";
import { orNotFound, requirePageUser } from "@/lib/page";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { listOrganizations } from "@/lib/users/queries";
import { createUserAction } from "@/app/(app)/admin/users/actions";

export const metadata: Metadata = { title: "New user" };

export default async function NewUserPage() {
  const actor = await requirePageUser();
  // Admin pages do not exist for anyone else: lib/users refuses them (NotFoundError → 404).
  const organizations = await orNotFound(listOrganizations(actor));
  return (
    <>
      <Link href="/admin/users" className="text-brand-700 text-sm hover:underline">
        ← All users
      </Link>
      <h1 className="mt-2 mb-6 text-2xl font-semibold tracking-tight">New user</h1>
      <UserCreateForm action={createUserAction} organizations={organizations} minPasswordLength={MIN_PASSWORD_LENGTH} />
    </>
  );
}
