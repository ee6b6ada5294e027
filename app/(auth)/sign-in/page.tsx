import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { signInLockMinutes } from "@/lib/auth/throttle";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ callbackUrl?: string; error?: string }> };

export default async function SignInPage({ searchParams }: Props) {
  const { callbackUrl, error } = await searchParams;
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      <SignInForm callbackUrl={safeCallbackPath(callbackUrl)} initialError={error} lockMinutes={signInLockMinutes()} />
    </>
  );
}
