"use client";

import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { ConfirmStep } from "@/components/ui/confirm-step";
import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import { USAGE_PRESET_INFO, USAGE_PRESETS } from "@/lib/usage/schemas";

/** A one-click action (load, cancel, delete, add to timeline) with its outcome beside it. */
export function ActionButton({
  action,
  label,
  pendingText,
  variant = "secondary",
  name,
  success,
  confirm,
}: {
  action: TFormAction;
  label: string;
  pendingText?: string;
  variant?: "primary" | "secondary" | "danger";
  name: string;
  success?: string;
  /** Asked first, inline (ConfirmStep), for what cannot be undone; `label` then reads "…". */
  confirm?: { question: string; label: string };
}) {
  const { state, pending, formRef, onSubmit } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label={name} className="flex flex-wrap items-center gap-2">
      {confirm ? (
        <ConfirmStep
          ask={label}
          question={confirm.question}
          confirm={confirm.label}
          pending={pending}
          pendingText={pendingText ?? "Working…"}
        />
      ) : (
        <SubmitButton pending={pending} pendingText={pendingText} variant={variant}>
          {label}
        </SubmitButton>
      )}
      <FormMessage state={state} success={success} />
    </form>
  );
}

/** Choose an evidence item and the shape of its file; the server opens the mapping step. */
export function StartImportForm({
  action,
  evidence,
}: {
  action: TFormAction;
  evidence: { id: string; title: string; fileName: string }[];
}) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      aria-label="Import API usage"
      className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
    >
      <Field name="evidenceId" label="Evidence file" state={state}>
        {(p) => (
          <select {...p} defaultValue={refused?.evidenceId ?? ""} required>
            <option value="" disabled>
              Choose a file…
            </option>
            {evidence.map((e) => (
              <option key={e.id} value={e.id}>
                {e.title} ({e.fileName})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="preset" label="Its shape" state={state}>
        {(p) => (
          <select {...p} defaultValue={refused?.preset ?? "gateway"}>
            {USAGE_PRESETS.map((preset) => (
              <option key={preset} value={preset}>
                {USAGE_PRESET_INFO[preset].label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SubmitButton pending={pending} pendingText="Reading the file…">
        Import as API usage
      </SubmitButton>
      <div className="sm:col-span-3">
        <FormMessage state={state} />
      </div>
    </form>
  );
}

/** While a job runs, the page reloads its state every second (the job page is server-rendered). */
export function RefreshWhileRunning({ running }: { running: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => router.refresh(), 1_000);
    return () => clearInterval(timer);
  }, [running, router]);
  return null;
}

/** The case's signal thresholds and limits (leads), each field named after its setting. */
export function SignalSettingsForm({
  action,
  settings,
  labels,
}: {
  action: TFormAction;
  settings: Record<string, number>;
  labels: Record<string, string>;
}) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  return (
    <form ref={formRef} onSubmit={onSubmit} aria-label="Signal thresholds" className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {Object.entries(settings).map(([name, value]) => (
          <Field key={name} name={name} label={labels[name] ?? name} state={state}>
            {(p) => <input {...p} type="number" step="any" defaultValue={refused?.[name] ?? String(value)} />}
          </Field>
        ))}
      </div>
      <FormMessage state={state} success="Thresholds saved; the signals were computed again." />
      <SubmitButton pending={pending} pendingText="Saving and computing…">
        Save thresholds
      </SubmitButton>
    </form>
  );
}
