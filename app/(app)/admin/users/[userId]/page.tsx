import type { Metadata } from "next";
import { AdminSection } from "@/components/admin/admin-section";
import { PasswordResetForm } from "@/components/admin/password-reset-form";
import { UserEditForm } from "@/components/admin/user-edit-form";
import { UserStatusForm } from "@/components/admin/user-status-form";
import { UserSummary } from "@/components/admin/user-summary";
import { orNotFound, requirePageUser } from "@/lib/page";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { OneClickForm } from "@/components/account/one-click-form";
import { getUser, getUserSignInState } from "@/lib/users/queries";
import {
  endAllSessionsAction,
  resetMfaAction,
  resetPasswordAction,
  setUserDisabledAction,
  unlockSignInAction,
  updateUserAction,
} from "@/app/(app)/admin/users/actions";

export const metadata: Metadata = { title: "User" };

type Props = { params: Promise<{ userId: string }> };

export default async function UserPage({ params }: Props) {
  const actor = await requirePageUser();
  // Admin pages do not exist for anyone else; another organisation's user, an unknown or a
  // malformed id is the same 404.
  const { userId } = await params;
  const user = await orNotFound(getUser(actor, userId));
  const isSelf = user.id === actor.id;
  const signIn = await getUserSignInState(actor, user.id);
  return (
    <div className="max-w-3xl space-y-6">
      <UserSummary user={user} />
      <AdminSection title="Role">
        <UserEditForm action={updateUserAction.bind(null, user.id)} user={{ role: user.role }} isSelf={isSelf} />
      </AdminSection>
      <AdminSection title="Access">
        <UserStatusForm
          action={setUserDisabledAction.bind(null, user.id)}
          isDisabled={Boolean(user.disabledAt)}
          isSelf={isSelf}
        />
      </AdminSection>
      <AdminSection title="Sessions and sign-in">
        <div className="space-y-4">
          <OneClickForm
            action={endAllSessionsAction.bind(null, user.id)}
            label="End all sessions"
            variant="danger"
            description={`${signIn.activeSessions} active session${signIn.activeSessions === 1 ? "" : "s"}. Ending them signs the user out everywhere at their next request${isSelf ? " (except this session of yours)" : ""}.`}
          />
          <OneClickForm
            action={unlockSignInAction.bind(null, user.id)}
            label="Unlock sign-in"
            disabled={signIn.lockedForMinutes === 0}
            description={
              signIn.lockedForMinutes > 0
                ? `Sign-in is locked after repeated failures for about ${signIn.lockedForMinutes} more minute${signIn.lockedForMinutes === 1 ? "" : "s"}.`
                : "Sign-in is not locked."
            }
          />
          {/* Disabled rather than hidden: after a reset the form stays on the page to show its outcome. */}
          <OneClickForm
            action={resetMfaAction.bind(null, user.id)}
            label="Reset two-step sign-in"
            disabled={!signIn.mfaEnabled}
            description={
              signIn.mfaEnabled
                ? "Two-step sign-in is on. Reset it when the user lost their device: their sessions end and they set it up again at their next sign-in."
                : "Two-step sign-in is not set up, so there is nothing to reset."
            }
          />
        </div>
      </AdminSection>
      <AdminSection title="Password">
        <PasswordResetForm action={resetPasswordAction.bind(null, user.id)} minPasswordLength={MIN_PASSWORD_LENGTH} />
      </AdminSection>
    </div>
  );
}
