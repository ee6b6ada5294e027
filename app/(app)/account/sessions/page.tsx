import type { Metadata } from "next";
import Link from "next/link";
import { OneClickForm } from "@/components/account/one-click-form";
import { SessionTable } from "@/components/account/session-table";
import { requirePageUser } from "@/lib/page";
import { listOwnSessions, sessionLimits } from "@/lib/auth/sessions";
import { endOtherSessionsAction, endSessionAction } from "@/app/(app)/account/sessions/actions";

export const metadata: Metadata = { title: "Your sessions" };

export default async function SessionsPage() {
  const actor = await requirePageUser();
  const sessions = await listOwnSessions(actor);
  const { idleMs, maxMs } = sessionLimits();
  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Your sessions</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every browser where you are signed in. A session ends after {idleMs / 60_000} minutes without use and{" "}
          {maxMs / 3_600_000} hours after sign-in. Ending one signs that browser out at its next request.
        </p>
        <p className="mt-2 text-sm">
          <Link href="/mfa-setup" className="text-brand-700 hover:underline">
            Two-step sign-in
          </Link>
          {" · "}
          <Link href="/account/password" className="text-brand-700 hover:underline">
            Change password
          </Link>
        </p>
      </div>
      <SessionTable sessions={sessions} endAction={(id) => endSessionAction.bind(null, id)} />
      <OneClickForm
        action={endOtherSessionsAction}
        label="End all other sessions"
        variant="danger"
        description="Signs you out everywhere except in this browser."
      />
    </div>
  );
}
