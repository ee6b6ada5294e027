"use client";

import { GLOBAL_ROLES } from "@/lib/auth/permissions";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, useActionForm, type TFormAction } from "@/components/ui/form";
import { roleLabel } from "@/components/admin/user-badges";

type Props = { action: TFormAction; user: { role: string }; isSelf: boolean };

// The global role only: a user stays in their organisation (an admin manages their own).
export function UserEditForm({ action, user, isSelf }: Props) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-5">
      <div className="max-w-xs">
        <Field
          name="role"
          label="Global role"
          state={state}
          hint={isSelf ? "You cannot remove your own admin role." : undefined}
        >
          {(p) => (
            <select {...p} required defaultValue={user.role}>
              {GLOBAL_ROLES.map((role) => (
                <option key={role} value={role}>
                  {roleLabel(role)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FormMessage state={state} success={state.message} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save changes"}
      </Button>
    </form>
  );
}
