"use client";

import { useState } from "react";
import { Field, FormMessage, SubmitButton, useActionForm, type TFormAction } from "@/components/ui/form";
import { Panel } from "@/components/ui/panel";

type TForm = {
  evidence: { id: string; title: string; fileName: string; privileged: boolean }[];
  moreEvidence: boolean;
  nextNumbers: Record<string, number>;
};

const SCOPES = [
  { value: "case", label: "The whole case" },
  { value: "evidence", label: "Selected evidence" },
  { value: "timeline", label: "A date range of the timeline" },
] as const;

/** Start an export: scope, Bates prefix and first number, receiving party, load-file delimiters. */
export function ProductionForm({ action, form }: { action: TFormAction; form: TForm }) {
  const { state, pending, formRef, onSubmit, refused } = useActionForm(action);
  const [scope, setScope] = useState<string>(refused?.scope ?? "case");
  const [prefix, setPrefix] = useState(refused?.batesPrefix ?? "CB");
  const next = form.nextNumbers[prefix];
  return (
    <Panel title="New export">
      <form ref={formRef} onSubmit={onSubmit} className="space-y-4" aria-label="New export">
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Scope</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {SCOPES.map((s) => (
              <label key={s.value} className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="scope"
                  value={s.value}
                  checked={scope === s.value}
                  onChange={() => setScope(s.value)}
                />
                {s.label}
              </label>
            ))}
          </div>
          {state.fieldErrors?.scope && <p className="mt-1 text-sm text-red-700">{state.fieldErrors.scope.join(" ")}</p>}
        </fieldset>
        {scope === "evidence" && (
          <fieldset className="max-h-64 overflow-y-auto rounded-md border border-slate-200 p-3">
            <legend className="px-1 text-sm font-medium text-slate-700">Evidence to produce</legend>
            {form.evidence.length === 0 ? (
              <p className="text-sm text-slate-600">The case has no evidence you can see yet.</p>
            ) : (
              form.evidence.map((e) => (
                <label key={e.id} className="flex items-center gap-2 py-0.5 text-sm">
                  <input type="checkbox" name="evidenceIds" value={e.id} />
                  {e.title} <span className="text-xs text-slate-500">({e.fileName})</span>
                  {e.privileged && (
                    <span className="text-xs text-red-700">privileged: withheld, listed in the privilege log</span>
                  )}
                </label>
              ))
            )}
            {state.fieldErrors?.["scope.ids"] && (
              <p className="mt-1 text-sm text-red-700">{state.fieldErrors["scope.ids"].join(" ")}</p>
            )}
            {form.moreEvidence && (
              <p className="mt-2 text-xs text-slate-500">
                Only the first 1,000 items are listed: export the case or a date range for more.
              </p>
            )}
          </fieldset>
        )}
        {scope === "timeline" && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field name="from" errorKey="scope.from" label="From (UTC day)" state={state}>
              {(p) => <input {...p} type="date" required defaultValue={refused?.from} />}
            </Field>
            <Field name="to" errorKey="scope.to" label="To (UTC day, included)" state={state}>
              {(p) => <input {...p} type="date" required defaultValue={refused?.to} />}
            </Field>
          </div>
        )}
        <div className="grid gap-4 sm:grid-cols-3">
          <Field
            name="batesPrefix"
            label="Bates prefix"
            state={state}
            hint="Letters, digits, spaces, - and _; not starting with a space, not ending in a digit or a space."
          >
            {(p) => <input {...p} required maxLength={20} value={prefix} onChange={(e) => setPrefix(e.target.value)} />}
          </Field>
          <Field
            name="batesStart"
            label="First Bates number"
            state={state}
            hint={
              next
                ? `Numbers up to ${next - 1} are used for this prefix: the next is ${next}.`
                : "The prefix is new: start anywhere."
            }
          >
            {(p) => (
              <input
                {...p}
                key={`${prefix}-${next ?? 1}`}
                type="number"
                min={1}
                required
                defaultValue={refused?.batesStart ?? next ?? 1}
              />
            )}
          </Field>
          <Field name="receivingParty" label="Receiving party" state={state}>
            {(p) => <input {...p} required maxLength={200} defaultValue={refused?.receivingParty} />}
          </Field>
        </div>
        <details className="rounded-md border border-slate-200 p-3">
          <summary className="cursor-pointer text-sm font-medium text-slate-700">
            Load file delimiters (Concordance defaults)
          </summary>
          <p className="mt-2 text-xs text-slate-500">
            One character each, or its code point (U+0014). Change them only if the receiving party&apos;s protocol
            asks.
          </p>
          <div className="mt-2 grid gap-4 sm:grid-cols-3">
            <Field name="column" errorKey="delimiters.column" label="Column" state={state}>
              {(p) => <input {...p} defaultValue={refused?.column ?? "U+0014"} />}
            </Field>
            <Field name="quote" errorKey="delimiters.quote" label="Quote" state={state}>
              {(p) => <input {...p} defaultValue={refused?.quote ?? "U+00FE"} />}
            </Field>
            <Field name="newline" errorKey="delimiters.newline" label="Newline inside a field" state={state}>
              {(p) => <input {...p} defaultValue={refused?.newline ?? "U+00AE"} />}
            </Field>
          </div>
        </details>
        <FormMessage state={state} />
        <SubmitButton pending={pending} pendingText="Starting…">
          Start export
        </SubmitButton>
      </form>
    </Panel>
  );
}
