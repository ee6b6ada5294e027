import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/sign-in-form";
import { SsoButtons } from "@/components/auth/sso-buttons";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { signInLockMinutes } from "@/lib/auth/throttle";
import { listSsoProviders } from "@/lib/auth/oidc";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ callbackUrl?: string; error?: string }> };

export default async function SignInPage({ searchParams }: Props) {
  const { callbackUrl, error } = await searchParams;
  const target = safeCallbackPath(callbackUrl);
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      <SignInForm callbackUrl={target} initialError={error} lockMinutes={signInLockMinutes()} />
      <SsoButtons providers={listSsoProviders()} callbackUrl={target} />
    </>
  );
}
