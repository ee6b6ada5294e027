"use client";

import { GLOBAL_ROLES } from "@/lib/auth/permissions";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, useActionForm, type TFormAction } from "@/components/ui/form";
import { roleLabel } from "@/components/admin/user-badges";

type Props = {
  action: TFormAction;
  organizations: { id: string; name: string }[];
  user: { orgId: string; role: string };
  isSelf: boolean;
};

export function UserEditForm({ action, organizations, user, isSelf }: Props) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-5">
      <div className="grid gap-5 sm:grid-cols-2">
        <Field name="orgId" label="Organisation" state={state}>
          {(p) => (
            <select {...p} required defaultValue={user.orgId}>
              {organizations.map((org) => (
                <option key={org.id} value={org.id}>
                  {org.name}
                </option>
              ))}
            </select>
          )}
        </Field>
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
