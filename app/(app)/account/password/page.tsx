import type { Metadata } from "next";
import Link from "next/link";
import { PasswordChangeForm } from "@/components/account/password-change-form";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { requirePageUser } from "@/lib/page";
import { changeOwnPasswordAction } from "@/app/(app)/account/password/actions";

export const metadata: Metadata = { title: "Change your password" };

export default async function PasswordPage() {
  await requirePageUser();
  return (
    <div className="max-w-xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Change your password</h1>
        <p className="mt-1 text-sm text-slate-600">
          Type your current password, then the new one twice. Your other sessions end; this browser stays signed in. If
          you sign in with single sign-on, your identity provider keeps your password.
        </p>
        <p className="mt-2 text-sm">
          <Link href="/account/sessions" className="text-brand-700 hover:underline">
            Your sessions
          </Link>
        </p>
      </div>
      <PasswordChangeForm action={changeOwnPasswordAction} minPasswordLength={MIN_PASSWORD_LENGTH} />
    </div>
  );
}
