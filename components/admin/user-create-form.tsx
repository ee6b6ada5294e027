"use client";

import { GLOBAL_ROLES } from "@/lib/auth/permissions";
import { Button } from "@/components/ui/button";
import { Field, FormMessage, useActionForm, type TFormAction } from "@/components/ui/form";
import { PasswordFields } from "@/components/admin/password-fields";
import { roleLabel } from "@/components/admin/user-badges";

type Props = { action: TFormAction; orgName: string; emailDomains: string[]; minPasswordLength: number };

// The organisation is not a choice: an admin creates users of their own organisation only.
export function UserCreateForm({ action, orgName, emailDomains, minPasswordLength }: Props) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      noValidate
      className="max-w-xl space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <Field
        name="email"
        label="Email"
        state={state}
        hint={emailDomains.length ? `At ${emailDomains.join(" or ")}, your organisation's domains.` : undefined}
      >
        {(p) => <input {...p} type="email" autoComplete="off" required />}
      </Field>
      <Field name="name" label="Full name" state={state}>
        {(p) => <input {...p} type="text" autoComplete="off" required />}
      </Field>
      <p className="text-sm text-slate-700">
        <span className="font-medium">Organisation:</span> {orgName}
        <span className="mt-1 block text-xs text-slate-500">You add people to your own organisation only.</span>
      </p>
      <Field
        name="role"
        label="Global role"
        state={state}
        hint="Admins manage users and read the audit log. Case access is granted per case."
      >
        {(p) => (
          <select {...p} required defaultValue="INVESTIGATOR">
            {GLOBAL_ROLES.map((role) => (
              <option key={role} value={role}>
                {roleLabel(role)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <PasswordFields
        label="Initial password"
        confirmLabel="Confirm password"
        hint={`At least ${minPasswordLength} characters. Give it to the user through a trusted channel.`}
        minLength={minPasswordLength}
        state={state}
      />
      <FormMessage state={state} success={state.message} />
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create user"}
      </Button>
    </form>
  );
}
