"use client";

import { Button } from "@/components/ui/button";
import { FormMessage, useActionForm, type TFormAction } from "@/components/ui/form";

type Props = { action: TFormAction; isDisabled: boolean; isSelf: boolean };

// One-click disable / re-enable. Disabling takes effect at the user's next request (the session
// re-reads the disabled flag), so no confirmation step: it is undone by the same button.
export function UserStatusForm({ action, isDisabled, isSelf }: Props) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  if (isSelf)
    return (
      <p className="text-sm text-slate-600">
        You cannot disable your own account. Ask another admin if it must be disabled.
      </p>
    );
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-3">
      <p className="text-sm text-slate-600">
        {isDisabled
          ? "This user cannot sign in. Re-enabling lets them sign in again with their current password."
          : "Disabling signs the user out at their next request and refuses further sign-ins. Their cases and notes stay."}
      </p>
      <input type="hidden" name="disabled" value={String(!isDisabled)} />
      <Button type="submit" variant={isDisabled ? "secondary" : "danger"} disabled={pending}>
        {isDisabled ? "Re-enable user" : "Disable user"}
      </Button>
      <FormMessage state={state} success={state.message} />
    </form>
  );
}
