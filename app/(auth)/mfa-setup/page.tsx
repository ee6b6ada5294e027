import type { Metadata } from "next";
import Link from "next/link";
import { MfaEnrolForm } from "@/components/account/mfa-enrol-form";
import { MfaResetForm } from "@/components/account/mfa-reset-form";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { requirePageUser } from "@/lib/page";
import { getMfaStatus, startEnrolment } from "@/lib/auth/mfa";
import { confirmMfaAction, resetOwnMfaAction } from "@/app/(auth)/mfa-setup/actions";

export const metadata: Metadata = { title: "Two-step sign-in" };

export default async function MfaSetupPage() {
  const actor = await requirePageUser({ mfaEnrolment: true });
  const status = await getMfaStatus(actor);
  if (status.enabled)
    return (
      <>
        <h1 className="mb-2 text-lg font-semibold">Two-step sign-in</h1>
        <p className="mb-4 text-sm text-slate-600">
          Two-step sign-in is on. {status.recoveryCodesLeft} unused recovery codes left. If you lose your device and
          your recovery codes, an administrator of your organisation can reset it.
        </p>
        <Link href="/cases" className="text-brand-700 mb-4 inline-block text-sm hover:underline">
          Back to cases
        </Link>
        <MfaResetForm action={resetOwnMfaAction} />
      </>
    );
  const enrolment = await startEnrolment(actor);
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold">Set up two-step sign-in</h1>
      <p className="mb-4 text-sm text-slate-600">
        {actor.mfaPending
          ? "Your role requires a second step at sign-in. Set it up to continue."
          : "Optional for your role: a code from your phone at each sign-in."}
      </p>
      <MfaEnrolForm action={confirmMfaAction} qrDataUrl={enrolment.qrDataUrl} secret={enrolment.secret} />
      {actor.mfaPending && (
        <div className="mt-4 flex justify-end">
          <SignOutButton />
        </div>
      )}
    </>
  );
}
