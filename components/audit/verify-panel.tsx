"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { TVerifyChainState, TVerifyView } from "@/lib/audit/verify";
import { utcLabel } from "@/lib/utc";

type Props = {
  action: (state: TVerifyChainState, form: FormData) => Promise<TVerifyChainState>;
  /** The audit log page, to link to the first broken event. */
  path: string;
};

const REASONS = {
  content_modified: "Its content no longer matches its hash: the event was edited after it was written.",
  chain_broken: "It does not link to the event before it: an earlier event was deleted or the order was changed.",
} as const;

function Outcome({ result, path }: { result: TVerifyView; path: string }) {
  if (result.ok) {
    return (
      <div role="status" className="mt-4 rounded-md border border-green-300 bg-green-50 p-4 text-green-900">
        <p className="text-lg font-semibold">Chain intact: every event checked</p>
        <p className="mt-1 font-mono text-xs break-all">Head hash {result.headHash}</p>
        <p className="mt-2 text-xs text-green-800">
          Keep this head hash outside the database: removing the newest events leaves a chain that still verifies, and
          only a copy kept elsewhere shows it.
        </p>
      </div>
    );
  }
  return (
    <div role="alert" className="mt-4 rounded-md border border-red-300 bg-red-50 p-4 text-red-900">
      <p className="text-lg font-semibold">
        Chain broken at an event of{" "}
        <time dateTime={result.brokenAt.toISOString()}>{utcLabel(result.brokenAt, "second")}</time>
      </p>
      <p className="mt-1 text-sm">{REASONS[result.reason]}</p>
      <p className="mt-1 text-sm">The events before it are intact.</p>
      <Link
        href={`${path}?cursor=${encodeURIComponent(result.cursor)}`}
        className="mt-2 inline-block text-sm font-medium underline"
      >
        Show the log from there
      </Link>
      <p className="mt-1 text-xs">
        The log shows only what your organisation may see: if the broken event is the other organisation&apos;s, the
        operator&apos;s <code>npm run audit:verify</code> names it.
      </p>
    </div>
  );
}

export function VerifyPanel({ action, path }: Props) {
  const [state, formAction, pending] = useActionState(action, { ok: false });
  return (
    <section
      aria-labelledby="verify-heading"
      className="mb-6 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h2 id="verify-heading" className="font-semibold text-slate-900">
            Integrity
          </h2>
          <p className="text-sm text-slate-600">
            Recomputes every event&apos;s hash and checks that each links to the one before it.
          </p>
        </div>
        <form action={formAction}>
          <Button type="submit" disabled={pending} aria-busy={pending}>
            {pending ? "Verifying…" : "Verify chain"}
          </Button>
        </form>
      </div>
      <div aria-live="polite">
        {pending && <p className="mt-4 text-sm text-slate-600">Checking the whole log: a large one takes a while.</p>}
        {!pending && state.result && <Outcome result={state.result} path={path} />}
        {!pending && !state.result && state.message && (
          <p role="alert" className="mt-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800">
            {state.message}
          </p>
        )}
      </div>
    </section>
  );
}
