import { useId, type ReactNode } from "react";
import type { TActionState } from "@/lib/action-state";

// Shared pieces of the admin forms (used only from client components). Server actions answer a
// TActionState (lib/action-state.ts): a message for the form and errors per field.

export type TFormAction = (state: TActionState, formData: FormData) => Promise<TActionState>;

export const INPUT_CLASS =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:ring-brand-600 aria-invalid:border-red-500";

/** The shared form hook (components/ui/form.tsx), under the name the admin forms use. */
export { useActionForm as useAdminForm } from "@/components/ui/form";

type TControlProps = { id: string; name: string; "aria-invalid": boolean; "aria-describedby"?: string };

/** A labelled control with its hint and its errors, tied to it by aria-describedby. */
export function Field(props: {
  name: string;
  label: string;
  errors?: string[];
  hint?: string;
  children: (control: TControlProps) => ReactNode;
}) {
  const id = `${useId()}-${props.name}`;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.errors?.length ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {props.label}
      </label>
      {props.children({ id, name: props.name, "aria-invalid": Boolean(errorId), "aria-describedby": describedBy })}
      {props.hint && (
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          {props.hint}
        </p>
      )}
      {errorId && (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {props.errors!.join(" ")}
        </p>
      )}
    </div>
  );
}

/** The form's outcome: errors in an alert region, confirmations in a polite status region. */
export function FormMessage({ state }: { state: TActionState }) {
  return (
    <>
      <div role="alert" aria-live="assertive" className="text-sm text-red-700 empty:hidden">
        {!state.ok && state.message}
      </div>
      <div role="status" aria-live="polite" className="text-sm text-green-700 empty:hidden">
        {state.ok && state.message}
      </div>
    </>
  );
}

/** A new password and its confirmation (create user, reset password). */
export function PasswordFields(props: { label: string; confirmLabel: string; hint: string; minLength: number; errors: Record<string, string[] | undefined> }) {
  return (
    <>
      <Field name="password" label={props.label} errors={props.errors.password} hint={props.hint}>
        {(p) => <input {...p} type="password" autoComplete="new-password" required minLength={props.minLength} className={INPUT_CLASS} />}
      </Field>
      <Field name="confirmPassword" label={props.confirmLabel} errors={props.errors.confirmPassword}>
        {(p) => <input {...p} type="password" autoComplete="new-password" required className={INPUT_CLASS} />}
      </Field>
    </>
  );
}
