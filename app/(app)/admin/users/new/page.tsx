import type { Metadata } from "next";
import Link from "next/link";
import { UserCreateForm } from "@/components/admin/user-create-form";
import { notFound } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/page";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { ownEmailDomains } from "@/lib/users/queries";
import { createUserAction } from "@/app/(app)/admin/users/actions";

export const metadata: Metadata = { title: "New user" };

export default async function NewUserPage() {
  const actor = await requirePageUser();
  // Admin pages do not exist for anyone else; lib/users refuses the action too. The new user
  // joins the admin's own organisation, the only one an admin manages.
  if (!can(actor, "user.manage")) notFound();
  return (
    <>
      <Link href="/admin/users" className="text-brand-700 text-sm hover:underline">
        ← All users
      </Link>
      <h1 className="mt-2 mb-6 text-2xl font-semibold tracking-tight">New user</h1>
      <UserCreateForm
        action={createUserAction}
        orgName={actor.orgName}
        emailDomains={await ownEmailDomains(actor)}
        minPasswordLength={MIN_PASSWORD_LENGTH}
      />
    </>
  );
}
