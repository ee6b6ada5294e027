import type { Metadata } from "next";
import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";

export const metadata: Metadata = { title: "Sign out" };

export default function SignOutPage() {
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold">Sign out</h1>
      <p className="mb-5 text-sm text-slate-600">You will need your password to sign in again.</p>
      <div className="flex items-center justify-between">
        <Link href="/cases" className="text-brand-700 text-sm hover:underline">
          Back to cases
        </Link>
        <SignOutButton variant="primary" />
      </div>
    </>
  );
}
