import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ callbackUrl?: string; error?: string }> };

// Only same-site paths are accepted as a return address (no open redirect): resolved against
// a placeholder origin the way a browser would, so "/\\evil.example" or "/\t/evil" cannot escape.
function safeCallback(value: string | undefined): string {
  if (!value) return "/cases";
  try {
    const url = new URL(value, "http://casebridge.invalid");
    return url.origin === "http://casebridge.invalid" ? url.pathname + url.search + url.hash : "/cases";
  } catch {
    return "/cases";
  }
}

export default async function SignInPage({ searchParams }: Props) {
  const { callbackUrl, error } = await searchParams;
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
      <SignInForm callbackUrl={safeCallback(callbackUrl)} initialError={error} />
    </>
  );
}
