"use client";

import { Button } from "@/components/ui/button";
import { FormMessage, useActionForm, type TFormAction } from "@/components/ui/form";

type Props = {
  action: TFormAction;
  label: string;
  description?: string;
  variant?: "secondary" | "danger";
  /** Nothing to do now (the description says why); the form stays mounted so its last outcome shows. */
  disabled?: boolean;
};

// A single button that runs a server action and shows its outcome (ending sessions, unlocking).
export function OneClickForm({ action, label, description, variant = "secondary", disabled = false }: Props) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2">
      {description && <p className="text-sm text-slate-600">{description}</p>}
      <Button type="submit" variant={variant} disabled={pending || disabled}>
        {label}
      </Button>
      <FormMessage state={state} success={state.message} />
    </form>
  );
}
