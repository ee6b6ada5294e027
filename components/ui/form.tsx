"use client";

import { startTransition, useActionState, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useFormStatus } from "react-dom";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import type { TActionState } from "@/lib/action-state";
import { FIELDS_REFUSED } from "@/lib/errors";

/** What a form's action answers (lib/action-state.ts), and the values it was sent, kept on a refusal. */
export type TFormState = TActionState & { values?: Record<string, string> };

export type TFormAction = (state: TFormState, formData: FormData) => Promise<TFormState>;

/**
 * useActionState, submitted from onSubmit rather than the form's `action`: React resets a form
 * after an action, which would wipe what the user typed when the server refuses it (a conflict,
 * a validation error). After a refusal, focus moves to the first field in error.
 */
export function useActionForm(action: TFormAction, { resetOnSuccess = false } = {}) {
  // A refused submission keeps what the user sent, so the form can render it as its default
  // values: a re-render with fresh server data then cannot wipe what was typed.
  const [state, dispatch, pending] = useActionState(
    async (previous: TFormState, data: FormData): Promise<TFormState> => {
      const result = await action(previous, data);
      const values = Object.fromEntries([...data].filter((e): e is [string, string] => typeof e[1] === "string"));
      return result.ok ? result : { ...result, values };
    },
    { ok: false },
  );
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.fieldErrors) formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
    if (state.ok && resetOnSuccess) formRef.current?.reset();
  }, [state, resetOnSuccess]);
  // A field changed since the refusal loses its error: it no longer describes what is there
  // (and a submit the browser itself blocks would otherwise leave it standing).
  const [edited, setEdited] = useState<{ of: TFormState; names: ReadonlySet<string> } | null>(null);
  useEffect(() => {
    const form = formRef.current;
    if (!form || !state.fieldErrors) return;
    const onEdit = (event: Event) => {
      // Where the field's errors are reported: its Field's errorKey ("scope.to"), else its name.
      const input = event.target as HTMLInputElement | null;
      const key = input?.dataset?.errorKey ?? input?.name;
      // As a transition: rendered after React's own handler has read the input (a render at
      // once, from this listener, would put a controlled input's old value back first).
      if (key && state.fieldErrors?.[key])
        startTransition(() =>
          setEdited((e) => ({ of: state, names: new Set([...(e?.of === state ? e.names : []), key]) })),
        );
    };
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    return () => {
      form.removeEventListener("input", onEdit);
      form.removeEventListener("change", onEdit);
    };
  }, [state]);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => dispatch(data));
  }
  return {
    state: edited?.of === state ? withoutErrorsOf(state, edited.names) : state,
    pending,
    formRef,
    onSubmit,
    refused: state.ok ? undefined : state.values,
  };
}

/**
 * The state without the errors of fields edited since; the form's message goes with the last of
 * them when it only pointed at them (a message of its own stays).
 */
function withoutErrorsOf(state: TFormState, names: ReadonlySet<string>): TFormState {
  const left = Object.entries(state.fieldErrors ?? {}).filter(([name]) => !names.has(name));
  if (left.length) return { ...state, fieldErrors: Object.fromEntries(left) };
  return { ...state, fieldErrors: undefined, message: state.message === FIELDS_REFUSED ? undefined : state.message };
}

const INPUT =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:ring-brand-600 aria-[invalid=true]:border-red-500";

/** A file input whose button looks like the form's other buttons (the browser's own is unstyled). */
export const FILE_INPUT =
  "mt-1 block w-full max-w-full text-sm font-normal text-slate-700 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-solid file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-slate-800 file:shadow-sm hover:file:bg-slate-50";

/** A labelled input, select or textarea with its error under it (aria-describedby). */
export function Field({
  name,
  label,
  state,
  hint,
  errorKey = name,
  children,
}: {
  name: string;
  label: string;
  state?: TFormState;
  hint?: string;
  /** Where the server reports this field's errors, when not under its name ("scope.to"). */
  errorKey?: string;
  children: (props: {
    id: string;
    name: string;
    "aria-invalid": boolean;
    "aria-describedby"?: string;
    /** Where its errors are reported, for useActionForm to clear them once it is edited. */
    "data-error-key": string;
    className: string;
  }) => React.ReactNode;
}) {
  const id = `${useId()}-${name}`;
  const errors = state?.fieldErrors?.[errorKey];
  const describedBy =
    [errors ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children({
        id,
        name,
        "aria-invalid": Boolean(errors),
        "aria-describedby": describedBy,
        "data-error-key": errorKey,
        className: INPUT,
      })}
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {errors && (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {errors.join(" ")}
        </p>
      )}
    </div>
  );
}

/** The form-level message: errors as an alert, successes as a polite status. */
export function FormMessage({ state, success }: { state: TFormState; success?: string }) {
  if (!state.ok && state.message) {
    return (
      <p
        role="alert"
        className={`rounded-md border px-3 py-2 text-sm ${state.conflict ? "border-amber-300 bg-amber-50 text-amber-900" : "border-red-200 bg-red-50 text-red-800"}`}
      >
        {state.message}
        {state.link && (
          <>
            {" "}
            <Link href={state.link.href} className="font-medium underline underline-offset-2">
              {state.link.label}
            </Link>
          </>
        )}
      </p>
    );
  }
  return (
    <p role="status" aria-live="polite" className="text-sm text-green-700">
      {state.ok && success ? success : ""}
    </p>
  );
}

export function SubmitButton({
  children,
  pendingText,
  variant,
  pending: pendingProp,
}: {
  children: React.ReactNode;
  pendingText?: string;
  variant?: "primary" | "secondary" | "danger";
  pending?: boolean;
}) {
  const status = useFormStatus();
  const pending = pendingProp ?? status.pending;
  return (
    <Button type="submit" variant={variant} disabled={pending} aria-disabled={pending}>
      {pending ? (pendingText ?? "Saving…") : children}
    </Button>
  );
}
