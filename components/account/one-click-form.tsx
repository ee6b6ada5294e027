"use client";

import { Button } from "@/components/ui/button";
import { FormMessage, useActionForm, type TFormAction } from "@/components/ui/form";

type Props = { action: TFormAction; label: string; description?: string; variant?: "secondary" | "danger" };

// A single button that runs a server action and shows its outcome (ending sessions, unlocking).
export function OneClickForm({ action, label, description, variant = "secondary" }: Props) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2">
      {description && <p className="text-sm text-slate-600">{description}</p>}
      <Button type="submit" variant={variant} disabled={pending}>
        {label}
      </Button>
      <FormMessage state={state} success={state.message} />
    </form>
  );
}
